import { sstLogRetention } from "./log-retention";
import { ArnFormat, RemovalPolicy } from "aws-cdk-lib";
import * as apigwv2 from "aws-cdk-lib/aws-apigatewayv2";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as sns from "aws-cdk-lib/aws-sns";
import type { IBucket } from "aws-cdk-lib/aws-s3";
import { Api as HttpApi, Config, Function, use, type StackContext } from "sst/constructs";
import { BUNDLED_CONFIG_FILE, bundledConfigFile, stackProject } from "./project";
import { Analytics } from "./Analytics";
import { Catalog } from "./Catalog";
import { Ingest } from "./Ingest";
import { NagSuppressions } from "cdk-nag";
import { defaultPolicyOf, suppressObjectWildcards, suppressSstFunctionDefaults } from "./nag";
import { datasetGlueTables } from "./names";
import { backfillRunnerPolicy, runnerPolicy } from "./runner-policy";
import { backfillStateMachine } from "./backfill-state-machine";
import { runStateMachine } from "./run-state-machine";
import { runSchedules } from "./schedule";
import { retainsData } from "./stage";
import { BACKFILL_PREFIX, BACKFILL_START_LOCK_SUFFIX } from "../packages/core/src/backfill/cursor-store";
import { Storage } from "./Storage";

/** Where the API function's bundle holds the dashboard: LAMBDA_WEB_DIR of packages/core/src/runtime/aws.ts (the infra tests check they agree). */
const WEB_DIR = "web";

/** What the API function's policy is scoped to. */
interface ApiPolicyTargets {
  readonly glue: (resource: string, resourceName?: string) => string;
  readonly buckets: { readonly processed: IBucket; readonly prod: IBucket; readonly athenaResults: IBucket };
  readonly databaseName: string;
  readonly workgroupArn: string;
  readonly stateMachineArn: string;
  readonly backfillStateMachineArn: string;
  /** The back-fill machine's executions (`…:execution:<machine>:*`): the API asks whether the one a cursor names still runs. */
  readonly backfillExecutionsArn: string;
}

/**
 * The HTTP API's permissions, read-mostly: Athena queries in sluice's workgroup, Glue reads of the
 * datasets' tables, reads of processed (run records, lock) and prod, query results in
 * athena-results, the first record of a run it starts and the first cursor of a back-fill, and
 * starting the run and back-fill state machines (asking whether a back-fill's execution still
 * runs), nothing else.
 */
function apiPolicy(t: ApiPolicyTargets): iam.PolicyStatement[] {
  const tables = Object.values(stackProject().pipeline.datasets).flatMap(datasetGlueTables);
  const { processed, prod, athenaResults } = t.buckets;
  return [
    new iam.PolicyStatement({
      actions: ["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults", "athena:StopQueryExecution", "athena:GetWorkGroup"],
      resources: [t.workgroupArn],
    }),
    new iam.PolicyStatement({
      actions: ["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetPartition", "glue:GetPartitions", "glue:BatchGetPartition"],
      resources: [t.glue("catalog"), t.glue("database", t.databaseName), ...tables.map((name) => t.glue("table", `${t.databaseName}/${name}`))],
    }),
    new iam.PolicyStatement({ actions: ["s3:GetBucketLocation", "s3:ListBucket"], resources: [processed.bucketArn, prod.bucketArn, athenaResults.bucketArn] }),
    new iam.PolicyStatement({ actions: ["s3:GetObject"], resources: [processed.arnForObjects("*"), prod.arnForObjects("*")] }),
    // Athena writes a query's results with the caller's rights, under the workgroup's enforced results/ prefix.
    new iam.PolicyStatement({
      actions: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
      resources: [athenaResults.arnForObjects("results/*")],
    }),
    new iam.PolicyStatement({ actions: ["s3:PutObject"], resources: [processed.arnForObjects("_sluice/runs/*"), processed.arnForObjects(`${BACKFILL_PREFIX}*`)] }),
    // A back-fill's start lock (taken between the cursor check and StartExecution) is released by deleting it.
    new iam.PolicyStatement({ actions: ["s3:DeleteObject"], resources: [processed.arnForObjects(`${BACKFILL_PREFIX}*${BACKFILL_START_LOCK_SUFFIX}`)] }),
    new iam.PolicyStatement({ actions: ["states:StartExecution"], resources: [t.stateMachineArn, t.backfillStateMachineArn] }),
    new iam.PolicyStatement({ actions: ["states:DescribeExecution"], resources: [t.backfillExecutionsArn] }),
  ];
}

