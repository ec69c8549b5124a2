import { ResourceNotFoundException, TooManyRequestsException, type InvokeCommandInput } from "@aws-sdk/client-lambda";
import { afterEach, describe, expect, it } from "vitest";
import { LambdaRunLauncher, RunnerInvokeError } from "../../packages/core/src/aws/lambda-run-launcher";
import { S3ObjectStore } from "../../packages/core/src/aws/s3-object-store";
import { S3RunLock } from "../../packages/core/src/aws/s3-run-lock";
import { ManualClock } from "../../packages/core/src/lake/clock";
import { silentLogger } from "../../packages/core/src/log/logger";
import { RunInProgressError } from "../../packages/core/src/run/run-lock";
import { RUN_ID_RE, type RunParameters } from "../../packages/core/src/run/run-record";
import { ObjectRunStore } from "../../packages/core/src/run/run-store";
import { runPipeline } from "../../packages/functions/src/runner";
import { fakeAws } from "./fake-aws";
import { FakeLambda } from "./fake-lambda";
import { FakeS3 } from "./fake-s3";

// Invoke with InvocationType "Event" answers StatusCode 202 once the event is queued; throttling is
// TooManyRequestsException (429): https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html

const RUNNER = "sluice-prod-Runner";
const BUCKET = "sluice-prod-processed";
const HOUR = 3_600_000;
const PARAMETERS: RunParameters = {
  dataset: "weather",
  source: "synthetic",
  from: "2024-11-24",
  to: "2024-11-24",
  locations: [{ name: "Paris", latitude: 48.8566, longitude: 2.3522 }],
  variables: ["temperature_2m"],
  skipIngest: false,
};

function setUp(options: { lockTtlMs?: number } = {}) {
  const s3 = new FakeS3();
  const clock = new ManualClock(Date.parse("2024-11-25T10:00:00Z"));
  s3.now = () => clock.now();
  const lambda = new FakeLambda();
  const lock = new S3RunLock(s3.client, { bucket: BUCKET, clock, ...(options.lockTtlMs !== undefined ? { ttlMs: options.lockTtlMs } : {}) });
  const runStore = new ObjectRunStore(new S3ObjectStore(s3.client), BUCKET);
  const launcher = new LambdaRunLauncher(lambda.client, { functionName: RUNNER, lock, runStore, clock, logger: silentLogger, ...(options.lockTtlMs !== undefined ? { lockTtlMs: options.lockTtlMs } : {}) });
  const restore = () => {
    s3.mock.restore();
    lambda.mock.restore();
  };
  return { s3, clock, lambda, lock, runStore, launcher, restore };
}

