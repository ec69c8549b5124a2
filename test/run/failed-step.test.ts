import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FsObjectStore } from "../../packages/core/src/lake/fs-object-store";
import { arrivingNowKey, PROD_FINGERPRINT_SQL, prodSnapshot, queryRows, removeLake, runWeek, sluice, tempLake } from "../cli/sluice";

interface RunView {
  id: string;
  status: string;
  failure?: { step: string; message: string };
  steps: { name: string; status: string; detail?: Record<string, unknown> }[];
}

describe("a run whose step fails", () => {
  let lake: string;
  beforeEach(async () => {
    lake = await tempLake("failed");
  });
  afterEach(() => removeLake(lake));

  it("exits 1 naming the step when --skip-ingest finds no raw data, and records the run as failed", async () => {
    // Act
    const run = await runWeek(lake, "--skip-ingest");

    // Assess
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/FAILED/);
    expect(run.out).toMatch(/Failed at crawl: step crawl failed: no raw objects under s3:\/\/raw\/weather\/: ingest data first/);
    const [record] = JSON.parse((await sluice("runs", "--lake", lake, "--json")).out) as RunView[];
    expect(record).toMatchObject({ status: "failed", failure: { step: "crawl" } });
    expect(record!.steps.map((s) => s.status)).toEqual(["skipped", "failed", "skipped", "skipped", "skipped", "skipped"]);
    expect(await prodSnapshot(lake)).toEqual({});
  });

  it("quarantines an object with a string in a number column, naming it and the line; production stays and the next run publishes", async () => {
    // Prepare: a published week, then an object in the current arrival hour whose second line is bad
    expect((await runWeek(lake)).code).toBe(0);
    const before = await prodSnapshot(lake);
    const answer = await queryRows(lake, PROD_FINGERPRINT_SQL);
    const key = arrivingNowKey("Paris", "typed.gz");
    const good = { city: "Paris", latitude: 48.8566, longitude: 2.3522, measurement_time: "2024-11-24T00:00:00Z", temperature: 5, collection_time: new Date().toISOString(), source: "synthetic" };
    const bad = { ...good, temperature: "warm" };
    await new FsObjectStore(lake).put("raw", key, gzipSync(JSON.stringify(good) + "\n" + JSON.stringify(bad) + "\n"));

    // Act
    const run = await runWeek(lake, "--skip-ingest", "--json");

    // Assess: nothing else was new, so production is as it was; the object is named with its line
    expect(run.code, run.out + run.err).toBe(0);
    const record = JSON.parse(run.out) as RunView;
    const crawl = record.steps.find((s) => s.name === "crawl")!.detail!;
    expect(crawl).toMatchObject({
      drift: [{ kind: "type-change", column: "temperature", catalogType: "double", observedType: "string", seenIn: key }],
      quarantined: [{ key, reason: 'line 2: column temperature (double) holds "warm"' }],
      upToDate: true,
    });
    expect(await prodSnapshot(lake)).toEqual(before);
    expect(await queryRows(lake, PROD_FINGERPRINT_SQL)).toEqual(answer);
    const listed = await sluice("quarantine", "--lake", lake, "--json");
    expect(listed.code, listed.err).toBe(0);
    expect(JSON.parse(listed.out)).toMatchObject([{ runId: record.id, kind: "unreadable", objects: [{ key }] }]);

    // Act: the next run with good data
    const next = await runWeek(lake);

    // Assess: it publishes; the quarantined object is not read again
    expect(next.code, next.out + next.err).toBe(0);
    expect(await queryRows(lake, "SELECT count(*) AS n, max(collection_count) AS cc FROM weather_prod")).toEqual([{ n: 504, cc: 2 }]);
  });
});
