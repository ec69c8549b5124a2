import { Aspects, Stack } from "aws-cdk-lib";
import { AwsSolutionsChecks, NagSuppressions } from "cdk-nag";
import type { IRole } from "aws-cdk-lib/aws-iam";
import type { IConstruct } from "constructs";
import type { App, Function as SstFunction } from "sst/constructs";

/**
 * cdk-nag's AWS Solutions pack over every stack: a finding is an error annotation, so synthesis
 * (and `sst deploy`) stops on one. Every suppression carries its reason; this file holds the ones
 * for what SST adds to every stack or function, the stacks hold their own next to the resource.
 */
export function checkCompliance(app: App): void {
  Aspects.of(app).add(new AwsSolutionsChecks());
  for (const child of app.node.children) {
    const handler = child instanceof Stack ? child.node.tryFindChild("CustomResourceHandler") : undefined;
    if (!handler) continue;
    NagSuppressions.addResourceSuppressions(
      handler,
      [
        { id: "AwsSolutions-IAM4", reason: "SST's own CustomResourceHandler (stack metadata, secrets) logs through AWSLambdaBasicExecutionRole; SST creates it, sluice does not configure it." },
        { id: "AwsSolutions-L1", reason: "SST 2.49.8 pins the runtime of its CustomResourceHandler (nodejs22.x); it runs only during deployments." },
      ],
      true,
    );
  }
}

/** The inline policy CDK attaches to a role (where cdk-nag reports IAM5). */
export function defaultPolicyOf(role: IRole): IConstruct {
  return role.node.findChild("DefaultPolicy");
}

/** Suppressions every SST function needs, with their reasons (on its role and the role's policy only). */
export function suppressSstFunctionDefaults(fn: SstFunction): void {
  NagSuppressions.addResourceSuppressions(fn.role!, [
    {
      id: "AwsSolutions-IAM4",
      reason: "AWSLambdaBasicExecutionRole only grants logs:CreateLogGroup/CreateLogStream/PutLogEvents for the function's own logs.",
      appliesTo: ["Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"],
    },
  ]);
  NagSuppressions.addResourceSuppressions(
    defaultPolicyOf(fn.role!),
    [
      {
        id: "AwsSolutions-IAM5",
        reason: "X-Ray's PutTraceSegments/PutTelemetryRecords support no resource-level permissions (https://docs.aws.amazon.com/xray/latest/devguide/security_iam_service-with-iam.html); the infra tests assert no other statement uses *.",
        appliesTo: ["Resource::*"],
      },
    ],
  );
}

/**
 * Suppresses IAM5 for object wildcards under named prefixes (`<bucket>/weather/*`, `<bucket>/*`):
 * object keys are only known at run time, and S3 has no narrower resource form.
 */
export function suppressObjectWildcards(role: IRole, reason: string): void {
  NagSuppressions.addResourceSuppressions(defaultPolicyOf(role), [
    { id: "AwsSolutions-IAM5", reason, appliesTo: [{ regex: "/^Resource::<[A-Za-z0-9]+\\.Arn>\\/([A-Za-z0-9_=/-]+\\/)?\\*$/g" }] },
  ]);
}
