import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ingestIncrementally } from "../../packages/core/src/ingest/incremental";
import { ManualClock } from "../../packages/core/src/lake/clock";
import { silentLogger } from "../../packages/core/src/log/logger";
import { pipeline } from "../../packages/core/src/pipeline/pipeline";
import { LocalRuntime } from "../../packages/core/src/runtime/local";
import { resolveLocations } from "../../packages/core/src/sources/gazetteer";
import { OpenMeteoSource } from "../../packages/core/src/sources/open-meteo/index";
import type { IngestMode } from "../../packages/core/src/sources/source";
import { SyntheticWeatherSource } from "../../packages/core/src/sources/synthetic/synthetic-weather";
import { queryRows, removeLake, tempLake } from "../cli/sluice";
import { documentedResponse, FakeOpenMeteo } from "../sources/fake-open-meteo";

const CITIES = resolveLocations(["Paris", "London", "Berlin"], []);
const weather = pipeline.datasets.weather!;

/** Every weather record in the lake's raw bucket (gzip NDJSON). */
async function rawRecords(lake: string): Promise<Record<string, string>[]> {
  const dir = join(lake, pipeline.buckets.raw, "weather");
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const out: Record<string, string>[] = [];
  for (const entry of entries.filter((e) => e.isFile() && e.name.endsWith(".gz"))) {
    const lines = gunzipSync(await readFile(join(entry.parentPath, entry.name))).toString("utf8").split("\n").filter(Boolean);
    out.push(...lines.map((l) => JSON.parse(l) as Record<string, string>));
  }
  return out;
}