/** The run state machine and its step runner, the DQ alert topic, the API's token and the HTTP API (Hono on Lambda behind API Gateway). */
export function Api({ app, stack }: StackContext) {
  const storage = use(Storage);
  const catalog = use(Catalog);
  const analytics = use(Analytics);
  const ingest = use(Ingest);

  // A key of our own, not SNS's AWS-managed alias/aws/sns: CloudWatch alarms (the Operations stack)
  // cannot publish to a topic under that key, whose policy nobody can edit
  // (https://repost.aws/knowledge-center/cloudwatch-configure-alarm-sns).
  const alertsKey = new kms.Key(stack, "AlertsKey", { enableKeyRotation: true, description: "Encrypts the DQ and operations alert topic" });
  alertsKey.addToResourcePolicy(
    new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal("cloudwatch.amazonaws.com")],
      actions: ["kms:Decrypt", "kms:GenerateDataKey"],
      resources: ["*"],
      conditions: { StringEquals: { "aws:SourceAccount": stack.account } },
    }),
  );
  const alerts = new sns.Topic(stack, "DqAlerts", {
    topicName: app.logicalPrefixedName("dq-alerts"),
    masterKey: alertsKey,
    enforceSSL: true,
  });
  alerts.addToResourcePolicy(
    new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal("cloudwatch.amazonaws.com")],
      actions: ["sns:Publish"],
      resources: [alerts.topicArn],
      conditions: { StringEquals: { "aws:SourceAccount": stack.account } },
    }),
  );
  const apiToken = new Config.Secret(stack, "API_TOKEN");
  const alertTopic = new Config.Parameter(stack, "DQ_ALERT_TOPIC", { value: alerts.topicArn });
  const resources = [
    ...Object.values(storage.parameters),
    ...Object.values(catalog.parameters),
    ...Object.values(analytics.parameters),
    ...Object.values(ingest.parameters),
    alertTopic,
  ];

  // The run engine's rights, for the step runner: each invocation runs one state of the run state machine.
  const runEngine = {
    // Athena CTAS over months of raw data; Lambda's maximum.
    timeout: "15 minutes" as const,
    memorySize: "1 GB" as const,
    // It can ingest any dataset, so it holds every source's API key.
    bind: [...resources, ...Object.values(ingest.secrets)],
    permissions: [
      ...runnerPolicy({
        stack,
        buckets: storage,
        databaseName: catalog.databaseName,
        crawlerName: catalog.crawler.ref,
        workgroupArn: analytics.workgroupArn,
        datasets: Object.values(stackProject().pipeline.datasets),
        streams: ingest.streams,
      }),
      new iam.PolicyStatement({ actions: ["sns:Publish"], resources: [alerts.topicArn] }),
      // Publishing to a topic under a customer-managed key needs the key (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html).
      new iam.PolicyStatement({ actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [alertsKey.keyArn] }),
    ],
  };
  const stepRunner = new Function(stack, "StepRunner", { handler: "packages/functions/src/step.handler", ...runEngine });
  suppressSstFunctionDefaults(stepRunner);
  suppressObjectWildcards(stepRunner.role!, "The run engine reads raw objects under the datasets' prefixes and writes Parquet, versions, run records and query results whose keys are made at run time.");
  NagSuppressions.addResourceSuppressions(
    defaultPolicyOf(stepRunner.role!),
    [{ id: "AwsSolutions-IAM5", reason: "Each publish creates the next version table (weather_prod_v0001, …); the wildcard covers only those names.", appliesTo: [{ regex: "/^Resource::arn:<AWS::Partition>:glue:.*:table\\/.*_v\\*$/g" }] }],
  );
  const runs = runStateMachine(stack, { stepRunner, alerts, alertsKey, removalPolicy: retainsData(app) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY });
  const runStateMachineArn = new Config.Parameter(stack, "RUN_STATE_MACHINE", { value: runs.stateMachineArn });
  runSchedules(stack, runs, Object.values(stackProject().pipeline.datasets));
  // Back-fills: one chunk per invocation of their own runner, which only ingests and keeps its cursors.
  const backfillRunner = new Function(stack, "BackfillRunner", {
    handler: "packages/functions/src/backfill.handler",
    timeout: runEngine.timeout,
    memorySize: runEngine.memorySize,
    bind: runEngine.bind,
    permissions: backfillRunnerPolicy({ buckets: storage, streams: ingest.streams }),
  });
  suppressSstFunctionDefaults(backfillRunner);
  suppressObjectWildcards(backfillRunner.role!, "A back-fill writes its cursors under _sluice/backfills/ and client-rejected records under the datasets' error prefixes, keys made at run time.");
  const backfills = backfillStateMachine(stack, { backfillRunner, runs, removalPolicy: retainsData(app) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY });
  const backfillStateMachineArn = new Config.Parameter(stack, "BACKFILL_STATE_MACHINE", { value: backfills.stateMachineArn });

  const handler = new Function(stack, "ApiHandler", {
    handler: "packages/functions/src/api.handler",
    // API Gateway gives up on an integration after 30 s; the app stops Athena queries at 25 s.
    timeout: "30 seconds",
    memorySize: "512 MB",
    bind: [...Object.values(storage.parameters), catalog.parameters.GLUE_DATABASE, analytics.parameters.ATHENA_WORKGROUP, runStateMachineArn, backfillStateMachineArn, apiToken],
    // The dashboard is served by the app itself: packages/web/* into web/, and uPlot where
    // loadWebAssets resolves it (node_modules/uplot/dist, next to the bundle).
    // (copyFiles replaces the app's default: the bundled project config is listed again.)
    copyFiles: [
      { from: bundledConfigFile(), to: BUNDLED_CONFIG_FILE },
      { from: "packages/web", to: WEB_DIR },
      ...["uPlot.iife.min.js", "uPlot.min.css"].map((file) => ({ from: `node_modules/uplot/dist/${file}`, to: `node_modules/uplot/dist/${file}` })),
    ],
    permissions: apiPolicy({
      glue: (resource, resourceName) => stack.formatArn({ service: "glue", resource, resourceName }),
      buckets: storage,
      databaseName: catalog.databaseName,
      workgroupArn: analytics.workgroupArn,
      stateMachineArn: runs.stateMachineArn,
      backfillStateMachineArn: backfills.stateMachineArn,
      backfillExecutionsArn: stack.formatArn({ service: "states", resource: "execution", resourceName: `${backfills.stateMachineName}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
    }),
  });
  suppressSstFunctionDefaults(handler);
  suppressObjectWildcards(handler.role!, "The API reads run records, the run lock and production data whose keys are made at run time, writes a back-fill's cursor under _sluice/backfills/ by its id, and Athena writes each query's results under a new key.");
  NagSuppressions.addResourceSuppressions(defaultPolicyOf(handler.role!), [
    {
      id: "AwsSolutions-IAM5",
      reason: "The API deletes only back-fill start locks (_sluice/backfills/<id>.start.lock), named by a back-fill id made at request time.",
      appliesTo: [{ regex: `/^Resource::<[A-Za-z0-9]+\\.Arn>\\/${BACKFILL_PREFIX.replace(/\//g, "\\/")}\\*${BACKFILL_START_LOCK_SUFFIX.replace(/\./g, "\\.")}$/g` }],
    },
    {
      id: "AwsSolutions-IAM5",
      reason: "The API asks whether the execution a back-fill's cursor names still runs (DescribeExecution); execution names are made at request time, the wildcard covers only the back-fill machine's.",
      appliesTo: [{ regex: "/^Resource::arn:<AWS::Partition>:states:.*:execution:<BackfillStateMachine[A-Za-z0-9]+\\.Name>:\\*$/g" }],
    },
  ]);
  NagSuppressions.addResourceSuppressions(
    defaultPolicyOf(handler.role!),
    [{ id: "AwsSolutions-IAM5", reason: "Production is the latest version table (weather_prod_v0001, …) behind the prod view; the wildcard covers only those names.", appliesTo: [{ regex: "/^Resource::arn:<AWS::Partition>:glue:.*:table\\/.*_v\\*$/g" }] }],
  );

  const api = new HttpApi(stack, "Http", {
    // Same-origin only: the dashboard is served by this API; no browser on another origin needs it.
    cors: false,
    accessLog: { retention: sstLogRetention() },
    // Read routes are public: a stage-wide cap keeps a flood from turning into Athena spend.
    defaults: { throttle: { burst: 50, rate: 25 } },
    routes: { "GET /": handler, "ANY /{proxy+}": handler },
  });
  NagSuppressions.addResourceSuppressions(
    api.node.findAll().filter((c) => c instanceof apigwv2.CfnRoute),
    [
      {
        id: "AwsSolutions-APIG4",
        reason: "The app authorizes in its handler: every non-GET request needs Authorization: Bearer API_TOKEN (packages/core/src/api/auth.ts, constant-time compare); GET routes (health, runs, DQ, tables, series, dashboard) are public read-only by design and throttled at the stage.",
      },
    ],
  );
  stack.addOutputs({ ApiUrl: api.url, RunStateMachine: runs.stateMachineArn, BackfillStateMachine: backfills.stateMachineArn, DqAlertTopic: alerts.topicArn });
  return { runs, backfills, alerts, apiToken, api, bindings: [...resources, runStateMachineArn] };
}
