import { StartQueryExecutionCommand, TooManyRequestsException, type StartQueryExecutionCommandInput } from "@aws-sdk/client-athena";
import { PublishCommand } from "@aws-sdk/client-sns";
import { afterEach, describe, expect, it } from "vitest";
import { RunStepOrderError } from "../../packages/core/src/run/run-engine";
import type { RunRecord } from "../../packages/core/src/run/run-record";
import { AwsRuntime } from "../../packages/core/src/runtime/aws";
import { pipeline } from "../../packages/core/src/pipeline/pipeline";
import { NoSubjectsError } from "../../packages/core/src/run/scheduled-subjects";
import { StepThrottledError, runIdOfExecution, runParametersOf, runStepEvent, type StepAction, type StepResult } from "../../packages/functions/src/step";
import { AWS_CONFIG, RUN_PARAMETERS, fakeAws } from "./fake-aws";

const PARAMETERS = RUN_PARAMETERS;
const RUN_ID = "r20241125t100000z-0001";
const PROCESSED = AWS_CONFIG.buckets.processed;
const execution = (input: object = PARAMETERS, name = RUN_ID) => ({ name, startTime: "2024-11-25T10:00:00.000Z", input });

type Aws = ReturnType<typeof fakeAws>;

/** One state's invocation, on a runtime of its own (a cold Lambda): nothing passes between steps but S3. */
function invoke(aws: Aws, step: StepAction, extra: object = {}, input: object = PARAMETERS): Promise<StepResult> {
  return runStepEvent(new AwsRuntime(aws.runtime.options), { step, execution: execution(input), ...extra });
}

/** The states in the order the results' `next` names them, as the state machine's Choice states follow it. */
async function runStepByStep(aws: Aws, input: object = PARAMETERS): Promise<StepResult[]> {
  const results = [await invoke(aws, "start", {}, input)];
  while (results.at(-1)!.next !== "end") results.push(await invoke(aws, results.at(-1)!.next as StepAction, {}, input));
  return results;
}

async function recordOf(aws: Aws, id = RUN_ID): Promise<RunRecord> {
  return (await aws.runtime.runStore.get(id))!;
}

