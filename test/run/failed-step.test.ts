import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FsObjectStore } from "../../packages/core/src/lake/fs-object-store";
import { PROD_FINGERPRINT_SQL, prodSnapshot, queryRows, removeLake, runWeek, sluice, tempLake } from "../cli/sluice";

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
    expect(run.out).toMatch(/Failed at crawl: step crawl failed: no raw partitions under s3:\/\/raw\/weather\/: ingest data first/);
    const [record] = JSON.parse((await sluice("runs", "--lake", lake, "--json")).out) as RunView[];
    expect(record).toMatchObject({ status: "failed", failure: { step: "crawl" } });
    expect(record!.steps.map((s) => s.status)).toEqual(["skipped", "failed", "skipped", "skipped", "skipped", "skipped"]);
    expect(await prodSnapshot(lake)).toEqual({});
  });

  it("reports a string in a number column as drift, fails at ctas naming the object (as Athena's JSON SerDe would), and keeps production", async () => {
    // Prepare
    expect((await runWeek(lake)).code).toBe(0);
    const before = await prodSnapshot(lake);
    const answer = await queryRows(lake, PROD_FINGERPRINT_SQL);
    const key = "weather/location=Paris/year=2026/month=01/day=01/hour=00/typed.gz";
    const bad = { city: "Paris", latitude: 48.8566, longitude: 2.3522, measurement_time: "2024-11-24T00:00:00Z", temperature: "warm", collection_time: "2026-11-23T23:59:59.000Z", source: "synthetic" };
    await new FsObjectStore(lake).put("raw", key, gzipSync(JSON.stringify(bad) + "\n"));

    // Act
    const run = await runWeek(lake, "--skip-ingest", "--json");

    // Assess
    expect(run.code).toBe(1);
    const record = JSON.parse(run.out) as RunView;
    expect(record).toMatchObject({ status: "failed", failure: { step: "ctas" } });
    expect(record.failure!.message).toContain(key);
    expect(record.steps.find((s) => s.name === "crawl")!.detail).toMatchObject({
      drift: [{ kind: "type-change", column: "temperature", catalogType: "double", observedType: "string", seenIn: key }],
    });
    expect(await prodSnapshot(lake)).toEqual(before);
    expect(await queryRows(lake, PROD_FINGERPRINT_SQL)).toEqual(answer);
  });
});
