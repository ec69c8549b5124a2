import { StartQueryExecutionCommand, TooManyRequestsException, type StartQueryExecutionCommandInput } from "@aws-sdk/client-athena";
import { PublishCommand } from "@aws-sdk/client-sns";
import { afterEach, describe, expect, it } from "vitest";
import type { RunRecord } from "../../packages/core/src/run/run-record";
import { AwsRuntime } from "../../packages/core/src/runtime/aws";
import { runStepEvent } from "../../packages/functions/src/step";
import type { Asl } from "../infra/asl";
import { goldenAsl } from "../infra/asl";
import { AWS_CONFIG, RUN_PARAMETERS, fakeAws } from "./fake-aws";

/** What the walk saw: the states in order, the waits and back-offs, how the execution ended. */
interface Walk {
  readonly status: "SUCCEEDED" | "FAILED";
  readonly error?: string;
  readonly states: string[];
  readonly waits: number[];
  readonly retries: { state: string; error: string; delaySeconds: number }[];
}

/** A JSONPath of the simple kind the definition uses: `$.a.b` over the state's data, `$$.Execution.X` over the context. */
function read(path: string, data: unknown, context: Record<string, unknown>): unknown {
  const [root, ...keys] = path.startsWith("$$.") ? [context, ...path.slice(3).split(".")] : [data, ...path.slice(2).split(".").filter(Boolean)];
  return keys.reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], root);
}

function resolve(template: unknown, data: unknown, context: Record<string, unknown>): unknown {
  if (!template || typeof template !== "object" || Array.isArray(template)) return template;
  return Object.fromEntries(
    Object.entries(template).map(([key, value]) => (key.endsWith(".$") ? [key.slice(0, -2), read(value as string, data, context)] : [key, resolve(value, data, context)])),
  );
}

/**
 * Runs an execution along the ASL as Step Functions would, for the state types, Retry and Catch
 * fields the definition uses: each Task's Parameters go to `invoke` (the step runner's handler), a
 * thrown error's `name` is the ASL error name (as Lambda reports `errorType`), Retry backs off by
 * IntervalSeconds × BackoffRate^n (recorded, not slept), Catch puts `{ Error, Cause }` at ResultPath.
 * https://states-language.net/spec.html
 */
async function walk(asl: Asl, execution: { name: string; startTime: string; input: object }, invoke: (payload: unknown) => Promise<unknown>): Promise<Walk> {
  const context = { Execution: { Name: execution.name, StartTime: execution.startTime, Input: execution.input, Id: `arn:aws:states:eu-west-1:123456789012:execution:runs:${execution.name}` } };
  const seen: Walk = { status: "SUCCEEDED", states: [], waits: [], retries: [] };
  let data: unknown = execution.input;
  let name: string | undefined = asl.StartAt;
  while (name) {
    const state: Asl["States"][string] = asl.States[name]!;
    seen.states.push(name);
    if (seen.states.length > 100) throw new Error("the walk does not end");
    switch (state.Type) {
      case "Task": {
        const attempts = new Map<number, number>();
        for (;;) {
          try {
            data = await invoke(resolve(state.Parameters, data, context));
            name = state.Next;
            break;
          } catch (error) {
            const errorName = (error as Error).name;
            const matches = (equals: readonly string[]) => equals.includes(errorName) || equals.includes("States.ALL");
            const retrier = (state.Retry ?? []).findIndex((r) => matches(r.ErrorEquals));
            const tried = attempts.get(retrier) ?? 0;
            if (retrier >= 0 && tried < (state.Retry![retrier]!.MaxAttempts ?? 3)) {
              const r = state.Retry![retrier]!;
              attempts.set(retrier, tried + 1);
              seen.retries.push({ state: name!, error: errorName, delaySeconds: Math.min((r.IntervalSeconds ?? 1) * (r.BackoffRate ?? 2) ** tried, r.MaxDelaySeconds ?? Infinity) });
              continue;
            }
            const handler = (state.Catch ?? []).find((c) => matches(c.ErrorEquals));
            if (!handler) return { ...seen, status: "FAILED", error: errorName };
            const key = handler.ResultPath!.slice(2);
            data = { ...(data as object), [key]: { Error: errorName, Cause: JSON.stringify({ errorType: errorName, errorMessage: (error as Error).message }) } };
            name = handler.Next;
            break;
          }
        }
        break;
      }
      case "Choice": {
        const choice = state.Choices!.find((c) => read(c.Variable, data, context) === c.StringEquals);
        name = choice ? choice.Next : state.Default;
        break;
      }
      case "Wait":
        seen.waits.push(read(state.SecondsPath!, data, context) as number);
        name = state.Next;
        break;
      case "Fail":
        return { ...seen, status: "FAILED", error: state.Error! };
      case "Succeed":
        return seen;
      default:
        throw new Error(`the walk does not know state type ${state.Type}`);
    }
  }
  return seen;
}

type Aws = ReturnType<typeof fakeAws>;
const RUN_ID = "r20241125t100000z-0001";
const execution = (input: object = RUN_PARAMETERS) => ({ name: RUN_ID, startTime: "2024-11-25T10:00:00.000Z", input });
/** Each state on a runtime of its own, as each Lambda invocation may be a cold start. */
const stepRunner = (aws: Aws) => (payload: unknown) => runStepEvent(new AwsRuntime(aws.runtime.options), payload);
const recordOf = async (aws: Aws): Promise<RunRecord> => (await aws.runtime.runStore.get(RUN_ID))!;

