import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { S3ObjectStore } from "../../packages/core/src/aws/s3-object-store";
import { backfill, BackfillPlanChangedError, BackfillStoppedError, type BackfillDeps } from "../../packages/core/src/backfill/backfill";
import { backfillIdOf, planChunks, type BackfillRequest } from "../../packages/core/src/backfill/chunks";
import { BackfillCursorFileError, ObjectStoreBackfillCursors, type BackfillState } from "../../packages/core/src/backfill/cursor-store";
import { ManualClock } from "../../packages/core/src/lake/clock";
import { FsObjectStore } from "../../packages/core/src/lake/fs-object-store";
import { silentLogger } from "../../packages/core/src/log/logger";
import { pipeline } from "../../packages/core/src/pipeline/pipeline";
import { LocalRuntime } from "../../packages/core/src/runtime/local";
import { resolveLocations } from "../../packages/core/src/sources/gazetteer";
import { QuotaPacer } from "../../packages/core/src/sources/http/pacer";
import { OPEN_METEO_QUOTAS } from "../../packages/core/src/sources/open-meteo/quotas";
import { POLYGON_QUOTAS } from "../../packages/core/src/sources/polygon/quotas";
import { quotasOfSource } from "../../packages/core/src/sources/source-quotas";
import { FakeS3 } from "../aws/fake-s3";

const CITIES = resolveLocations(["Paris", "London", "Berlin"], []);
const FIVE_YEARS: BackfillRequest = { dataset: "weather", source: "open-meteo", from: "2019-01-01", to: "2023-12-31", locations: CITIES, variables: ["temperature_2m"] };

describe("planChunks", () => {
  it("cuts 5 years × 3 cities for Open-Meteo into 14 ranges of 140 days, the cities in one call, every day once", () => {
    // Act
    const chunks = planChunks(FIVE_YEARS, OPEN_METEO_QUOTAS);

    // Assess
    expect(chunks).toHaveLength(14);
    expect(chunks[0]).toMatchObject({ index: 0, from: "2019-01-01", to: "2019-05-20", weight: 3 });
    expect(chunks.at(-1)).toMatchObject({ index: 13, from: "2023-12-26", to: "2023-12-31", weight: 3 });
    expect(chunks.every((c) => c.subjects.length === 3)).toBe(true);
    const days = chunks.reduce((n, c) => n + (Date.parse(c.to) - Date.parse(c.from)) / 86_400_000 + 1, 0);
    expect(days).toBe(1_826);
    for (const [i, chunk] of chunks.slice(1).entries()) expect(Date.parse(chunk.from) - Date.parse(chunks[i]!.to)).toBe(86_400_000);
  });

  it("groups subjects as the source calls them, fewer when a group would not fit the smallest window", () => {
    const tickers = resolveLocations([], ["A=0,0", "B=0,0", "C=0,0"]);
    // Polygon: one ticker a call, 2,083 days a chunk
    const stocks = planChunks({ ...FIVE_YEARS, dataset: "stocks", source: "polygon", locations: tickers }, POLYGON_QUOTAS);
    expect(stocks.map((c) => [c.subjects.length, c.from, c.to])).toEqual([
      [1, "2019-01-01", "2023-12-31"],
      [1, "2019-01-01", "2023-12-31"],
      [1, "2019-01-01", "2023-12-31"],
    ]);
    // Open-Meteo under a 2-a-minute quota: groups of 2 cities, then 1
    const tight = planChunks({ ...FIVE_YEARS, to: "2019-01-31" }, { ...OPEN_METEO_QUOTAS, quotas: [{ limit: 2, per: "minute", what: "test" }] });
    expect(tight.map((c) => c.subjects.map((s) => s.name))).toEqual([["Paris", "London"], ["Berlin"]]);
    // 31 days of one variable: under a location's one call
    expect(tight.map((c) => c.weight)).toEqual([2, 1]);
  });

  it("names the same back-fill by the same id, a different range or subjects by another", () => {
    const id = backfillIdOf(FIVE_YEARS, 140);
    expect(id).toMatch(/^b-weather-2019-01-01-2023-12-31-[0-9a-f]{10}$/);
    expect(backfillIdOf({ ...FIVE_YEARS, locations: [...CITIES] }, 140)).toBe(id);
    expect(backfillIdOf({ ...FIVE_YEARS, to: "2023-12-30" }, 140)).not.toBe(id);
    expect(backfillIdOf({ ...FIVE_YEARS, locations: CITIES.slice(0, 2) }, 140)).not.toBe(id);
    expect(backfillIdOf(FIVE_YEARS, 30)).not.toBe(id);
  });
});

