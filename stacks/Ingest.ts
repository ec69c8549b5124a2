import { logRetention } from "./log-retention";
import { Annotations, ArnFormat, RemovalPolicy } from "aws-cdk-lib";
import * as events from "aws-cdk-lib/aws-events";
import * as iam from "aws-cdk-lib/aws-iam";
import * as firehose from "aws-cdk-lib/aws-kinesisfirehose";
import * as logs from "aws-cdk-lib/aws-logs";
import { Config, Cron, type Function, use, type StackContext } from "sst/constructs";
import { staticPrefixOf } from "../packages/core/src/catalog/raw-table";
import { CURSOR_PREFIX } from "../packages/core/src/ingest/cursor";
import { assertValidFirehoseConfig } from "../packages/core/src/delivery";
import { stackProject } from "./project";
import { firehoseDestinationOf } from "./firehose-destination";
import { Analytics } from "./Analytics";
import { Catalog } from "./Catalog";
import { suppressObjectWildcards, suppressSstFunctionDefaults } from "./nag";
import { scheduleOf } from "./schedule";
import { datasetSecrets, sourceSecretNames } from "./source-secrets";
import { scheduledSubjectsOf } from "../packages/core/src/config/project";
import { Storage } from "./Storage";

/**
 * Per dataset: the Firehose stream into raw (its role and logs), and a scheduled producer Lambda of
 * its own, allowed PutRecordBatch on that stream only and bound to that dataset's API key only. The
 * sources' API keys are SST secrets created here once (the step runner binds them too).
 */
export function Ingest({ app, stack }: StackContext) {
  const { raw, processed, parameters: storage } = use(Storage);
  // The AWS composition root needs the lake's names in every function (runtime/aws.ts fromSstBindings).
  const lakeBindings = [...Object.values(storage), use(Catalog).parameters.GLUE_DATABASE, use(Analytics).parameters.ATHENA_WORKGROUP];
  const { pipeline } = stackProject();
  const streams = Object.values(pipeline.datasets).map((dataset) => {
    // An invalid config fails synthesis with the message CreateDeliveryStream would answer.
    assertValidFirehoseConfig(dataset.firehose, "aws");
    const objectPrefixes = [dataset.firehose.prefix, dataset.firehose.errorOutputPrefix].map((p) => raw.arnForObjects(`${staticPrefixOf(p)}*`));
    const logGroup = new logs.LogGroup(stack, `FirehoseLogs-${dataset.name}`, { retention: logRetention(), removalPolicy: RemovalPolicy.DESTROY });
    const logStream = logGroup.addStream("S3Delivery");

    // Least privilege from https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#using-iam-s3,
    // narrowed to the dataset's prefixes; no s3:DeleteObject, raw stays immutable.
    const role = new iam.Role(stack, `FirehoseRole-${dataset.name}`, {
      assumedBy: new iam.ServicePrincipal("firehose.amazonaws.com", { conditions: { StringEquals: { "sts:ExternalId": stack.account } } }),
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"], resources: [raw.bucketArn] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"], resources: objectPrefixes }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ["logs:PutLogEvents"], resources: [stack.formatArn({ service: "logs", resource: "log-group", resourceName: `${logGroup.logGroupName}:log-stream:${logStream.logStreamName}`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })] }));

    const stream = new firehose.CfnDeliveryStream(stack, `Firehose-${dataset.name}`, {
      deliveryStreamName: app.logicalPrefixedName(dataset.firehose.streamName),
      deliveryStreamType: "DirectPut",
      deliveryStreamEncryptionConfigurationInput: { keyType: "AWS_OWNED_CMK" },
      extendedS3DestinationConfiguration: firehoseDestinationOf(dataset.firehose, {
        bucketArn: raw.bucketArn,
        roleArn: role.roleArn,
        logGroupName: logGroup.logGroupName,
        logStreamName: logStream.logStreamName,
      }),
    });
    // The role's policy must exist before Firehose first tries to write.
    stream.node.addDependency(role);
    suppressObjectWildcards(role, "Firehose writes objects with generated names under the dataset's prefix and error prefix only.");
    return { dataset, stream, objectPrefixes };
  });

  const secrets = Object.fromEntries(sourceSecretNames(pipeline).map((name) => [name, new Config.Secret(stack, name)]));
  const parameters = Object.fromEntries(
    streams.map(({ dataset, stream }) => [dataset.name, new Config.Parameter(stack, `FIREHOSE_STREAM_${dataset.name.toUpperCase()}`, { value: stream.ref })]),
  );
  const producers: { dataset: string; fn: Function }[] = [];
  const secretsOf = datasetSecrets(pipeline);
  const unscheduled: string[] = [];
  for (const { dataset, stream, objectPrefixes } of streams) {
    // A producer with nothing to ask for would fail every invocation: no schedule, and synthesis says why.
    if (!scheduledSubjectsOf(dataset)) {
      unscheduled.push(dataset.name);
      Annotations.of(stack).addInfo(`${dataset.name}: no producer schedule, it has no subjects: set datasets.${dataset.name}.subjects in sluice.config.ts (its stream and tables are deployed; runs can still be started with subjects)`);
      continue;
    }
    const cron = new Cron(stack, `Producer-${dataset.name}`, {
      schedule: scheduleOf(dataset),
      job: {
        function: {
          handler: "packages/functions/src/producer.handler",
          timeout: "5 minutes",
          bind: [...lakeBindings, parameters[dataset.name]!, ...(secretsOf[dataset.name] ?? []).map((name) => secrets[name]!)],
          permissions: [
            new iam.PolicyStatement({ actions: ["firehose:PutRecordBatch"], resources: [stream.attrArn] }),
            // Records the client itself rejects go to the error prefix (the twin's `sluice-client-failed`).
            new iam.PolicyStatement({ actions: ["s3:PutObject"], resources: [objectPrefixes[1]!] }),
            // The incremental cursors of its own dataset (packages/core/src/ingest/cursor.ts).
            new iam.PolicyStatement({ actions: ["s3:GetObject", "s3:PutObject"], resources: [processed.arnForObjects(`${CURSOR_PREFIX}${dataset.name}/*`)] }),
            // The cursor store lists its key before reading it: without s3:ListBucket, a GetObject of a
            // key not written yet answers 403 AccessDenied, not 404 (GetObject API reference, "Permissions").
            new iam.PolicyStatement({ actions: ["s3:ListBucket"], resources: [processed.bucketArn], conditions: { StringLike: { "s3:prefix": [`${CURSOR_PREFIX}${dataset.name}/*`] } } }),
          ],
        },
        // One code, one function per dataset: the schedule's event names the dataset it ingests.
        cdk: { target: { event: events.RuleTargetInput.fromObject({ dataset: dataset.name }) } },
      },
    });
    suppressSstFunctionDefaults(cron.jobFunction);
    producers.push({ dataset: dataset.name, fn: cron.jobFunction });
    suppressObjectWildcards(cron.jobFunction.role!, "The producer writes client-rejected records under the dataset's error prefix only, and its own dataset's cursors under _sluice/cursors/<dataset>/.");
  }
  return { unscheduled, streams: streams.map(({ dataset, stream, objectPrefixes }) => ({ dataset: dataset.name, stream, errorObjects: objectPrefixes[1]! })), producers, parameters, secrets };
}