// The golden definition is the synthesized one (test/infra/stacks.test.ts compares them); here the
// step runner's handler runs along it over the AWS adapters, state by state.
describe("the run state machine's definition, walked with the step runner over the AWS adapters", () => {
  let restore: () => void = () => undefined;
  afterEach(() => restore());

  it("runs every step's state from Start to Finish and ends Published", async () => {
    // Prepare
    const aws = fakeAws();
    restore = aws.restore;
    // Act
    const result = await walk(goldenAsl(), execution(), stepRunner(aws));
    // Assess
    expect(result).toMatchObject({ status: "SUCCEEDED", retries: [] });
    expect(result.states).toEqual(["Start", "Ingest", "WaitForDelivery", "Crawl", "NewRawObjects", "Drop", "CTAS", "DQ", "DqGate", "Publish", "Finish", "Outcome", "Published"]);
    expect(result.waits).toEqual([0]);
    const run = await recordOf(aws);
    expect(run).toMatchObject({ status: "succeeded", prodVersion: "weather_prod_v0001" });
    expect(aws.s3.keys(AWS_CONFIG.buckets.processed)).not.toContain("_sluice/run.lock");
  });

  it("waits for Firehose's buffer in the Wait state after an ingest, not in the Lambda", async () => {
    // Prepare
    const aws = fakeAws();
    restore = aws.restore;
    // Act
    const result = await walk(goldenAsl(), execution({ ...RUN_PARAMETERS, skipIngest: false }), stepRunner(aws));
    // Assess
    expect(result.status).toBe("SUCCEEDED");
    expect(aws.firehose.accepted.get("sluice-prod-weather")!.length).toBe(72);
    expect(result.waits).toEqual([Math.ceil(aws.runtime.deliverySettleMs(aws.runtime.pipeline.datasets.weather!) / 1000)]);
    expect(result.waits[0]).toBeGreaterThan(30);
  });

  it("on a failed DQ gate goes from DQ to Finish, publishes the alert and ends DqGateFailed with production untouched", async () => {
    // Prepare: the CustomSql rule sees 1 city where 3 are required
    const aws = fakeAws({ customSqlValue: 1 });
    restore = aws.restore;
    // Act
    const result = await walk(goldenAsl(), execution(), stepRunner(aws));
    // Assess
    expect(result).toMatchObject({ status: "FAILED", error: "DqGateFailed" });
    expect(result.states.slice(-4)).toEqual(["DqGate", "Finish", "Outcome", "DqGateFailed"]);
    expect(result.states).not.toContain("Publish");
    expect((await recordOf(aws)).status).toBe("dq_failed");
    expect(aws.glue.tables.has("sluice_prod.weather_prod")).toBe(false);
    expect(aws.s3.keys(AWS_CONFIG.buckets.prod)).toEqual([]);
    const alerts = aws.snsMock.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(alerts).toEqual([expect.objectContaining({ TopicArn: AWS_CONFIG.dqAlertTopic, Subject: `sluice: DQ gate FAILED for weather (${RUN_ID})` })]);
  });

  it("retries a state whose Athena call was throttled, backing off, and the run publishes", async () => {
    // Prepare: Athena refuses the CTAS twice with TooManyRequestsException
    const aws = fakeAws();
    restore = aws.restore;
    let refused = 0;
    aws.athena.mock.on(StartQueryExecutionCommand).callsFake((input: StartQueryExecutionCommandInput) => {
      if (/^CREATE TABLE/.test(input.QueryString ?? "") && refused++ < 2) throw new TooManyRequestsException({ message: "Rate exceeded", $metadata: { httpStatusCode: 400 } });
      return aws.athena.startQuery(input);
    });
    // Act
    const result = await walk(goldenAsl(), execution(), stepRunner(aws));
    // Assess
    expect(result.retries).toEqual([
      { state: "CTAS", error: "StepThrottledError", delaySeconds: 5 },
      { state: "CTAS", error: "StepThrottledError", delaySeconds: 10 },
    ]);
    expect(result.status).toBe("SUCCEEDED");
    expect(result.states.filter((s) => s === "RecordFailure")).toEqual([]);
    expect((await recordOf(aws)).status).toBe("succeeded");
  });

  it("catches a failed step into RecordFailure: the record names the step, the lock is released, the alert sent, the execution fails", async () => {
    // Prepare: the CTAS fails in Athena, which is no throttle
    const aws = fakeAws();
    restore = aws.restore;
    aws.athena.mock.on(StartQueryExecutionCommand).callsFake((input: StartQueryExecutionCommandInput) =>
      /^CREATE TABLE/.test(input.QueryString ?? "") ? aws.athena.startQuery(input, { state: "FAILED", reason: "HIVE_BAD_DATA: broken row" }) : aws.athena.startQuery(input),
    );
    // Act
    const result = await walk(goldenAsl(), execution(), stepRunner(aws));
    // Assess
    expect(result).toMatchObject({ status: "FAILED", error: "RunFailed", retries: [] });
    expect(result.states.slice(-3)).toEqual(["CTAS", "RecordFailure", "RunFailed"]);
    const run = await recordOf(aws);
    expect(run.status).toBe("failed");
    expect(run.failure?.step).toBe("ctas");
    expect(aws.s3.keys(AWS_CONFIG.buckets.processed)).not.toContain("_sluice/run.lock");
    expect(aws.snsMock.commandCalls(PublishCommand).map((c) => c.args[0].input.Subject)).toEqual([`sluice: run FAILED for weather (${RUN_ID})`]);
  });
});