describe.each([
  ["FsObjectStore (the twin)", async () => {
    const root = await mkdtemp(join(tmpdir(), "sluice-cursors-"));
    return { store: new FsObjectStore(root), cleanup: () => rm(root, { recursive: true, force: true }) };
  }],
  ["S3ObjectStore (in-memory S3)", async () => {
    const s3 = new FakeS3();
    return { store: new S3ObjectStore(s3.client), cleanup: async () => s3.mock.restore() };
  }],
] as const)("ObjectStoreBackfillCursors over %s", (_name, fixture) => {
  it("returns nothing for an unknown back-fill and the last state saved for a known one", async () => {
    const { store, cleanup } = await fixture();
    try {
      // Prepare
      const cursors = new ObjectStoreBackfillCursors(store, "processed");
      const state: BackfillState = { id: "b-weather-x", dataset: "weather", source: "synthetic", from: "2019-01-01", to: "2019-12-31", subjects: ["Paris"], variables: ["temperature_2m"], chunkDays: 31, subjectsPerChunk: 1, chunks: 12, chunksDone: 3, records: 2_000, status: "ingesting", startedAt: "2026-01-01T00:00:00.000Z", updatedAt: "2026-01-01T00:00:01.000Z" };

      // Act
      await cursors.save(state);
      await cursors.save({ ...state, chunksDone: 4 });

      // Assess
      expect(await cursors.load("b-weather-y")).toBeUndefined();
      expect(await cursors.load("b-weather-x")).toEqual({ ...state, chunksDone: 4 });
      expect(await store.exists("processed", "_sluice/backfills/b-weather-x.json")).toBe(true);
    } finally {
      await cleanup();
    }
  });

  it("names a truncated or hand-edited cursor, where it is and the ways out, instead of a JSON error or a silent start over", async () => {
    const { store, cleanup } = await fixture();
    try {
      // Prepare
      const cursors = new ObjectStoreBackfillCursors(store, "processed");
      const state: BackfillState = { id: "b-weather-x", dataset: "weather", source: "synthetic", from: "2019-01-01", to: "2019-12-31", subjects: ["Paris"], variables: ["temperature_2m"], chunkDays: 31, subjectsPerChunk: 1, chunks: 12, chunksDone: 3, records: 2_000, status: "ingesting", startedAt: "2026-01-01T00:00:00.000Z", updatedAt: "2026-01-01T00:00:01.000Z" };
      const key = "_sluice/backfills/b-weather-x.json";
      const where = store.locationOf("processed", key);
      const bodies = {
        truncated: JSON.stringify(state).slice(0, 60),
        empty: "",
        "no chunk count": JSON.stringify({ ...state, chunks: undefined }),
        "more done than chunks": JSON.stringify({ ...state, chunksDone: 13 }),
        "another back-fill's": JSON.stringify({ ...state, id: "b-weather-y" }),
      };

      // Act
      const errors: Record<string, unknown> = {};
      for (const [name, body] of Object.entries(bodies)) {
        await store.put("processed", key, body);
        errors[name] = await cursors.load("b-weather-x").catch((e: unknown) => e);
      }

      // Assess
      for (const error of Object.values(errors)) {
        expect(error).toBeInstanceOf(BackfillCursorFileError);
        expect((error as Error).message).toContain(`back-fill cursor ${where} is unreadable: `);
        expect((error as Error).message).toMatch(/Fix it \(chunksDone counts the chunks written\), or start the back-fill over with --restart/);
      }
      expect((errors.truncated as Error).message).toMatch(/unreadable: not JSON \(/);
      expect((errors["no chunk count"] as Error).message).toMatch(/unreadable: chunks: /);
      expect((errors["more done than chunks"] as Error).message).toMatch(/unreadable: chunksDone: chunksDone is more than chunks/);
      expect((errors["another back-fill's"] as Error).message).toMatch(/it is the cursor of back-fill b-weather-y, not b-weather-x/);
      expect(where).toMatch(store instanceof FsObjectStore ? /\/processed\/_sluice\/backfills\/b-weather-x\.json$/ : /^s3:\/\/processed\/_sluice\/backfills\/b-weather-x\.json$/);
    } finally {
      await cleanup();
    }
  });
});

describe("backfill on the twin (synthetic source, a real lake)", () => {
  let lake: string;
  let runtime: LocalRuntime;
  beforeEach(async () => {
    lake = await mkdtemp(join(tmpdir(), "sluice-backfill-core-"));
    runtime = new LocalRuntime({ lake, pipeline, logger: silentLogger });
  });
  afterEach(async () => {
    await runtime.close();
    await rm(lake, { recursive: true, force: true });
  });

  async function depsWith(failOn?: { from: string; error: Error }): Promise<BackfillDeps> {
    const engine = await runtime.runEngine({ seed: 7 });
    const ingest = runtime.ingestWith({ seed: 7 });
    return {
      cursors: runtime.backfillCursors(),
      // Fault injection: the chunk starting at `failOn.from` fails once (a full disk, a network drop).
      ingest: async (parameters, onProgress, signal) => {
        if (failOn && parameters.from === failOn.from) {
          const { error } = failOn;
          failOn = undefined;
          throw error;
        }
        return ingest(parameters, onProgress, signal);
      },
      run: (parameters, signal) => engine.run(parameters, { signal }),
      quotas: quotasOfSource("synthetic"),
      clock: runtime.clock,
      logger: silentLogger,
    };
  }

  const HALF_YEAR: BackfillRequest = { dataset: "weather", source: "synthetic", from: "2024-01-01", to: "2024-06-30", locations: CITIES, variables: ["temperature_2m"] };

  it("stops at a failed chunk naming it, keeps the chunks written, resumes there and ends with one run", async () => {
    // Prepare: 6 chunks of 31 days; the third fails once
    const deps = await depsWith({ from: "2024-03-03", error: new Error("ENOSPC: no space left on device") });

    // Act
    const stopped = await backfill(HALF_YEAR, deps).catch((error: unknown) => error);
    const chunksFetched: string[] = [];
    const resumed = await backfill(HALF_YEAR, { ...deps, ingest: (p, ...rest) => (chunksFetched.push(p.from), deps.ingest(p, ...rest)) });

    // Assess
    expect(stopped).toBeInstanceOf(BackfillStoppedError);
    expect((stopped as Error).message).toMatch(/^back-fill b-weather-2024-01-01-2024-06-30-[0-9a-f]{10} stopped at chunk 3\/6 \(2024-03-03\.\.2024-04-02, Paris,London,Berlin\): ENOSPC: no space left on device\. 2 chunk\(s\) are written and kept; run the same command again to resume from chunk 3/);
    expect((stopped as BackfillStoppedError).state).toMatchObject({ status: "stopped", chunksDone: 2, failure: { chunk: 3, from: "2024-03-03" } });
    expect(resumed.resumedAt).toBe(2);
    expect(chunksFetched).toEqual(["2024-03-03", "2024-04-03", "2024-05-04", "2024-06-04"]);
    expect(resumed.state).toMatchObject({ status: "succeeded", chunks: 6, chunksDone: 6, records: 182 * 24 * 3, runId: resumed.run!.id });
    expect(resumed.run!.status).toBe("succeeded");
    expect(resumed.run!.steps.find((s) => s.name === "ctas")!.rowsOut).toBe(182 * 24 * 3);
    expect(await runtime.runStore.list({ limit: 10 })).toHaveLength(1);
  }, 60_000);

  it("does nothing for a finished back-fill; --restart fetches every chunk again", async () => {
    // Prepare
    const deps = await depsWith();
    const first = await backfill(HALF_YEAR, deps);

    // Act
    const again = await backfill(HALF_YEAR, deps);
    const restarted = await backfill(HALF_YEAR, deps, { restart: true });

    // Assess
    expect(again).toMatchObject({ alreadyDone: true, state: { runId: first.run!.id } });
    expect(restarted.resumedAt).toBe(0);
    expect(restarted.run!.id).not.toBe(first.run!.id);
    // The run dedups the chunks fetched twice: one row per city and hour
    expect(restarted.run!.steps.find((s) => s.name === "publish")!.rowsOut).toBe(182 * 24 * 3);
  }, 60_000);

  it("refuses to resume under quotas that group the subjects differently, naming both plans", async () => {
    // Prepare: a back-fill stopped after its first chunk, all three cities a chunk
    const deps = await depsWith({ from: "2024-02-01", error: new Error("network down") });
    await backfill(HALF_YEAR, deps).catch(() => undefined);

    // Act: the same request under a quota that fits one city a chunk
    const tight = { ...deps, quotas: { ...deps.quotas, quotas: [{ limit: 1, per: "minute" as const, what: "test" }] } };
    const refused = await backfill(HALF_YEAR, tight).catch((error: unknown) => error);

    // Assess
    expect(refused).toBeInstanceOf(BackfillPlanChangedError);
    expect((refused as Error).message).toMatch(/was cut into 6 chunk\(s\) of 3 subject\(s\); with these quotas it is 18 of 1: give the same quotas \(--quota\) to resume, or --restart/);
  }, 60_000);

  it("stops after the chunk in flight when the signal aborts, at the next chunk", async () => {
    // Prepare
    const deps = await depsWith();
    const controller = new AbortController();

    // Act
    const stopped = await backfill(HALF_YEAR, deps, { signal: controller.signal, onChunk: (p) => p.chunksDone === 1 && controller.abort("SIGINT") }).catch((e: unknown) => e);

    // Assess
    expect(stopped).toBeInstanceOf(BackfillStoppedError);
    expect((stopped as Error).message).toMatch(/stopped at chunk 2\/6 .*: stopped by SIGINT\. 1 chunk\(s\) are written and kept/);
  }, 60_000);

  it("counts the quota a killed process spent: resumed at once, it waits for the calls the dead process made in the window", async () => {
    // Prepare: 2 calls a minute, one city (weight 1 a chunk), a fake clock the pacers' sleeps move
    const clock = new ManualClock(Date.parse("2026-12-05T08:00:00Z"));
    const windows = [{ limit: 2, windowMs: 60_000, label: "2/minute (test)" }];
    const pacer = () => new QuotaPacer({ windows, clock, sleep: async (ms) => clock.advance(ms) });
    const base = await depsWith();
    const quotas = { ...base.quotas, quotas: [{ limit: 2, per: "minute" as const, what: "test" }] };
    const oneCity = { ...HALF_YEAR, locations: CITIES.slice(0, 1) };
    const started: number[] = [];
    const deps: BackfillDeps = { ...base, quotas, clock, ingest: (p, ...rest) => (started.push(clock.now()), base.ingest(p, ...rest)) };
    // The first process dies right after its first chunk is written (no stop is saved, as with SIGKILL)
    const killed = await backfill(oneCity, { ...deps, pacer: pacer() }, { onChunk: () => { throw new Error("SIGKILL"); } }).catch((e: unknown) => e);
    const killedAt = clock.now();

    // Act: the same back-fill, a new process and pacer, started at once
    const resumed = await backfill(oneCity, { ...deps, pacer: pacer() });

    // Assess: chunk 1 and the chunk that may have been in flight hold the minute; chunk 2 waits for it to pass
    expect((killed as Error).message).toBe("SIGKILL");
    expect(resumed.resumedAt).toBe(1);
    expect(started[1]! - killedAt).toBe(60_000);
    // From then on, 2 a minute
    expect(started.slice(1).map((t) => t - killedAt)).toEqual([60_000, 60_000, 120_000, 120_000, 180_000]);
    expect(resumed.state.status).toBe("succeeded");
  }, 60_000);
});
