import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as sns from "aws-cdk-lib/aws-sns";
import { Config, Function, use, type StackContext } from "sst/constructs";
import { pipeline } from "../packages/core/src/pipeline/pipeline";
import { Analytics } from "./Analytics";
import { Catalog } from "./Catalog";
import { Ingest } from "./Ingest";
import { NagSuppressions } from "cdk-nag";
import { defaultPolicyOf, suppressObjectWildcards, suppressSstFunctionDefaults } from "./nag";
import { runnerPolicy } from "./runner-policy";
import { Storage } from "./Storage";

/** The run engine on Lambda, the DQ alert topic and the API's token. The HTTP API joins here. */
export function Api({ app, stack }: StackContext) {
  const storage = use(Storage);
  const catalog = use(Catalog);
  const analytics = use(Analytics);
  const ingest = use(Ingest);

  const alerts = new sns.Topic(stack, "DqAlerts", {
    topicName: app.logicalPrefixedName("dq-alerts"),
    masterKey: kms.Alias.fromAliasName(stack, "SnsKey", "alias/aws/sns"),
    enforceSSL: true,
  });
  const apiToken = new Config.Secret(stack, "API_TOKEN");
  const alertTopic = new Config.Parameter(stack, "DQ_ALERT_TOPIC", { value: alerts.topicArn });
  const resources = [
    ...Object.values(storage.parameters),
    ...Object.values(catalog.parameters),
    ...Object.values(analytics.parameters),
    ...Object.values(ingest.parameters),
    alertTopic,
  ];

  const runner = new Function(stack, "Runner", {
    handler: "packages/functions/src/runner.handler",
    // Athena CTAS over months of raw data; Lambda's maximum.
    timeout: "15 minutes",
    memorySize: "1 GB",
    bind: [...resources],
    permissions: [
      ...runnerPolicy({
        stack,
        buckets: storage,
        databaseName: catalog.databaseName,
        crawlerName: catalog.crawler.ref,
        workgroupArn: analytics.workgroupArn,
        datasets: Object.values(pipeline.datasets),
        streams: ingest.streams,
      }),
      new iam.PolicyStatement({ actions: ["sns:Publish"], resources: [alerts.topicArn] }),
    ],
  });
  suppressSstFunctionDefaults(runner);
  suppressObjectWildcards(runner.role!, "The run engine reads raw objects under the datasets' prefixes and writes Parquet, versions, run records and query results whose keys are made at run time.");
  NagSuppressions.addResourceSuppressions(
    defaultPolicyOf(runner.role!),
    [{ id: "AwsSolutions-IAM5", reason: "Each publish creates the next version table (weather_prod_v0001, …); the wildcard covers only those names.", appliesTo: [{ regex: "/^Resource::arn:<AWS::Partition>:glue:.*:table\\/.*_v\\*$/g" }] }],
  );
  const runnerFunction = new Config.Parameter(stack, "RUNNER_FUNCTION", { value: runner.functionName });
  // The HTTP API (ANY /{proxy+} → packages/functions/src/api.handler) binds `[...resources, runnerFunction, apiToken]`
  // and gets lambda:InvokeFunction on `runner.functionArn`.
  stack.addOutputs({ RunnerFunction: runner.functionName, DqAlertTopic: alerts.topicArn });
  return { runner, alerts, apiToken, bindings: [...resources, runnerFunction] };
}
