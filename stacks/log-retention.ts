import { Aspects, CfnResource, type IAspect, RemovalPolicy } from "aws-cdk-lib";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import type { IConstruct } from "constructs";
import { DEFAULT_LOG_RETENTION_DAYS } from "../packages/core/src/config/config";
import { stackProject } from "./project";

/** Days the deployed logs are kept: the config's `logRetentionDays` (checked against CloudWatch's values), default 30. */
export function logRetention(): logs.RetentionDays {
  return (stackProject().config?.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS) as logs.RetentionDays;
}

/** The same retention as SST's `accessLog.retention` spells it (`one_month`, `three_months`…). */
export function sstLogRetention(): Lowercase<keyof typeof logs.RetentionDays> {
  const days = logRetention();
  const name = Object.entries(logs.RetentionDays).find(([key, value]) => value === days && key !== "INFINITE")![0];
  return name.toLowerCase() as Lowercase<keyof typeof logs.RetentionDays>;
}

/**
 * Gives every Lambda function of the app (sluice's and the ones SST and CDK add) a log group of its
 * own with a retention, through the function's LoggingConfig, instead of the `/aws/lambda/<name>`
 * group Lambda would create on first invocation and keep forever. A LoggingConfig, not SST's
 * `logRetention`: that one adds CDK's LogRetention custom resource (one more function with a
 * wildcard policy) and races with Lambda creating the group first.
 * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-loggroups.html
 */
class FunctionLogGroups implements IAspect {
  constructor(
    private readonly retention: logs.RetentionDays,
    private readonly removalPolicy: RemovalPolicy,
  ) {}

  visit(node: IConstruct): void {
    if (node instanceof lambda.CfnFunction) {
      const config = node.loggingConfig as lambda.CfnFunction.LoggingConfigProperty | undefined;
      if (!config?.logGroup) node.loggingConfig = { ...config, logGroup: this.groupFor(node).logGroupName };
    } else if (node instanceof CfnResource && node.cfnResourceType === "AWS::Lambda::Function") {
      // CDK's own providers (S3 auto-delete) are plain CfnResources: the property is set by override.
      node.addPropertyOverride("LoggingConfig.LogGroup", this.groupFor(node).logGroupName);
    }
  }

  private groupFor(fn: CfnResource): logs.LogGroup {
    const id = fn.node.id === "Resource" ? "LogGroup" : `${fn.node.id}LogGroup`;
    return new logs.LogGroup(fn.node.scope!, id, { retention: this.retention, removalPolicy: this.removalPolicy });
  }
}

export function applyLogRetention(scope: IConstruct, retainLogs: boolean): void {
  Aspects.of(scope).add(new FunctionLogGroups(logRetention(), retainLogs ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY));
}
