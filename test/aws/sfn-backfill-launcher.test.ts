import { StateMachineDoesNotExist } from "@aws-sdk/client-sfn";
import { afterEach, describe, expect, it } from "vitest";
import type { BackfillStart } from "../../packages/core/src/api/backfill-launcher";
import { BackfillInProgressError } from "../../packages/core/src/backfill/backfill";
import { BackfillNotStartedError, executionName } from "../../packages/core/src/aws/sfn-backfill-launcher";
import { AwsRuntime } from "../../packages/core/src/runtime/aws";
import { backfillEventSchema, runBackfillEvent, type BackfillPlan } from "../../packages/functions/src/backfill";
import { AWS_CONFIG, fakeAws } from "./fake-aws";
import { FakeSfn } from "./fake-sfn";

// StartExecution: names unique per state machine for 90 days, at most 80 characters
// (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html).

const MACHINE = "arn:aws:states:eu-west-1:123456789012:stateMachine:sluice-prod-BackfillStateMachine";
const HOUR = 3_600_000;
const REQUEST: BackfillStart = {
  dataset: "weather",
  source: "synthetic",
  from: "2024-01-01",
  to: "2024-06-30",
  locations: [{ name: "Paris", latitude: 48.8566, longitude: 2.3522 }],
  variables: ["temperature_2m"],
  restart: false,
};

function setUp() {
  const aws = fakeAws();
  const sfn = new FakeSfn();
  const runtime = new AwsRuntime({ ...aws.runtime.options, config: { ...AWS_CONFIG, backfillStateMachine: MACHINE }, clients: { ...aws.runtime.options.clients, sfn: sfn.client } });
  const restore = () => {
    aws.restore();
    sfn.mock.restore();
  };
  return { aws, sfn, runtime, launcher: runtime.backfillLauncher(), restore };
}

