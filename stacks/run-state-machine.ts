import { logRetention } from "./log-retention";
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as logs from "aws-cdk-lib/aws-logs";
import type * as sns from "aws-cdk-lib/aws-sns";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import * as tasks from "aws-cdk-lib/aws-stepfunctions-tasks";
import { NagSuppressions } from "cdk-nag";
import type { Construct } from "constructs";
import type { Function as SstFunction } from "sst/constructs";
import { RUN_STEPS } from "../packages/core/src/run/run-record";
import { defaultPolicyOf } from "./nag";

/** The error the step runner throws for a throttled AWS call (packages/functions/src/step.ts StepThrottledError; the tests check they agree). */
export const THROTTLED_ERRORS = ["StepThrottledError", "Lambda.TooManyRequestsException"];

/** Lambda's own transient failures (https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html). */
const LAMBDA_TRANSIENT_ERRORS = ["Lambda.ClientExecutionTimeoutException", "Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException"];

/**
 * Longest an execution runs: six steps of at most 15 minutes and Firehose's buffer wait, inside the
 * S3 run lock's 2-hour TTL (a timed-out execution runs no Catch: the next run takes the stale lock
 * over and records it abandoned).
 */
export const RUN_TIMEOUT = Duration.minutes(110);

/** What the run state machine is made of. */
export interface RunStateMachineProps {
  /** The step runner (packages/functions/src/step.handler). */
  readonly stepRunner: SstFunction;
  /** Where a failure the step runner could not record is published. */
  readonly alerts: sns.ITopic;
  readonly alertsKey: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * One run per execution (input: the run's parameters; name: the run id), one state per run step,
 * each executed by the step runner Lambda on the same run engine code: Start takes the lock, Finish
 * releases it, a Catch on every state records the failure (RecordFailure), releases the lock and
 * alerts. Throttled states retry with exponential back-off and jitter.
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 */
export function runStateMachine(scope: Construct, props: RunStateMachineProps): sfn.StateMachine {
  const { stepRunner } = props;
  const execution = {
    name: sfn.JsonPath.stringAt("$$.Execution.Name"),
    startTime: sfn.JsonPath.stringAt("$$.Execution.StartTime"),
    input: sfn.JsonPath.objectAt("$$.Execution.Input"),
  };
  const invoke = (id: string, step: string, extra: Record<string, unknown> = {}) =>
    new tasks.LambdaInvoke(scope, id, {
      lambdaFunction: stepRunner,
      payload: sfn.TaskInput.fromObject({ step, execution, ...extra }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      // A state is one Lambda invocation: Lambda's maximum, then States.Timeout.
      taskTimeout: sfn.Timeout.duration(Duration.minutes(15)),
    })
      .addRetry({ errors: THROTTLED_ERRORS, interval: Duration.seconds(5), backoffRate: 2, maxAttempts: 6, maxDelay: Duration.minutes(2), jitterStrategy: sfn.JitterType.FULL })
      .addRetry({ errors: LAMBDA_TRANSIENT_ERRORS, interval: Duration.seconds(2), backoffRate: 2, maxAttempts: 3, jitterStrategy: sfn.JitterType.FULL });

  const runFailed = new sfn.Fail(scope, "RunFailed", { error: "RunFailed", cause: "A step failed: the run record names it and the alert topic was told." });
  const unrecorded = new tasks.SnsPublish(scope, "AlertUnrecordedFailure", {
    topic: props.alerts,
    subject: "sluice: a run failed and its failure could not be recorded",
    message: sfn.TaskInput.fromText(
      sfn.JsonPath.format("Execution {} failed ({}) and the step runner could not record it ({}): its run record may still say running until the next run takes the lock over.", sfn.JsonPath.stringAt("$$.Execution.Id"), sfn.JsonPath.stringAt("$.error.Error"), sfn.JsonPath.stringAt("$.recordError.Error")),
    ),
    resultPath: sfn.JsonPath.DISCARD,
  }).next(new sfn.Fail(scope, "RunFailedUnrecorded", { error: "RunFailed", cause: "A step failed and the failure could not be recorded." }));
  const recordFailure = invoke("RecordFailure", "fail", { error: sfn.JsonPath.objectAt("$.error") })
    .addCatch(unrecorded, { resultPath: "$.recordError" })
    .next(runFailed);
  const caught = (task: sfn.TaskStateBase): sfn.TaskStateBase => {
    task.addCatch(recordFailure, { errors: ["States.ALL"], resultPath: "$.error" });
    return task;
  };

  const state = Object.fromEntries(RUN_STEPS.map((step) => [step, caught(invoke(title(step), step))])) as Record<(typeof RUN_STEPS)[number], sfn.TaskStateBase>;
  const finish = caught(invoke("Finish", "finish"));
  finish.next(
    new sfn.Choice(scope, "Outcome")
      .when(sfn.Condition.stringEquals("$.status", "dq_failed"), new sfn.Fail(scope, "DqGateFailed", { error: "DqGateFailed", cause: "Blocking DQ rules failed: production is unchanged, the alert topic was told." }))
      .otherwise(new sfn.Succeed(scope, "Published")),
  );
  const endsHere = (id: string, then: sfn.IChainable) => new sfn.Choice(scope, id).when(sfn.Condition.stringEquals("$.next", "finish"), finish).otherwise(then);
  // Firehose writes an ingest's records when its buffer flushes: the wait is a state, not a sleeping Lambda.
  const settle = new sfn.Wait(scope, "WaitForDelivery", { time: sfn.WaitTime.secondsPath("$.waitSeconds") });
  const definition = caught(invoke("Start", "start"))
    .next(state.ingest)
    .next(settle)
    .next(state.crawl)
    .next(endsHere("NewRawObjects", state.drop.next(state.ctas).next(state.dq).next(endsHere("DqGate", state.publish.next(finish)))));

  const machine = loggedStateMachine(scope, "RunStateMachine", definition, RUN_TIMEOUT, props.removalPolicy, "the step runner");
  // Publishing to a topic under a customer-managed key needs the key (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html).
  machine.addToRolePolicy(new iam.PolicyStatement({ actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [props.alertsKey.keyArn] }));
  return machine;
}

/**
 * A state machine that logs every event to a log group (kept the config's logRetentionDays) and is traced with X-Ray, its
 * LambdaInvoke and log-delivery wildcards suppressed with their reasons (`invokes` names the function).
 */
export function loggedStateMachine(scope: Construct, id: string, definition: sfn.IChainable, timeout: Duration, removalPolicy: RemovalPolicy, invokes: string): sfn.StateMachine {
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, { retention: logRetention(), removalPolicy });
  const machine = new sfn.StateMachine(scope, id, {
    definitionBody: sfn.DefinitionBody.fromChainable(definition),
    timeout,
    tracingEnabled: true,
    // Execution data (run parameters, step results) holds no secret; ALL is what cdk-nag SF1 asks for.
    logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
  });
  NagSuppressions.addResourceSuppressions(defaultPolicyOf(machine.role), [
    {
      id: "AwsSolutions-IAM5",
      reason: `CDK's LambdaInvoke grants ${invokes} and its versions (<arn>:*); the state machine invokes only that function.`,
      appliesTo: [{ regex: "/^Resource::<[A-Za-z0-9]+\\.Arn>:\\*$/g" }],
    },
    {
      id: "AwsSolutions-IAM5",
      reason: "CloudWatch Logs vended delivery (logs:CreateLogDelivery, …) and X-Ray's PutTraceSegments support no resource-level permissions (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html#cloudwatch-iam-policy).",
      appliesTo: ["Resource::*"],
    },
  ]);
  return machine;
}

function title(step: string): string {
  return step === "ctas" || step === "dq" ? step.toUpperCase() : step[0]!.toUpperCase() + step.slice(1);
}
