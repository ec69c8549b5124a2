import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { documentedResponse, FakeOpenMeteo } from "../sources/fake-open-meteo";
import { removeLake, sluice, tempLake } from "./sluice";

const HOUR = 3_600_000;

/** Every object under a folder with its records (gzip NDJSON), keyed by path relative to the lake. */
async function objectsUnder(lake: string, dir: string): Promise<Map<string, Record<string, unknown>[]>> {
  const out = new Map<string, Record<string, unknown>[]>();
  let entries;
  try {
    entries = await readdir(join(lake, dir), { recursive: true, withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries.filter((e) => e.isFile())) {
    const path = join(entry.parentPath, entry.name);
    const lines = gunzipSync(await readFile(path)).toString("utf8").split("\n").filter(Boolean);
    out.set(path.slice(lake.length + 1), lines.map((l) => JSON.parse(l) as Record<string, unknown>));
  }
  return out;
}

describe("sluice ingest", () => {
  let lake: string;
  beforeEach(async () => {
    lake = await tempLake("ingest");
  });
  afterEach(async () => {
    await removeLake(lake);
  });

  it("delivers 3 × 7 × 24 synthetic records as gzip NDJSON in the documented key layout and says so in --json", async () => {
    // Act
    const result = await sluice("ingest", "--source", "synthetic", "--from", "2024-11-24", "--to", "2024-11-30", "--locations", "Paris,London,Berlin", "--lake", lake, "--json");

    // Assess
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.out);
    expect(summary).toMatchObject({ recordsFetched: 504, recordsDelivered: 504, recordsToErrorOutput: 0, partitionsWritten: 3, failures: [] });
    const objects = await objectsUnder(lake, "raw");
    expect(objects.size).toBe(summary.objectsWritten);
    for (const [key, records] of objects) {
      // location from the jq query, year/month/day/hour from the arrival time (UTC), Firehose's object name
      expect(key).toMatch(/^raw\/weather\/location=(Paris|London|Berlin)\/year=\d{4}\/month=\d{2}\/day=\d{2}\/hour=\d{2}\/weather-1-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9a-f-]{36}\.gz$/);
      const city = /location=([^/]+)/.exec(key)![1];
      for (const record of records) expect(record).toMatchObject({ city, source: "synthetic" });
    }
    expect([...objects.values()].flat()).toHaveLength(504);
  });

  it("prints a human summary with records, objects, partitions and error output", async () => {
    const result = await sluice("ingest", "--from", "2024-11-24", "--to", "2024-11-24", "--locations", "Tokyo", "--lake", lake);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/records delivered\s+24/);
    expect(result.out).toMatch(/partitions written\s+1/);
    expect(result.out).toMatch(/error output\s+0/);
  });

  describe("against a fake Open-Meteo on 127.0.0.1", () => {
    let fake: FakeOpenMeteo;
    beforeEach(async () => {
      fake = await FakeOpenMeteo.start();
    });
    afterEach(async () => {
      await fake.close();
    });

    it("names a location the API rejects with 400, exits 4 and still delivers the others", async () => {
      // Prepare: the API rejects any call that includes Atlantis's latitude
      fake.handler = (url) =>
        url.searchParams.get("latitude")?.split(",").includes("-66.5")
          ? { status: 400, body: JSON.stringify({ error: true, reason: "Latitude must be in range of -90 to 90°. Given: -66.5 (test)." }) }
          : undefined;

      // Act
      const result = await sluice(
        "ingest", "--source", "open-meteo", "--base-url", fake.baseUrl, "--endpoint", "historical-forecast",
        "--from", "2024-11-24", "--to", "2024-11-25", "--locations", "Paris,Berlin", "--location", "Atlantis=-66.5,-30.25", "--lake", lake, "--json",
      );

      // Assess
      expect(result.code).toBe(4);
      const summary = JSON.parse(result.out);
      expect(summary.failures).toHaveLength(1);
      expect(summary.failures[0].location).toBe("Atlantis");
      expect(summary.failures[0].error).toContain("Given: -66.5 (test)");
      expect(summary.recordsDelivered).toBe(2 * 48);
      const cities = new Set([...(await objectsUnder(lake, "raw/weather")).values()].flat().map((r) => r.city));
      expect(cities).toEqual(new Set(["Paris", "Berlin"]));
    });

    it("keeps null temperatures as null in the lake, never dropped or zero-filled", async () => {
      // Prepare: hour 3 of the response is null
      const { documentedResponse } = await import("../sources/fake-open-meteo");
      fake.handler = (url) => ({ body: documentedResponse(url, { nullHours: [3] }) });

      // Act
      const result = await sluice("ingest", "--source", "open-meteo", "--base-url", fake.baseUrl, "--from", "2024-11-24", "--to", "2024-11-24", "--locations", "Paris", "--lake", lake, "--json");

      // Assess
      expect(result.code).toBe(0);
      const records = [...(await objectsUnder(lake, "raw/weather")).values()].flat();
      expect(records).toHaveLength(24);
      const hour3 = records.find((r) => r.measurement_time === "2024-11-24T03:00:00Z")!;
      expect(hour3.temperature).toBeNull();
      expect(records.filter((r) => r.temperature === null)).toHaveLength(1);
    });

    it("takes the base URL from OPEN_METEO_BASE_URL", async () => {
      process.env.OPEN_METEO_BASE_URL = fake.baseUrl;
      try {
        const result = await sluice("ingest", "--source", "open-meteo", "--from", "2024-11-24", "--to", "2024-11-24", "--locations", "Paris,London", "--lake", lake, "--json");
        expect(result.code).toBe(0);
        expect(fake.requests).toHaveLength(1); // both cities in one call: the response is a JSON array
        expect(JSON.parse(result.out).recordsDelivered).toBe(48);
      } finally {
        delete process.env.OPEN_METEO_BASE_URL;
      }
    });
  });

  it("rejects bad input with exit code 2 and a message naming it", async () => {
    const badDate = await sluice("ingest", "--from", "2024-02-30", "--to", "2024-03-01", "--lake", lake);
    expect(badDate.code).toBe(2);
    expect(badDate.err).toContain("--from must be a calendar date");
    const unknownCity = await sluice("ingest", "--from", "2024-02-01", "--to", "2024-02-01", "--locations", "Atlantis", "--lake", lake);
    expect(unknownCity.code).toBe(2);
    expect(unknownCity.err).toContain("Atlantis");
    const badCustom = await sluice("ingest", "--from", "2024-02-01", "--to", "2024-02-01", "--location", "Nowhere=95,10", "--lake", lake);
    expect(badCustom.code).toBe(2);
    expect(badCustom.err).toMatch(/Nowhere|95/);
  });

  it("--incremental starts from yesterday, keeps a cursor per subject in the lake, and the next ingest asks from the cursor less the overlap", async () => {
    // Prepare
    const before = Date.now();
    const first = await sluice("ingest", "--incremental", "--source", "synthetic", "--locations", "Paris,London", "--lake", lake, "--json");
    // Act
    const second = await sluice("ingest", "--incremental", "--source", "synthetic", "--locations", "Paris,London", "--lake", lake, "--json");
    // Assess
    expect(first.code, first.err).toBe(0);
    expect(second.code, second.err).toBe(0);
    const a = JSON.parse(first.out);
    const b = JSON.parse(second.out);
    const yesterday = new Date(Math.floor(before / 86_400_000) * 86_400_000 - 86_400_000).toISOString().slice(0, 19) + "Z";
    expect(a.incremental.windows).toHaveLength(1);
    expect(a.incremental.windows[0]).toMatchObject({ subjects: ["Paris", "London"], start: yesterday });
    const cursor = a.incremental.cursorsAdvanced.Paris as string;
    expect(cursor).toBe(a.incremental.windows[0].end);
    expect(b.incremental.windows[0].start).toBe(new Date(Date.parse(cursor) + HOUR - 3 * HOUR).toISOString().slice(0, 19) + "Z");
    const hours = (Date.parse(b.incremental.windows[0].end) - Date.parse(b.incremental.windows[0].start)) / HOUR + 1;
    expect(b.recordsDelivered).toBe(2 * hours);
    const file = JSON.parse(await readFile(join(lake, "processed", "_sluice", "cursors", "weather", "synthetic.json"), "utf8"));
    expect(Object.keys(file.subjects)).toEqual(["Paris", "London"]);
  });

  it("--incremental prints the windows and the cursors in the human summary", async () => {
    // Act
    const result = await sluice("ingest", "--incremental", "--source", "synthetic", "--locations", "Paris", "--lake", lake);
    // Assess
    expect(result.code, result.err).toBe(0);
    expect(result.out).toMatch(/incremental {8}mode hourly, overlap 3 h\n {4}asked \d{4}-\d{2}-\d{2}T00:00:00Z → .*: Paris\n {4}cursors now at {5}Paris \d{4}-/);
  });

  it("refuses --incremental with --from/--to, and a mode the source cannot collect, as usage errors", async () => {
    // Act
    const both = await sluice("ingest", "--incremental", "--from", "2024-11-24", "--source", "synthetic", "--lake", lake);
    const mode = await sluice("ingest", "--incremental", "--ingest-mode", "current", "--source", "synthetic", "--lake", lake);
    const unknown = await sluice("ingest", "--incremental", "--ingest-mode", "daily", "--source", "synthetic", "--lake", lake);
    // Assess
    expect([both.code, mode.code, unknown.code]).toEqual([2, 2, 2]);
    expect(both.err).toMatch(/--incremental takes its range from the cursors: give it without --from\/--to/);
    expect(mode.err).toMatch(/source synthetic of dataset weather cannot collect mode "current"; its modes: hourly/);
    expect(unknown.err).toMatch(/--ingest-mode.*daily.*hourly, current, minutely_15/);
  });

  it("--ingest-mode current collects one reading per city from Open-Meteo's current block", async () => {
    // Prepare
    const today = new Date().toISOString().slice(0, 10);
    const fake = await FakeOpenMeteo.start((url) => ({ body: documentedResponse(url, { current: { time: `${today}T00:15`, interval: 900 } }) }));
    try {
      // Act
      const result = await sluice("ingest", "--ingest-mode", "current", "--from", today, "--to", today, "--source", "open-meteo", "--base-url", fake.baseUrl, "--locations", "Paris,Berlin", "--lake", lake, "--json");
      const past = await sluice("ingest", "--ingest-mode", "current", "--from", "2024-11-25", "--to", "2024-11-26", "--source", "open-meteo", "--base-url", fake.baseUrl, "--locations", "Paris", "--lake", lake);
      // Assess
      expect(past.code).toBe(2);
      expect(past.err).toMatch(/--ingest-mode current collects the conditions of now \(\d{4}-\d{2}-\d{2}, UTC\), which --from 2024-11-25 --to 2024-11-26 does not include: use --incremental/);
      expect(result.code, result.err).toBe(0);
      expect(JSON.parse(result.out)).toMatchObject({ recordsDelivered: 2, failures: [] });
      expect(fake.requests.map((u) => [u.searchParams.get("current"), u.searchParams.get("start_date")])).toEqual([["temperature_2m", null]]);
    } finally {
      await fake.close();
    }
  });
});