describe("LambdaRunLauncher: starting runs on the runner Lambda", () => {
  let restore: () => void = () => undefined;
  afterEach(() => restore());

  /** The launcher and the runner sharing one fake AWS lake. */
  function launcherOnFakeAws() {
    const aws = fakeAws();
    const lambda = new FakeLambda();
    restore = () => {
      aws.restore();
      lambda.mock.restore();
    };
    const launcher = new LambdaRunLauncher(lambda.client, { functionName: RUNNER, lock: aws.runtime.lock, runStore: aws.runtime.runStore, clock: aws.clock, logger: silentLogger });
    return { aws, lambda, launcher };
  }

  it("invokes the runner asynchronously with { runId, parameters } and answers the run id", async () => {
    // Prepare
    const t = setUp();
    restore = t.restore;
    // Act
    const { runId } = await t.launcher.start(PARAMETERS);
    // Assess
    expect(runId).toMatch(RUN_ID_RE);
    expect(runId.startsWith("r20241125t100000z-")).toBe(true);
    expect(t.lambda.invocations).toEqual([expect.objectContaining({ FunctionName: RUNNER, InvocationType: "Event" })]);
    expect(t.lambda.events()).toEqual([{ runId, parameters: PARAMETERS }]);
  });

  it("saves the run's first record before invoking, so GET /runs/{id} answers at once", async () => {
    // Prepare
    const t = setUp();
    restore = t.restore;
    let savedBeforeInvoke: unknown;
    t.lambda.respond = async (input: InvokeCommandInput) => {
      savedBeforeInvoke = await t.runStore.get(JSON.parse(Buffer.from(input.Payload as Uint8Array).toString("utf8")).runId);
      return { StatusCode: 202 };
    };
    // Act
    const { runId } = await t.launcher.start(PARAMETERS);
    // Assess
    const record = await t.runStore.get(runId);
    expect(savedBeforeInvoke).toEqual(record);
    expect(record).toMatchObject({ id: runId, status: "running", parameters: PARAMETERS, startedAt: "2024-11-25T10:00:00.000Z" });
    expect(record!.steps.map((s) => `${s.name}:${s.status}`)).toEqual(["ingest:pending", "crawl:pending", "drop:pending", "ctas:pending", "dq:pending", "publish:pending"]);
  });

  it("refuses with RunInProgressError while a live run holds the lake's lock, without invoking", async () => {
    // Prepare: another run took the lock 10 minutes ago
    const t = setUp();
    restore = t.restore;
    await t.lock.acquire("r20241125t095000z-0001");
    t.clock.advance(10 * 60_000);
    // Act
    const error = await t.launcher.start(PARAMETERS).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(RunInProgressError);
    expect((error as RunInProgressError).runningId).toBe("r20241125t095000z-0001");
    expect(t.lambda.invocations).toEqual([]);
    expect(t.s3.keys(BUCKET).filter((k) => k.startsWith("_sluice/runs/"))).toEqual([]);
  });

  it("is not blocked by a stale lock: the runner's engine takes it over", async () => {
    // Prepare: a lock left by a runner that died 3 hours ago (TTL 2 h)
    const t = setUp({ lockTtlMs: 2 * HOUR });
    restore = t.restore;
    await t.lock.acquire("r20241125t070000z-0001");
    t.clock.advance(3 * HOUR);
    // Act
    const { runId } = await t.launcher.start(PARAMETERS);
    // Assess
    expect(t.lambda.events().map((e) => e.runId)).toEqual([runId]);
  });

  it("throttled by Lambda: rejects with RunnerInvokeError naming the function and the error, and marks the record failed", async () => {
    // Prepare
    const t = setUp();
    restore = t.restore;
    t.lambda.respond = () => {
      throw new TooManyRequestsException({ message: "Rate Exceeded.", $metadata: { httpStatusCode: 429 }, Reason: "ReservedFunctionConcurrentInvocationLimitExceeded" });
    };
    // Act
    const error = await t.launcher.start(PARAMETERS).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(RunnerInvokeError);
    const { runId } = error as RunnerInvokeError;
    expect((error as Error).message).toBe(`run ${runId} did not start: invoking the runner function ${RUNNER} failed: TooManyRequestsException: Rate Exceeded.`);
    const record = await t.runStore.get(runId);
    expect(record).toMatchObject({ status: "failed", failure: { step: "ingest", message: "the runner could not be started (TooManyRequestsException); start the run again" } });
    expect(JSON.stringify(record)).not.toContain(RUNNER);
    expect(record!.steps.every((s) => s.status === "skipped")).toBe(true);
  });

  it("a missing runner function is a RunnerInvokeError too", async () => {
    // Prepare
    const t = setUp();
    restore = t.restore;
    t.lambda.respond = () => {
      throw new ResourceNotFoundException({ message: `Function not found: arn:aws:lambda:eu-west-1:123456789012:function:${RUNNER}`, $metadata: { httpStatusCode: 404 } });
    };
    // Act
    const error = await t.launcher.start(PARAMETERS).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(RunnerInvokeError);
    expect((error as RunnerInvokeError).reason).toMatch(/^ResourceNotFoundException: Function not found/);
  });

  it("an answer other than 202 Accepted, or one carrying a FunctionError, means the run did not start", async () => {
    // Prepare
    const t = setUp();
    restore = t.restore;
    const answers = [{ StatusCode: 200, FunctionError: "Unhandled" }, { StatusCode: 204 }];
    t.lambda.respond = () => answers.shift()!;
    // Act
    const first = await t.launcher.start(PARAMETERS).catch((e: unknown) => e);
    const second = await t.launcher.start(PARAMETERS).catch((e: unknown) => e);
    // Assess
    expect((first as RunnerInvokeError).reason).toBe("Lambda answered status 200 with FunctionError Unhandled, not 202 Accepted");
    expect((second as RunnerInvokeError).reason).toBe("Lambda answered status 204, not 202 Accepted");
    expect((await t.runStore.get((first as RunnerInvokeError).runId))?.status).toBe("failed");
  });

  it("the runner invoked with that event runs under the id the API answered, replacing the first record", async () => {
    // Prepare: the launcher and the runner share the fake lake
    const { aws, lambda, launcher } = launcherOnFakeAws();
    // Act
    const { runId } = await launcher.start({ ...PARAMETERS, skipIngest: true });
    aws.clock.advance(2_000);
    const run = await runPipeline(aws.runtime, lambda.events()[0]);
    // Assess
    expect(run.id).toBe(runId);
    expect(await aws.runtime.runStore.get(runId)).toMatchObject({ id: runId, status: "succeeded", startedAt: "2024-11-25T10:00:02.000Z" });
    expect(await aws.runtime.runStore.list()).toHaveLength(1);
  });

  it("a runner refused because another run took the lake after the API's check marks the API's record failed, not running for ever", async () => {
    // Prepare: the API saved its record, then another run took the lock before the runner started
    const { aws, lambda, launcher } = launcherOnFakeAws();
    const { runId } = await launcher.start({ ...PARAMETERS, skipIngest: true });
    const other = await aws.runtime.lock.acquire("r20241125t095900z-0001");

    // Act
    await expect(runPipeline(aws.runtime, lambda.events()[0])).rejects.toThrow(RunInProgressError);

    // Assess
    expect(await aws.runtime.runStore.get(runId)).toMatchObject({ status: "failed", failure: { message: expect.stringContaining("not started") } });
    await other.release();
  });
});
