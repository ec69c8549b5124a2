import { Duration, type RemovalPolicy } from "aws-cdk-lib";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import * as tasks from "aws-cdk-lib/aws-stepfunctions-tasks";
import { NagSuppressions } from "cdk-nag";
import type { Construct } from "constructs";
import type { Function as SstFunction } from "sst/constructs";
import { defaultPolicyOf } from "./nag";
import { THROTTLED_ERRORS, loggedStateMachine } from "./run-state-machine";

/** What the back-fill state machine is made of. */
export interface BackfillStateMachineProps {
  /** The back-fill step runner (packages/functions/src/backfill.handler). */
  readonly backfillRunner: SstFunction;
  /** The run state machine: the back-fill ends with one of its executions over the whole range. */
  readonly runs: sfn.IStateMachine;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * A back-fill per execution (input: a run's input — dataset, source, from, to, subjects — plus
 * `restart`): Plan lists the chunks the cursor has left, a Map runs them one at a time (an
 * invocation each, then a Wait that keeps every quota window under its limit), a Wait lets
 * Firehose write the last chunk, then one execution of the run state machine over the whole range
 * (`.sync`), whose outcome Record keeps in the cursor. Started again with the same input after a
 * failure, it goes on from the cursor.
 */
export function backfillStateMachine(scope: Construct, props: BackfillStateMachineProps): sfn.StateMachine {
  const execution = { startTime: sfn.JsonPath.stringAt("$$.Execution.StartTime"), input: sfn.JsonPath.objectAt("$$.Execution.Input") };
  const invoke = (id: string, payload: Record<string, unknown>, resultPath: string) =>
    new tasks.LambdaInvoke(scope, id, {
      lambdaFunction: props.backfillRunner,
      payload: sfn.TaskInput.fromObject(payload),
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      resultPath,
      taskTimeout: sfn.Timeout.duration(Duration.minutes(15)),
    }).addRetry({ errors: THROTTLED_ERRORS, interval: Duration.seconds(5), backoffRate: 2, maxAttempts: 6, maxDelay: Duration.minutes(2), jitterStrategy: sfn.JitterType.FULL });

  const stopped = new sfn.Fail(scope, "BackfillStopped", { error: "BackfillStopped", cause: "A chunk failed: the cursor names it; start the same input again to resume from it." });
  // Plan records the execution driving the back-fill in its cursor (also one started by hand), so the API asks it whether it still runs.
  const plan = invoke("Plan", { step: "plan", execution: { ...execution, id: sfn.JsonPath.stringAt("$$.Execution.Id") } }, "$.plan");
  const chunk = invoke("IngestChunk", { step: "chunk", "index.$": "$.index", execution: { "startTime.$": "$.startTime", "input.$": "$.input" } }, "$.chunk");
  const chunks = new sfn.Map(scope, "Chunks", {
    itemsPath: "$.plan.chunks",
    // One chunk at a time: the Wait after each paces the next under the source's quotas.
    maxConcurrency: 1,
    itemSelector: { "index.$": "$$.Map.Item.Value.index", startTime: sfn.JsonPath.stringAt("$$.Execution.StartTime"), input: sfn.JsonPath.objectAt("$$.Execution.Input") },
    resultPath: sfn.JsonPath.DISCARD,
  });
  chunks.itemProcessor(chunk.next(new sfn.Wait(scope, "PaceChunk", { time: sfn.WaitTime.secondsPath("$.chunk.waitSeconds") })));
  chunks.addCatch(stopped, { errors: ["States.ALL"], resultPath: "$.error" });
  const run = new tasks.StepFunctionsStartExecution(scope, "RunOverRange", {
    stateMachine: props.runs,
    integrationPattern: sfn.IntegrationPattern.RUN_JOB,
    input: sfn.TaskInput.fromJsonPathAt("$.plan.run"),
    resultSelector: { "output.$": "$.Output" },
    resultPath: "$.run",
  });
  run.addCatch(new sfn.Fail(scope, "BackfillRunFailed", { error: "RunFailed", cause: "The run over the back-filled range failed: its run record names the step; every chunk stays written." }), { errors: ["States.ALL"], resultPath: "$.error" });
  const record = invoke("RecordRun", { step: "record", execution, run: { "id.$": "$.run.output.runId", "status.$": "$.run.output.status" } }, sfn.JsonPath.DISCARD);
  const definition = plan
    .next(chunks)
    .next(new sfn.Wait(scope, "WaitForLastChunk", { time: sfn.WaitTime.secondsPath("$.plan.settleSeconds") }))
    .next(run)
    .next(record)
    .next(new sfn.Succeed(scope, "BackfillDone"));

  // Years of chunks paced under a daily quota take days: Step Functions' standard maximum is a year.
  const machine = loggedStateMachine(scope, "BackfillStateMachine", definition, Duration.days(30), props.removalPolicy, "the back-fill runner");
  NagSuppressions.addResourceSuppressions(defaultPolicyOf(machine.role), [
    {
      id: "AwsSolutions-IAM5",
      reason: "StartExecution.sync watches the run execution it starts: DescribeExecution/StopExecution on the run state machine's executions, whose names Step Functions makes (https://docs.aws.amazon.com/step-functions/latest/dg/stepfunctions-iam.html).",
      appliesTo: [{ regex: "/^Resource::arn:<AWS::Partition>:states:.*:execution:.*\\*$/g" }],
    },
  ]);
  return machine;
}