describe("scheduled (incremental) ingest on the twin", () => {
  let lake: string;
  let fake: FakeOpenMeteo;
  const clock = new ManualClock(Date.parse("2024-11-25T10:20:00Z"));
  beforeEach(async () => {
    lake = await tempLake("incremental");
    fake = await FakeOpenMeteo.start();
    clock.set(Date.parse("2024-11-25T10:20:00Z"));
  });
  afterEach(async () => {
    await fake.close();
    await removeLake(lake);
  });

  /** One scheduled ingest at the clock's time, as the producer and `sluice ingest --incremental` run it. */
  async function scheduled(options: { mode?: IngestMode; overlapHours?: number; source?: "open-meteo" | "synthetic" } = {}) {
    const runtime = new LocalRuntime({ lake, pipeline, logger: silentLogger, clock });
    try {
      const source = options.source === "synthetic" ? new SyntheticWeatherSource({ clock }) : new OpenMeteoSource({ baseUrl: fake.baseUrl, clock });
      return await ingestIncrementally({
        dataset: "weather",
        locations: CITIES,
        variables: ["temperature_2m"],
        source,
        delivery: await runtime.delivery(weather),
        cursors: runtime.cursors(),
        logger: silentLogger,
        clock,
        timeColumn: weather.transform.timeColumn,
        overlapHours: options.overlapHours ?? 3,
        journal: runtime.ingestJournal(),
        ...(options.mode ? { mode: options.mode } : {}),
      });
    } finally {
      await runtime.close();
    }
  }

  /** A first invocation for all at 10:20, then one at 13:20 in which Open-Meteo refuses Berlin's coordinates (its documented 400). */
  async function berlinFailsOnce() {
    await scheduled();
    clock.set(Date.parse("2024-11-25T13:20:00Z"));
    const berlin = String(CITIES[2]!.latitude);
    fake.handler = (url) => ((url.searchParams.get("latitude") ?? "").split(",").includes(berlin) ? { status: 400, body: JSON.stringify({ error: true, reason: "Cannot initialize WeatherVariable from invalid String value" }) } : undefined);
    return scheduled();
  }

  it("asks a second invocation only for the hours after the cursor (less the overlap), and raw re-collects only the overlap", async () => {
    // Prepare: the first invocation, no cursor yet
    const first = await scheduled();
    const firstRequests = fake.requests.splice(0);
    clock.set(Date.parse("2024-11-25T13:20:00Z"));
    // Act
    const second = await scheduled();
    // Assess: the requests' hour ranges (https://open-meteo.com/en/docs: start_hour/end_hour)
    expect(firstRequests.map((u) => [u.searchParams.get("start_hour"), u.searchParams.get("end_hour"), u.searchParams.get("start_date")])).toEqual([["2024-11-24T00:00", "2024-11-25T10:00", null]]);
    expect(first.incremental.cursorsAdvanced).toEqual({ Paris: "2024-11-25T10:00:00Z", London: "2024-11-25T10:00:00Z", Berlin: "2024-11-25T10:00:00Z" });
    expect(fake.requests.map((u) => [u.searchParams.get("start_hour"), u.searchParams.get("end_hour")])).toEqual([["2024-11-25T08:00", "2024-11-25T13:00"]]);
    expect(second).toMatchObject({ from: "2024-11-25", to: "2024-11-25", recordsDelivered: 3 * 6, failures: [] });
    expect(second.incremental.cursorsAdvanced).toEqual({ Paris: "2024-11-25T13:00:00Z", London: "2024-11-25T13:00:00Z", Berlin: "2024-11-25T13:00:00Z" });
    // 00:00 on the 24th .. 13:00 on the 25th = 38 hours a city, of which only the 3 overlap hours twice
    const raw = (await rawRecords(lake)).filter((r) => r.city === "Paris");
    const times = raw.map((r) => r.measurement_time);
    expect(times).toHaveLength(38 + 3);
    expect(new Set(times).size).toBe(38);
    expect([...new Set(times.filter((t, i) => times.indexOf(t) !== i))].sort()).toEqual(["2024-11-25T08:00:00Z", "2024-11-25T09:00:00Z", "2024-11-25T10:00:00Z"]);
    expect(await runtimeCursors()).toMatchObject({ subjects: { Paris: { lastTime: "2024-11-25T13:00:00Z" } } });
  });

  it("asks nothing for a subject already at the current hour, with no overlap", async () => {
    // Prepare
    await scheduled({ overlapHours: 0 });
    fake.requests.splice(0);
    clock.set(Date.parse("2024-11-25T10:50:00Z"));
    // Act
    const again = await scheduled({ overlapHours: 0 });
    // Assess
    expect(fake.requests).toEqual([]);
    expect(again).toMatchObject({ locationsRequested: 0, recordsDelivered: 0, failures: [] });
    expect(again.incremental.upToDate).toEqual(["Paris", "London", "Berlin"]);
  });

  it("fails a subject whose cursor is after now by name (the clock went back), instead of calling it up to date", async () => {
    // Prepare: cursors at 10:00, then the clock goes back four hours (a wrong clock, or a cursor edited by hand)
    await scheduled();
    fake.requests.splice(0);
    clock.set(Date.parse("2024-11-25T06:20:00Z"));
    // Act
    const behind = await scheduled();
    // Assess: nothing asked, each subject a named failure with the way out, no cursor moved
    expect(fake.requests).toEqual([]);
    expect(behind.incremental.upToDate).toEqual([]);
    expect(behind.failures.map((f) => f.location)).toEqual(["Paris", "London", "Berlin"]);
    expect(behind.failures[0]!.error).toBe(
      'open-meteo request for "Paris" not sent: its cursor is at 2024-11-25T10:00:00Z, after now (2024-11-25T06:20:00Z); the clock went back or the cursor was edited. `sluice cursors --dataset weather --source open-meteo --reset Paris` makes the next ingest start from yesterday',
    );
    expect(behind).toMatchObject({ locationsRequested: 3, recordsDelivered: 0 });
    expect(await runtimeCursors()).toMatchObject({ subjects: { Paris: { lastTime: "2024-11-25T10:00:00Z" } } });
  });

  it("keeps the cursor of a subject whose request failed, and asks it for its own older window next time", async () => {
    // Prepare: a first invocation for all; then Berlin's coordinates are refused (documented 400)
    const failed = await berlinFailsOnce();
    fake.handler = () => undefined;
    fake.requests.splice(0);
    clock.set(Date.parse("2024-11-25T15:20:00Z"));
    // Act
    const next = await scheduled();
    // Assess
    expect(failed.failures.map((f) => f.location)).toEqual(["Berlin"]);
    expect(failed.incremental.cursorsAdvanced).toEqual({ Paris: "2024-11-25T13:00:00Z", London: "2024-11-25T13:00:00Z" });
    expect(fake.requests.map((u) => [u.searchParams.get("latitude")!.split(",").length, u.searchParams.get("start_hour"), u.searchParams.get("end_hour")])).toEqual([
      [1, "2024-11-25T08:00", "2024-11-25T15:00"],
      [2, "2024-11-25T11:00", "2024-11-25T15:00"],
    ]);
    expect(next.incremental.cursorsAdvanced).toEqual({ Berlin: "2024-11-25T15:00:00Z", Paris: "2024-11-25T15:00:00Z", London: "2024-11-25T15:00:00Z" });
  });

  it("sends no later window after the API answered a rate limit, and every subject keeps its cursor", async () => {
    // Prepare: Berlin failed once, so the next invocation has two windows (Berlin's older one, Paris and London)
    const failed = await berlinFailsOnce();
    // Open-Meteo's documented 429 for the daily limit (a wait past the client's 65 s: no retry)
    fake.handler = () => ({ status: 429, body: JSON.stringify({ error: true, reason: "Daily API request limit exceeded. Please try again tomorrow." }) });
    fake.requests.splice(0);
    clock.set(Date.parse("2024-11-25T15:20:00Z"));
    // Act
    const limited = await scheduled();
    // Assess: one request, the other window refused without a call, no cursor moved
    expect(fake.requests).toHaveLength(1);
    expect(limited.failures.map((f) => f.location).sort()).toEqual(["Berlin", "London", "Paris"]);
    expect(limited.failures.filter((f) => /not sent: an earlier call of this ingest hit a rate limit/.test(f.error))).toHaveLength(limited.failures.length - (fake.requests[0]!.searchParams.get("latitude")!.split(",").length));
    expect(limited.incremental.cursorsAdvanced).toEqual({});
    expect(failed.incremental.cursorsAdvanced).toEqual({ Paris: "2024-11-25T13:00:00Z", London: "2024-11-25T13:00:00Z" });
  });

  it("drops a day-precision source's hours after now and never moves a cursor past now", async () => {
    // Act: the synthetic source answers whole days (all 24 hours of today, forecast included)
    const summary = await scheduled({ source: "synthetic" });
    // Assess
    const times = (await rawRecords(lake)).filter((r) => r.city === "Paris").map((r) => r.measurement_time).sort();
    expect(times.at(0)).toBe("2024-11-24T00:00:00Z");
    expect(times.at(-1)).toBe("2024-11-25T10:00:00Z");
    expect(times).toHaveLength(24 + 11);
    expect(summary.incremental.cursorsAdvanced.Paris).toBe("2024-11-25T10:00:00Z");
  });

  it("current mode: one record per subject per reading; the same reading collected twice is one row after the run", async () => {
    // Prepare: Open-Meteo's current block for 10:15 (interval 900 s), twice
    fake.handler = (url) => ({ body: documentedResponse(url, { current: { time: "2024-11-25T10:15", interval: 900 } }) });
    const first = await scheduled({ mode: "current" });
    clock.set(Date.parse("2024-11-25T10:25:00Z"));
    const second = await scheduled({ mode: "current" });
    // Act: a run over what was collected
    const runtime = new LocalRuntime({ lake, pipeline, logger: silentLogger, clock });
    let status: string;
    try {
      const run = await (await runtime.runEngine()).run({ dataset: "weather", source: "open-meteo", from: "2024-11-25", to: "2024-11-25", locations: CITIES, variables: ["temperature_2m"], skipIngest: true });
      status = run.status;
    } finally {
      await runtime.close();
    }
    // Assess
    expect(fake.requests.map((u) => [u.searchParams.get("current"), u.searchParams.get("hourly"), u.searchParams.get("start_hour")])).toEqual([
      ["temperature_2m", null, null],
      ["temperature_2m", null, null],
    ]);
    expect([first.recordsDelivered, second.recordsDelivered]).toEqual([3, 3]);
    expect((await rawRecords(lake)).filter((r) => r.city === "Paris").map((r) => r.measurement_time)).toEqual(["2024-11-25T10:15:00Z", "2024-11-25T10:15:00Z"]);
    expect(first.incremental.cursorsAdvanced).toEqual({ Paris: "2024-11-25T10:15:00Z", London: "2024-11-25T10:15:00Z", Berlin: "2024-11-25T10:15:00Z" });
    expect(second.incremental.cursorsAdvanced).toEqual(first.incremental.cursorsAdvanced);
    expect(status).toBe("succeeded");
    const rows = await queryRows(lake, "SELECT city, CAST(measurement_time AS VARCHAR) AS t, collection_count FROM weather_prod ORDER BY city");
    expect(rows).toEqual([
      { city: "Berlin", t: "2024-11-25 10:15:00.000", collection_count: 2 },
      { city: "London", t: "2024-11-25 10:15:00.000", collection_count: 2 },
      { city: "Paris", t: "2024-11-25 10:15:00.000", collection_count: 2 },
    ]);
  });

  it("minutely_15 mode: asks start_minutely_15..end_minutely_15 and delivers the quarter hours", async () => {
    // Act
    const summary = await scheduled({ mode: "minutely_15" });
    // Assess
    expect(fake.requests.map((u) => [u.searchParams.get("minutely_15"), u.searchParams.get("start_minutely_15"), u.searchParams.get("end_minutely_15")])).toEqual([["temperature_2m", "2024-11-24T00:00", "2024-11-25T10:15"]]);
    expect(summary.recordsDelivered).toBe(3 * (24 * 4 + 10 * 4 + 2));
    expect(summary.incremental.cursorsAdvanced.Paris).toBe("2024-11-25T10:15:00Z");
  });

  async function runtimeCursors(): Promise<unknown> {
    return JSON.parse(await readFile(join(lake, pipeline.buckets.processed, "_sluice", "cursors", "weather", "open-meteo.json"), "utf8"));
  }
});
