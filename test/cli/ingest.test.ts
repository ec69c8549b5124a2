import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeOpenMeteo } from "../sources/fake-open-meteo";
import { removeLake, sluice, tempLake } from "./sluice";

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
});
