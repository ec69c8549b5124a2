import { SFNServiceException, StateMachineDoesNotExist, type StartExecutionCommandInput } from "@aws-sdk/client-sfn";
import { afterEach, describe, expect, it } from "vitest";
import { S3ObjectStore } from "../../packages/core/src/aws/s3-object-store";
import { S3RunLock } from "../../packages/core/src/aws/s3-run-lock";
import { RunNotStartedError, StepFunctionsRunLauncher } from "../../packages/core/src/aws/sfn-run-launcher";
import { ManualClock } from "../../packages/core/src/lake/clock";
import { silentLogger } from "../../packages/core/src/log/logger";
import { RunInProgressError } from "../../packages/core/src/run/run-lock";
import { RUN_ID_RE, type RunParameters } from "../../packages/core/src/run/run-record";
import { ObjectRunStore } from "../../packages/core/src/run/run-store";
import { runStepEvent } from "../../packages/functions/src/step";
import { fakeAws } from "./fake-aws";
import { FakeS3 } from "./fake-s3";
import { FakeSfn } from "./fake-sfn";

// StartExecution answers the execution's ARN; a name used in the last 90 days is ExecutionAlreadyExists;
// throttling is ThrottlingException: https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html

const MACHINE = "arn:aws:states:eu-west-1:123456789012:stateMachine:sluice-prod-RunStateMachine";
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
  const sfn = new FakeSfn();
  const lock = new S3RunLock(s3.client, { bucket: BUCKET, clock, ...(options.lockTtlMs !== undefined ? { ttlMs: options.lockTtlMs } : {}) });
  const runStore = new ObjectRunStore(new S3ObjectStore(s3.client), BUCKET);
  const launcher = new StepFunctionsRunLauncher(sfn.client, { stateMachineArn: MACHINE, lock, runStore, clock, logger: silentLogger, ...(options.lockTtlMs !== undefined ? { lockTtlMs: options.lockTtlMs } : {}) });
  const restore = () => {
    s3.mock.restore();
    sfn.mock.restore();
  };
  return { s3, clock, sfn, lock, runStore, launcher, restore };
}