describe("StepFunctionsBackfillLauncher: back-fills as executions of the back-fill state machine", () => {
  let restore: () => void = () => undefined;
  afterEach(() => restore());

  it("starts an execution whose input the runner's Plan accepts and cuts into the same back-fill, after saving its first cursor", async () => {
    // Prepare
    const env = setUp();
    restore = env.restore;
    // Act
    const { backfillId } = await env.launcher.start(REQUEST);
    // Assess: one execution on the bound machine, named by the back-fill
    expect(env.sfn.started).toHaveLength(1);
    const [started] = env.sfn.started;
    expect(started!.stateMachineArn).toBe(MACHINE);
    expect(started!.name).toBe(`${backfillId}-20241125T100000Z`);
    expect(started!.name!.length).toBeLessThanOrEqual(80);
    // The runner's own schema parses the input as its Plan state receives it ($$.Execution.Input).
    const planEvent = { step: "plan", execution: { startTime: "2024-11-25T10:00:01.000Z", input: JSON.parse(started!.input!) as unknown } };
    expect(backfillEventSchema.safeParse(planEvent).success).toBe(true);
    const plan = (await runBackfillEvent(env.runtime, planEvent)) as BackfillPlan;
    expect(plan.backfillId).toBe(backfillId);
    expect(plan.chunks.map((c) => c.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(plan.run).toMatchObject({ dataset: "weather", source: "synthetic", from: "2024-01-01", to: "2024-06-30", locations: REQUEST.locations, skipIngest: true });
    // GET /backfills/{id} answers at once: the cursor exists before the execution's first state.
    expect(await env.runtime.backfillCursors().load(backfillId)).toMatchObject({ id: backfillId, status: "ingesting", chunksDone: 0, chunks: 6 });
  });

  it("passes restart to the execution, refuses a second start while that execution runs (409), and starts again once it timed out", async () => {
    const env = setUp();
    restore = env.restore;
    const { backfillId } = await env.launcher.start({ ...REQUEST, restart: true });
    expect(JSON.parse(env.sfn.started[0]!.input!)).toMatchObject({ restart: true });
    const first = `${backfillId}-20241125T100000Z`;
    expect((await env.runtime.backfillCursors().load(backfillId))!.executionArn).toBe(`arn:aws:states:eu-west-1:123456789012:execution:sluice-prod-BackfillStateMachine:${first}`);
    // Act: the same request again three hours later (the execution still RUNNING), then once it TIMED_OUT
    env.aws.clock.advance(3 * HOUR);
    const refused = await env.launcher.start(REQUEST).catch((error: unknown) => error);
    env.sfn.end(first, "TIMED_OUT");
    env.aws.clock.advance(60_000);
    const again = await env.launcher.start(REQUEST);
    // Assess
    expect(refused).toBeInstanceOf(BackfillInProgressError);
    expect((refused as BackfillInProgressError).backfillId).toBe(backfillId);
    expect(again.backfillId).toBe(backfillId);
    expect(env.sfn.started.map((s) => s.name)).toEqual([first, `${backfillId}-20241125T130100Z`]);
    expect(await env.launcher.active((await env.runtime.backfillCursors().load(backfillId))!)).toBe(true);
  });

  it("judges a cursor that names no execution by its age: under way and recent is a 409, older than 2 h plus the longest quota window is not", async () => {
    const env = setUp();
    restore = env.restore;
    const { backfillId } = await env.launcher.start(REQUEST);
    const cursors = env.runtime.backfillCursors();
    const { executionArn: _dropped, ...saved } = (await cursors.load(backfillId))!;
    await cursors.save(saved);
    // Act: an hour later, then three hours later (the synthetic source declares no quota window)
    env.aws.clock.advance(HOUR);
    const refused = await env.launcher.start(REQUEST).catch((error: unknown) => error);
    env.aws.clock.advance(2 * HOUR);
    const again = await env.launcher.start(REQUEST);
    // Assess
    expect(refused).toBeInstanceOf(BackfillInProgressError);
    expect(again.backfillId).toBe(backfillId);
    expect(env.sfn.started).toHaveLength(2);
  });

  it("starts one execution for two POSTs of the same back-fill in the same instant, refusing the other (409), and frees the start lock", async () => {
    const env = setUp();
    restore = env.restore;
    // Act: four concurrent starts (four API invocations)
    const answers = await Promise.all([1, 2, 3, 4].map(() => env.launcher.start(REQUEST).catch((error: unknown) => error)));
    // Assess: one started; the others were refused by the start lock or the cursor it guards
    const started = answers.filter((a) => !(a instanceof Error));
    expect(started).toHaveLength(1);
    expect(answers.filter((a) => a instanceof BackfillInProgressError)).toHaveLength(3);
    expect(env.sfn.started).toHaveLength(1);
    const { backfillId } = started[0] as { backfillId: string };
    // The lock is gone once the start returned: only the cursor says the back-fill is under way
    expect(env.aws.s3.keys("sluice-prod-processed").filter((k) => k.startsWith("_sluice/backfills/"))).toEqual([`_sluice/backfills/${backfillId}.json`]);
  });

  it("records a back-fill whose execution could not start as stopped before its next chunk, and starts it on the next POST", async () => {
    const env = setUp();
    restore = env.restore;
    env.sfn.respond = () => {
      throw new StateMachineDoesNotExist({ message: `State Machine Does Not Exist: '${MACHINE}'`, $metadata: { httpStatusCode: 400 } });
    };
    // Act
    const failed = await env.launcher.start(REQUEST).catch((error: unknown) => error);
    // Assess
    expect(failed).toBeInstanceOf(BackfillNotStartedError);
    expect((failed as Error).message).toContain("StateMachineDoesNotExist");
    const id = (failed as BackfillNotStartedError).backfillId;
    const state = (await env.runtime.backfillCursors().load(id))!;
    expect(state).toMatchObject({ status: "stopped", failure: { chunk: 1, from: "2024-01-01", to: "2024-01-31" } });
    expect(state.failure!.message).not.toContain(MACHINE);
    expect(await env.launcher.active(state)).toBe(false);
    env.sfn.respond = (input) => ({ executionArn: `${MACHINE.replace(":stateMachine:", ":execution:")}:${input.name}` });
    env.aws.clock.advance(1_000);
    await expect(env.launcher.start(REQUEST)).resolves.toEqual({ backfillId: id });
  });

  it("does not start a back-fill whose run succeeded already", async () => {
    const env = setUp();
    restore = env.restore;
    const { backfillId } = await env.launcher.start(REQUEST);
    const cursors = env.runtime.backfillCursors();
    await cursors.save({ ...(await cursors.load(backfillId))!, chunksDone: 6, status: "succeeded", runId: "r20241125t110000z-abcd" });
    // Act
    const answer = await env.launcher.start(REQUEST);
    // Assess
    expect(answer).toEqual({ backfillId });
    expect(env.sfn.started).toHaveLength(1);
  });

  it("keeps execution names within 80 characters for long dataset names, unique by time", () => {
    const long = `b-${"x".repeat(60)}-2024-01-01-2024-06-30-0123456789`;
    const name = executionName(long, Date.parse("2024-11-25T10:00:00Z"));
    expect(name).toBe("b-0123456789-20241125T100000Z");
    expect(executionName("b-weather-2024-01-01-2024-06-30-0123456789", Date.parse("2024-11-25T10:00:00.123Z"))).toBe("b-weather-2024-01-01-2024-06-30-0123456789-20241125T100000Z");
  });
});
