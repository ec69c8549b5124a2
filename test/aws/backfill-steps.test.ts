import { afterEach, describe, expect, it } from "vitest";
import { paceSeconds } from "../../packages/core/src/backfill/backfill";
import { AwsRuntime } from "../../packages/core/src/runtime/aws";
import { OPEN_METEO_QUOTAS } from "../../packages/core/src/sources/open-meteo/quotas";
import { OPENAQ_QUOTAS } from "../../packages/core/src/sources/openaq/quotas";
import { POLYGON_QUOTAS } from "../../packages/core/src/sources/polygon/quotas";
import { runBackfillEvent, type BackfillChunkResult, type BackfillPlan } from "../../packages/functions/src/backfill";
import { runStepEvent } from "../../packages/functions/src/step";
import { BACKFILL_STATE_MACHINE_GOLDEN, goldenAsl } from "../infra/asl";
import { documentedResponse, FakeOpenMeteo } from "../sources/fake-open-meteo";
import { walk } from "./asl-walk";
import { AWS_CONFIG, RUN_PARAMETERS, fakeAws } from "./fake-aws";

const INPUT = { dataset: "weather", source: "synthetic", from: "2024-01-01", to: "2024-03-31", locations: RUN_PARAMETERS.locations, variables: ["temperature_2m"] };
const execution = (input: object = INPUT) => ({ startTime: "2024-11-25T10:00:00.000Z", input });

describe("the back-fill step runner over the AWS adapters (one chunk per invocation, the cursor in S3)", () => {
  let restore: () => void = () => undefined;
  afterEach(() => restore());

  it("plans the chunks left, ingests them in order through Firehose, keeps the cursor in the processed bucket, records the run", async () => {
    // Prepare: each invocation on a runtime of its own, as each may be a cold start
    const aws = fakeAws();
    restore = aws.restore;
    const invoke = (event: object) => runBackfillEvent(new AwsRuntime(aws.runtime.options), event);

    // Act
    const plan = (await invoke({ step: "plan", execution: execution() })) as BackfillPlan;
    const first = (await invoke({ step: "chunk", index: 0, execution: execution() })) as BackfillChunkResult;
    const retried = (await invoke({ step: "chunk", index: 0, execution: execution() })) as BackfillChunkResult;
    const outOfOrder = await invoke({ step: "chunk", index: 2, execution: execution() }).catch((error: unknown) => error);
    await invoke({ step: "chunk", index: 1, execution: execution() });
    await invoke({ step: "chunk", index: 2, execution: execution() });
    const replanned = (await invoke({ step: "plan", execution: execution() })) as BackfillPlan;
    const recorded = await invoke({ step: "record", run: { id: "r20241125t100000z-0001", status: "succeeded" }, execution: execution() });
    const cursor = JSON.parse(Buffer.from(await aws.runtime.store.get(AWS_CONFIG.buckets.processed, `_sluice/backfills/${plan.backfillId}.json`)).toString("utf8"));
    const restarted = (await invoke({ step: "plan", execution: execution({ ...INPUT, restart: true }) })) as BackfillPlan;

    // Assess
    expect(plan.backfillId).toMatch(/^b-weather-2024-01-01-2024-03-31-[0-9a-f]{10}$/);
    expect(plan.chunks).toEqual([{ index: 0 }, { index: 1 }, { index: 2 }]);
    expect(plan.run).toMatchObject({ dataset: "weather", from: "2024-01-01", to: "2024-03-31", skipIngest: true });
    expect(plan.settleSeconds).toBeGreaterThan(30);
    expect(first).toEqual({ index: 0, records: 31 * 24 * 3, waitSeconds: 0 });
    expect(retried).toEqual({ index: 0, records: 0, waitSeconds: 0 });
    expect((outOfOrder as Error).message).toMatch(/chunk 3 asked for before chunk 2/);
    expect(aws.firehose.accepted.get("sluice-prod-weather")!.length).toBe(91 * 24 * 3);
    expect(replanned.chunks).toEqual([]);
    expect(recorded).toEqual({ backfillId: plan.backfillId, status: "succeeded" });
    expect(cursor).toMatchObject({ chunks: 3, records: 91 * 24 * 3, status: "succeeded", runId: "r20241125t100000z-0001" });
    // --restart ignores the cursor: every chunk is left again
    expect(restarted.chunks).toHaveLength(3);
  });

  it("refuses an event that is not a back-fill state's", async () => {
    const aws = fakeAws();
    restore = aws.restore;
    await expect(runBackfillEvent(aws.runtime, { step: "chunk", execution: execution() })).rejects.toThrow(/index/);
    await expect(runBackfillEvent(aws.runtime, { step: "plan", execution: execution({ ...INPUT, from: "2024-1-1" }) })).rejects.toThrow(/from/);
  });
});

describe("paceSeconds: the wait after a chunk that keeps every window under its limit", () => {
  it("is the tightest window's share of the chunk's weight", () => {
    // Open-Meteo: 3 cities of 140 days weigh 3, 600 a minute → 0.3 s, 5,000 an hour → 2.16 s, 10,000 a day → 25.92 s
    expect(paceSeconds(3, OPEN_METEO_QUOTAS)).toBe(26);
    // Polygon: one ticker a chunk at 5 a minute → 12 s
    expect(paceSeconds(1, POLYGON_QUOTAS)).toBe(12);
    // OpenAQ: a station with 4 parameters weighs 5: 60 a minute → 5 s, 2,000 an hour → 9 s
    expect(paceSeconds(5, OPENAQ_QUOTAS)).toBe(9);
  });
});

