import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { documentedResponse, FakeOpenMeteo } from "../sources/fake-open-meteo";
import { removeLake, sluice, tempLake } from "./sluice";

const HOUR = 3_600_000;

describe("sluice ingest --incremental (the producer's scheduled ingest on the twin)", () => {
  let lake: string;
  beforeEach(async () => {
    lake = await tempLake("ingest-incremental");
  });
  afterEach(async () => {
    await removeLake(lake);
  });

  it("starts from yesterday, keeps a cursor per subject in the lake, and the next ingest asks from the cursor less the overlap", async () => {
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

  it("prints the windows and the cursors in the human summary", async () => {
    // Act
    const result = await sluice("ingest", "--incremental", "--source", "synthetic", "--locations", "Paris", "--lake", lake);
    // Assess
    expect(result.code, result.err).toBe(0);
    expect(result.out).toMatch(/incremental {8}mode hourly, overlap 3 h\n {4}asked \d{4}-\d{2}-\d{2}T00:00:00Z → .*: Paris\n {4}cursors now at {5}Paris \d{4}-/);
  });

  it("refuses --incremental with --from/--to, and a mode the source cannot collect, as usage errors", async () => {
    // Act
    const both = await sluice("ingest", "--incremental", "--from", "2024-11-24", "--source", "synthetic", "--lake", lake);
    const mode = await sluice("ingest", "--incremental", "--mode", "current", "--source", "synthetic", "--lake", lake);
    const unknown = await sluice("ingest", "--incremental", "--mode", "daily", "--source", "synthetic", "--lake", lake);
    // Assess
    expect([both.code, mode.code, unknown.code]).toEqual([2, 2, 2]);
    expect(both.err).toMatch(/--incremental takes its range from the cursors: give it without --from\/--to/);
    expect(mode.err).toMatch(/source synthetic of dataset weather cannot collect mode "current"; its modes: hourly/);
    expect(unknown.err).toMatch(/--mode.*daily.*hourly, current, minutely_15/);
  });

  it("--mode current collects one reading per city from Open-Meteo's current block", async () => {
    // Prepare
    const fake = await FakeOpenMeteo.start((url) => ({ body: documentedResponse(url, { current: { time: "2024-11-25T10:15", interval: 900 } }) }));
    try {
      // Act
      const result = await sluice("ingest", "--mode", "current", "--from", "2024-11-25", "--to", "2024-11-25", "--source", "open-meteo", "--base-url", fake.baseUrl, "--locations", "Paris,Berlin", "--lake", lake, "--json");
      // Assess
      expect(result.code, result.err).toBe(0);
      expect(JSON.parse(result.out)).toMatchObject({ recordsDelivered: 2, failures: [] });
      expect(fake.requests.map((u) => [u.searchParams.get("current"), u.searchParams.get("start_date")])).toEqual([["temperature_2m", null]]);
    } finally {
      await fake.close();
    }
  });
});