describe("StepFunctionsRunLauncher: starting runs as executions of the run state machine", () => {
  let restore: () => void = () => undefined;
  afterEach(() => restore());

  /** The launcher and the step runner sharing one fake AWS lake. */
  function launcherOnFakeAws() {
    const aws = fakeAws();
    const sfn = new FakeSfn();
    restore = () => {
      aws.restore();
      sfn.mock.restore();
    };
    const launcher = new StepFunctionsRunLauncher(sfn.client, { stateMachineArn: MACHINE, lock: aws.runtime.lock, runStore: aws.runtime.runStore, clock: aws.clock, logger: silentLogger });
    return { aws, sfn, launcher };
  }

  it("starts an execution named by the run id with the run's parameters as its input, and answers the run id", async () => {
    // Prepare
    const t = setUp();
    restore = t.restore;
    // Act
    const { runId } = await t.launcher.start(PARAMETERS);
    // Assess
    expect(runId).toMatch(RUN_ID_RE);
    expect(runId.startsWith("r20241125t100000z-")).toBe(true);
    expect(t.sfn.started).toEqual([expect.objectContaining({ stateMachineArn: MACHINE, name: runId })]);
    expect(t.sfn.executions()).toEqual([{ name: runId, input: PARAMETERS }]);
  });

  it("saves the run's first record before starting the execution, so GET /runs/{id} answers at once", async () => {
    // Prepare
    const t = setUp();
    restore = t.restore;
    let savedBeforeStart: unknown;
    t.sfn.respond = async (input: StartExecutionCommandInput) => {
      savedBeforeStart = await t.runStore.get(input.name!);
      return { executionArn: `${MACHINE}:${input.name}`, startDate: new Date() };
    };
    // Act
    const { runId } = await t.launcher.start(PARAMETERS);
    // Assess
    const record = await t.runStore.get(runId);
    expect(savedBeforeStart).toEqual(record);
    expect(record).toMatchObject({ id: runId, status: "running", parameters: PARAMETERS, startedAt: "2024-11-25T10:00:00.000Z" });
    expect(record!.steps.map((s) => `${s.name}:${s.status}`)).toEqual(["ingest:pending", "crawl:pending", "drop:pending", "ctas:pending", "dq:pending", "publish:pending"]);
  });

  it("refuses with RunInProgressError while a live run holds the lake's lock, without starting an execution", async () => {
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
    expect(t.sfn.started).toEqual([]);
    expect(t.s3.keys(BUCKET).filter((k) => k.startsWith("_sluice/runs/"))).toEqual([]);
  });

  it("is not blocked by a stale lock: the execution's Start state takes it over", async () => {
    // Prepare: a lock left by a run that died 3 hours ago (TTL 2 h)
    const t = setUp({ lockTtlMs: 2 * HOUR });
    restore = t.restore;
    await t.lock.acquire("r20241125t070000z-0001");
    t.clock.advance(3 * HOUR);
    // Act
    const { runId } = await t.launcher.start(PARAMETERS);
    // Assess
    expect(t.sfn.executions().map((e) => e.name)).toEqual([runId]);
  });

  it("throttled by Step Functions: rejects with RunNotStartedError naming the error, and marks the record failed without the ARN", async () => {
    // Prepare
    const t = setUp();
    restore = t.restore;
    t.sfn.respond = () => {
      throw new SFNServiceException({ name: "ThrottlingException", $fault: "client", message: "Rate exceeded", $metadata: { httpStatusCode: 400 } });
    };
    // Act
    const error = await t.launcher.start(PARAMETERS).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(RunNotStartedError);
    const { runId } = error as RunNotStartedError;
    expect((error as Error).message).toBe(`run ${runId} did not start: starting an execution of the run state machine ${MACHINE} failed: ThrottlingException: Rate exceeded`);
    const record = await t.runStore.get(runId);
    expect(record).toMatchObject({ status: "failed", failure: { step: "ingest", message: "the run state machine could not be started (ThrottlingException); start the run again" } });
    expect(JSON.stringify(record)).not.toContain(MACHINE);
    expect(record!.steps.every((s) => s.status === "skipped")).toBe(true);
  });

  it("a missing state machine, or an answer without an executionArn, is a RunNotStartedError too", async () => {
    // Prepare
    const t = setUp();
    restore = t.restore;
    const answers = [
      () => {
        throw new StateMachineDoesNotExist({ message: `State Machine Does Not Exist: '${MACHINE}'`, $metadata: { httpStatusCode: 400 } });
      },
      () => ({}),
    ];
    t.sfn.respond = () => answers.shift()!();
    // Act
    const first = await t.launcher.start(PARAMETERS).catch((e: unknown) => e);
    t.clock.advance(1_000);
    const second = await t.launcher.start(PARAMETERS).catch((e: unknown) => e);
    // Assess
    expect((first as RunNotStartedError).reason).toMatch(/^StateMachineDoesNotExist: State Machine Does Not Exist/);
    expect((second as RunNotStartedError).reason).toBe("Step Functions answered without an executionArn");
    expect((await t.runStore.get((second as RunNotStartedError).runId))?.status).toBe("failed");
  });

  it("the execution's Start state runs under the id the API answered, replacing the first record", async () => {
    // Prepare: the launcher and the step runner share the fake lake
    const { aws, sfn, launcher } = launcherOnFakeAws();
    // Act
    const { runId } = await launcher.start({ ...PARAMETERS, skipIngest: true });
    aws.clock.advance(2_000);
    const [execution] = sfn.executions();
    const start = await runStepEvent(aws.runtime, { step: "start", execution: { name: execution!.name, startTime: "2024-11-25T10:00:02.000Z", input: execution!.input } });
    // Assess
    expect(start.runId).toBe(runId);
    expect(await aws.runtime.runStore.get(runId)).toMatchObject({ id: runId, status: "running", startedAt: "2024-11-25T10:00:02.000Z" });
    expect((await aws.runtime.lock.holder())?.runId).toBe(runId);
    expect(await aws.runtime.runStore.list()).toHaveLength(1);
  });
});