describe("the back-fill state machine's definition, walked with the back-fill runner and the run state machine over the AWS adapters", () => {
  let restore: () => void = () => undefined;
  let fake: FakeOpenMeteo | undefined;
  afterEach(async () => {
    restore();
    await fake?.close();
    fake = undefined;
  });

  type Aws = ReturnType<typeof fakeAws>;
  /** Walks the back-fill machine; its RunOverRange walks the run machine's golden definition with the step runner. */
  function walkBackfill(aws: Aws, input: object, sourceSettings: object = {}) {
    const runtime = () => new AwsRuntime({ ...aws.runtime.options, sourceSettings });
    const runs: string[] = [];
    const walked = walk(goldenAsl(BACKFILL_STATE_MACHINE_GOLDEN), { name: "backfill-1", startTime: "2024-11-25T10:00:00.000Z", input }, (payload) => runBackfillEvent(runtime(), payload), {
      startExecution: async (parameters) => {
        const name = `run-of-backfill-${runs.length + 1}`;
        runs.push(name);
        const run = await walk(goldenAsl(), { name, startTime: "2024-11-25T12:00:00.000Z", input: parameters.Input as object }, (payload) => runStepEvent(runtime(), payload));
        if (run.status !== "SUCCEEDED") throw Object.assign(new Error(`run ${name} ${run.error}`), { name: "States.TaskFailed" });
        return { Output: run.output, Status: "SUCCEEDED" };
      },
    });
    return { walked, runs };
  }

  it("plans, ingests each chunk with its pacing wait, waits for Firehose, runs once over the whole range and records it", async () => {
    // Prepare
    const aws = fakeAws();
    restore = aws.restore;

    // Act
    const { walked } = walkBackfill(aws, INPUT);
    const result = await walked;

    // Assess
    expect(result).toMatchObject({ status: "SUCCEEDED", retries: [] });
    expect(result.states).toEqual(["Plan", "Chunks", ...Array(3).fill(["IngestChunk", "PaceChunk"]).flat(), "WaitForLastChunk", "RunOverRange", "RecordRun", "BackfillDone"]);
    expect(result.waits).toEqual([0, 0, 0, Math.ceil(aws.runtime.deliverySettleMs(aws.runtime.pipeline.datasets.weather!) / 1000)]);
    expect(aws.firehose.accepted.get("sluice-prod-weather")!.length).toBe(91 * 24 * 3);
    const [cursorKey] = aws.s3.keys(AWS_CONFIG.buckets.processed).filter((k) => k.startsWith("_sluice/backfills/"));
    const cursor = JSON.parse(Buffer.from(await aws.runtime.store.get(AWS_CONFIG.buckets.processed, cursorKey!)).toString("utf8"));
    // Plan named the execution driving it (also one started by hand), so POST /backfills can ask it whether it runs
    expect(cursor).toMatchObject({ status: "succeeded", chunksDone: 3, executionArn: "arn:aws:states:eu-west-1:123456789012:execution:runs:backfill-1" });
    const run = (await aws.runtime.runStore.get(cursor.runId))!;
    expect(run).toMatchObject({ status: "succeeded", parameters: { from: "2024-01-01", to: "2024-03-31", skipIngest: true } });
  });

  it("a chunk that hits Open-Meteo's daily limit ends BackfillStopped; the same input again goes on from the cursor, paced, and runs once", async () => {
    // Prepare: Open-Meteo on a fake; the second call hits the daily limit
    let calls = 0;
    fake = await FakeOpenMeteo.start((url) =>
      ++calls === 2 ? { status: 429, body: JSON.stringify({ error: true, reason: "Daily API request limit exceeded. Please try again tomorrow." }) } : { body: documentedResponse(url, { value: () => 10 }) },
    );
    const aws = fakeAws();
    restore = aws.restore;
    const input = { ...INPUT, source: "open-meteo", from: "2023-01-01", to: "2023-12-31" };
    const settings = { baseUrl: fake.baseUrl, endpoint: "archive" };

    // Act
    const stopped = await walkBackfill(aws, input, settings).walked;
    const resumed = walkBackfill(aws, input, settings);
    const finished = await resumed.walked;

    // Assess
    expect(stopped).toMatchObject({ status: "FAILED", error: "BackfillStopped" });
    expect(stopped.states).toEqual(["Plan", "Chunks", "IngestChunk", "PaceChunk", "IngestChunk", "BackfillStopped"]);
    expect(finished.status).toBe("SUCCEEDED");
    // Resumed at the second chunk (140 days of one variable, 3 cities: weight 3), each followed by its share of 10,000 a day
    expect(finished.states.filter((s) => s === "IngestChunk")).toHaveLength(2);
    expect(finished.waits.slice(0, 2)).toEqual([paceSeconds(3, OPEN_METEO_QUOTAS), paceSeconds(3, OPEN_METEO_QUOTAS)]);
    expect(fake.requests.map((u) => u.searchParams.get("start_date"))).toEqual(["2023-01-01", "2023-05-21", "2023-05-21", "2023-10-08"]);
    expect(resumed.runs).toHaveLength(1);
  });
});