describe("step runner: a run executed one state at a time over the AWS adapters", () => {
  let restore: () => void = () => undefined;
  afterEach(() => restore());

  it("runs start, each step and finish in turn, publishes production and releases the lock", async () => {
    // Prepare
    const aws = fakeAws();
    restore = aws.restore;
    // Act
    const results = await runStepByStep(aws);
    // Assess
    expect(results.map((r) => r.step)).toEqual(["start", "ingest", "crawl", "drop", "ctas", "dq", "publish", "finish"]);
    const run = await recordOf(aws);
    expect(run.status).toBe("succeeded");
    expect(run.steps.map((s) => `${s.name}:${s.status}`)).toEqual(["ingest:skipped", "crawl:succeeded", "drop:succeeded", "ctas:succeeded", "dq:succeeded", "publish:succeeded"]);
    expect(run.prodVersion).toBe("weather_prod_v0001");
    expect(aws.glue.tables.get("sluice_prod.weather_prod_v0001")?.StorageDescriptor?.Location).toBe(`s3://sluice-prod-prod/weather_prod/data/${RUN_ID}/`);
    expect(aws.s3.keys(PROCESSED)).not.toContain("_sluice/run.lock");
    // The state between steps is gone with the run; the stage too.
    expect(aws.s3.keys(PROCESSED).filter((k) => k.startsWith("_sluice/runs/"))).toEqual([`_sluice/runs/${RUN_ID}/dq.json`, `_sluice/runs/${RUN_ID}/run.json`]);
    expect(aws.s3.keys(PROCESSED).filter((k) => k.startsWith("_sluice/stage/"))).toEqual([]);
    expect(aws.snsMock.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it("ends after the crawl when no raw object is new: production stays, the run succeeded", async () => {
    // Prepare: a first run consumed the only raw object
    const aws = fakeAws();
    restore = aws.restore;
    await runStepByStep(aws);
    const second = execution(PARAMETERS, "r20241125t110000z-0002");
    // Act
    const results: StepResult[] = [await runStepEvent(aws.runtime, { step: "start", execution: second })];
    while (results.at(-1)!.next !== "end") results.push(await runStepEvent(aws.runtime, { step: results.at(-1)!.next, execution: second }));
    // Assess
    expect(results.map((r) => r.step)).toEqual(["start", "ingest", "crawl", "finish"]);
    const run = await recordOf(aws, "r20241125t110000z-0002");
    expect(run).toMatchObject({ status: "succeeded", prodVersion: "weather_prod_v0001" });
    expect(run.steps.map((s) => s.status)).toEqual(["skipped", "succeeded", "skipped", "skipped", "skipped", "skipped"]);
    expect(aws.s3.keys(PROCESSED)).not.toContain("_sluice/run.lock");
  });

  it("sends Athena the same statements as the whole run in one process", async () => {
    // Prepare
    const stepwise = fakeAws();
    restore = stepwise.restore;
    await runStepByStep(stepwise);
    stepwise.restore();
    const whole = fakeAws();
    restore = whole.restore;
    // Act
    await (await whole.runtime.runEngine()).run(PARAMETERS, {}, { runId: RUN_ID });
    // Assess
    const statements = (aws: Aws) => aws.athena.started.map((s: StartQueryExecutionCommandInput) => s.QueryString);
    expect(statements(stepwise).length).toBeGreaterThan(5);
    expect(statements(stepwise)).toEqual(statements(whole));
  });

  it("on a failed DQ gate leaves production untouched, quarantines the raw objects and publishes the alert", async () => {
    // Prepare: the CustomSql rule sees only 1 city where 3 are required
    const aws = fakeAws({ customSqlValue: 1 });
    restore = aws.restore;
    // Act
    const results = await runStepByStep(aws);
    // Assess
    expect(results.map((r) => r.step)).toEqual(["start", "ingest", "crawl", "drop", "ctas", "dq", "finish"]);
    expect(results.at(-1)!.status).toBe("dq_failed");
    const run = await recordOf(aws);
    expect(run.status).toBe("dq_failed");
    expect(run.steps.find((s) => s.name === "publish")!.status).toBe("skipped");
    expect(aws.glue.tables.has("sluice_prod.weather_prod")).toBe(false);
    expect([...aws.glue.tables.keys()].filter((k) => k.startsWith("sluice_prod.weather_prod_v"))).toEqual([]);
    expect(aws.s3.keys("sluice-prod-prod")).toEqual([]);
    const manifest = JSON.parse(Buffer.from(await aws.runtime.store.get(PROCESSED, "_sluice/state/weather/raw-manifest.json")).toString("utf8"));
    expect(manifest.quarantine.map((q: { runId: string; kind: string }) => `${q.runId}:${q.kind}`)).toEqual([`${RUN_ID}:dq`]);
    expect(aws.s3.keys(PROCESSED)).not.toContain("_sluice/run.lock");
    const publish = aws.snsMock.commandCalls(PublishCommand);
    expect(publish).toHaveLength(1);
    expect(publish[0]!.args[0].input.TopicArn).toBe(AWS_CONFIG.dqAlertTopic);
    expect(publish[0]!.args[0].input.Subject).toBe(`sluice: DQ gate FAILED for weather (${RUN_ID})`);
    expect(publish[0]!.args[0].input.Message).toContain("Production unchanged.");
  });

  it("throws a throttled Athena call as StepThrottledError, and the retried state finishes the step", async () => {
    // Prepare: Athena refuses the first CTAS with its throttling error (HTTP 400 TooManyRequestsException)
    const aws = fakeAws();
    restore = aws.restore;
    const fake = aws.athena;
    let refused = 0;
    for (const step of ["start", "ingest", "crawl", "drop"] as const) await invoke(aws, step);
    fake.mock.on(StartQueryExecutionCommand).callsFake((input: StartQueryExecutionCommandInput) => {
      if (/^CREATE TABLE/.test(input.QueryString ?? "") && refused++ === 0) {
        throw new TooManyRequestsException({ message: "Rate exceeded", Reason: "CONCURRENT_QUERY_LIMIT_EXCEEDED", $metadata: { httpStatusCode: 400 } });
      }
      return fake.startQuery(input);
    });
    // Act
    const error = await invoke(aws, "ctas").catch((e: unknown) => e);
    const afterFailure = await recordOf(aws);
    const retried = await invoke(aws, "ctas");
    const rest = [await invoke(aws, "dq"), await invoke(aws, "publish"), await invoke(aws, "finish")];
    // Assess
    expect(error).toBeInstanceOf(StepThrottledError);
    expect((error as StepThrottledError).name).toBe("StepThrottledError");
    expect((error as StepThrottledError).awsError).toBe("TooManyRequestsException");
    expect(afterFailure.status).toBe("running");
    expect(afterFailure.steps.find((s) => s.name === "ctas")).toMatchObject({ status: "failed", error: expect.stringContaining("Rate exceeded") });
    expect(retried).toMatchObject({ step: "ctas", next: "dq", status: "running" });
    expect(rest.at(-1)).toMatchObject({ status: "succeeded", next: "end" });
    expect((await recordOf(aws)).steps.find((s) => s.name === "ctas")!.status).toBe("succeeded");
  });

  it("fail: records the Catch's error at the failed step, removes the run's output, releases the lock and alerts", async () => {
    // Prepare: the CTAS fails in Athena (not a throttle: no retry)
    const aws = fakeAws();
    restore = aws.restore;
    for (const step of ["start", "ingest", "crawl", "drop"] as const) await invoke(aws, step);
    aws.athena.mock.on(StartQueryExecutionCommand).callsFake((input: StartQueryExecutionCommandInput) =>
      /^CREATE TABLE/.test(input.QueryString ?? "") ? aws.athena.startQuery(input, { state: "FAILED", reason: "HIVE_BAD_DATA: broken row" }) : aws.athena.startQuery(input),
    );
    const thrown = (await invoke(aws, "ctas").catch((e: unknown) => e)) as Error;
    // Act: the Catch hands over Step Functions' error and cause (the Lambda's error JSON)
    const cause = JSON.stringify({ errorType: thrown.name, errorMessage: thrown.message, trace: [] });
    const result = await invoke(aws, "fail", { error: { Error: thrown.name, Cause: cause } });
    // Assess
    expect(thrown.name).toBe("RunStepError");
    expect(result).toMatchObject({ step: "fail", status: "failed", next: "end" });
    const run = await recordOf(aws);
    expect(run.failure).toEqual({ step: "ctas", message: expect.stringMatching(/^step ctas failed: .*HIVE_BAD_DATA: broken row/) });
    expect(run.steps.map((s) => s.status)).toEqual(["skipped", "succeeded", "succeeded", "failed", "skipped", "skipped"]);
    expect(run.endedAt).toBeDefined();
    expect(aws.s3.keys(PROCESSED)).not.toContain("_sluice/run.lock");
    expect(aws.s3.keys(PROCESSED).filter((k) => k.startsWith("_sluice/runs/"))).toEqual([`_sluice/runs/${RUN_ID}/run.json`]);
    expect(aws.s3.keys("sluice-prod-prod")).toEqual([]);
    const publish = aws.snsMock.commandCalls(PublishCommand);
    expect(publish).toHaveLength(1);
    expect(publish[0]!.args[0].input.Subject).toBe(`sluice: run FAILED for weather (${RUN_ID})`);
    expect(publish[0]!.args[0].input.Message).toContain("HIVE_BAD_DATA: broken row");
  });

  it("fail: a start refused by another run's lock is recorded as not started and leaves that run's lock alone", async () => {
    // Prepare
    const aws = fakeAws();
    restore = aws.restore;
    const other = await aws.runtime.lock.acquire("r20241125t095000z-0009");
    await aws.runtime.runStore.save({ id: RUN_ID, status: "running", parameters: PARAMETERS, startedAt: "2024-11-25T10:00:00.000Z", steps: [] });
    const refused = (await invoke(aws, "start").catch((e: unknown) => e)) as Error;
    // Act
    const result = await invoke(aws, "fail", { error: { Error: refused.name, Cause: JSON.stringify({ errorType: refused.name, errorMessage: refused.message }) } });
    // Assess
    expect(refused.name).toBe("RunInProgressError");
    expect(result.status).toBe("failed");
    expect((await recordOf(aws)).failure).toEqual({ step: "ingest", message: expect.stringMatching(/^not started: run r20241125t095000z-0009 has been running since/) });
    expect((await aws.runtime.lock.holder())?.runId).toBe("r20241125t095000z-0009");
    await other.release();
  });

  it("refuses a step that already ran: a state delivered twice does not repeat a finished step", async () => {
    // Prepare
    const aws = fakeAws();
    restore = aws.restore;
    for (const step of ["start", "ingest", "crawl"] as const) await invoke(aws, step);
    // Act
    const error = await invoke(aws, "crawl").catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(RunStepOrderError);
    expect((error as Error).message).toBe(`run ${RUN_ID}: step crawl is succeeded`);
  });

  it("refuses a step out of order, naming the step that has not run", async () => {
    // Prepare
    const aws = fakeAws();
    restore = aws.restore;
    await invoke(aws, "start");
    // Act
    const error = await invoke(aws, "ctas").catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(RunStepOrderError);
    expect((error as Error).message).toBe(`run ${RUN_ID}: step ctas cannot run before step ingest (pending)`);
  });

  it("a scheduled execution (named by EventBridge, input { dataset }) gets one run id in every state and the schedule's defaults", async () => {
    // Prepare
    const aws = fakeAws();
    restore = aws.restore;
    const scheduled = { name: "5b1c2d3e-aaaa-bbbb-cccc-0123456789ab", startTime: "2024-11-25T10:00:00.000Z", input: { dataset: "weather", source: "synthetic", skipIngest: true } };
    // Act
    const start = await runStepEvent(aws.runtime, { step: "start", execution: scheduled });
    const ingest = await runStepEvent(aws.runtime, { step: "ingest", execution: scheduled });
    // Assess
    expect(start.runId).toMatch(/^r20241125t100000z-[0-9a-f]{4}$/);
    expect(ingest.runId).toBe(start.runId);
    expect(runIdOfExecution(scheduled)).toBe(start.runId);
    const run = await recordOf(aws, start.runId);
    expect(run.parameters).toMatchObject({ dataset: "weather", from: "2024-11-24", to: "2024-11-25", skipIngest: true, variables: ["temperature_2m"] });
    expect(run.parameters.locations.map((l) => l.name)).toEqual(["Paris", "London", "Berlin"]);
  });

  it("a scheduled execution takes the subjects and variables the project config gives the dataset; a dataset with none is refused by name", async () => {
    // Prepare: the config gives weather other cities and variables
    const aws = fakeAws();
    restore = aws.restore;
    const logical = { ...pipeline, datasets: { ...pipeline.datasets, weather: { ...pipeline.datasets.weather!, defaults: { subjects: ["Madrid", { name: "Home", latitude: 45, longitude: 5 }], variables: ["temperature_2m", "rain"] } } } };
    const runtime = new AwsRuntime({ ...aws.runtime.options, pipeline: logical });
    const scheduled = { name: "5b1c2d3e-aaaa-bbbb-cccc-0123456789ab", startTime: "2024-11-25T10:00:00.000Z", input: { dataset: "weather", source: "synthetic", skipIngest: true } };
    // Act
    const start = await runStepEvent(runtime, { step: "start", execution: scheduled });
    const unknownSubjects = (() => {
      try {
        return runParametersOf({ dataset: "earthquakes" }, scheduled.startTime, { name: "earthquakes", rest: {} as never });
      } catch (error) {
        return error;
      }
    })();
    // Assess
    const run = await recordOf(aws, start.runId);
    expect(run.parameters.locations).toEqual([expect.objectContaining({ name: "Madrid" }), { name: "Home", latitude: 45, longitude: 5 }]);
    expect(run.parameters.locations[0]!.latitude).toBeCloseTo(40.4, 1);
    expect(run.parameters.variables).toEqual(["temperature_2m", "rain"]);
    expect(unknownSubjects).toBeInstanceOf(NoSubjectsError);
    expect((unknownSubjects as Error).message).toContain("an unattended earthquakes ingest or run has no subjects: set datasets.earthquakes.subjects");
    // With subjects, a config dataset runs its own REST source.
    expect(runParametersOf({ dataset: "earthquakes", locations: ["CA"] }, scheduled.startTime, { name: "earthquakes", rest: {} as never }).source).toBe("rest");
  });
});
