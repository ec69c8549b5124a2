import { stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FsCatalog } from "../../packages/core/src/catalog/fs-catalog";
import { hashTree, queryRows, removeLake, sluice, tempLake } from "../cli/sluice";
import { deliver, syntheticRecords } from "./plant";

interface RunView {
  id: string;
  status: string;
  mode: string;
  modeReason?: string;
  steps: { name: string; status: string; detail?: Record<string, unknown> }[];
}

const CITIES = "Paris,London";

function run(lake: string, from: string, to: string, ...extra: string[]) {
  return sluice("run", "--source", "synthetic", "--from", from, "--to", to, "--locations", CITIES, "--lake", lake, "--json", ...extra);
}

async function runOk(lake: string, from: string, to: string, ...extra: string[]): Promise<RunView> {
  const result = await run(lake, from, to, ...extra);
  expect(result.code, result.out + result.err).toBe(0);
  return JSON.parse(result.out) as RunView;
}

/** Files (with hashes) under each partition location of the current production version. */
async function prodPartitions(lake: string): Promise<Record<string, Record<string, string>>> {
  const catalog = new FsCatalog(join(lake, "_catalog"));
  const view = await catalog.getTable("sluice", "weather_prod");
  const version = /FROM\s+"([a-z0-9_]+)"/.exec(view!.viewSql!)![1]!;
  const out: Record<string, Record<string, string>> = {};
  for (const p of await catalog.getPartitions("sluice", version)) {
    const path = p.location.replace(/^s3:\/\//, "");
    out[p.values.join("/")] = await hashTree(lake, join(lake, ...path.split("/").filter(Boolean)));
  }
  return out;
}

async function bytesUnder(lake: string, files: Record<string, string>): Promise<number> {
  let total = 0;
  for (const rel of Object.keys(files)) total += (await stat(join(lake, rel))).size;
  return total;
}

describe("incremental runs", () => {
  let lake: string;
  beforeAll(async () => {
    lake = await tempLake("incremental");
    // Two months of history: October 2024 and the first days of November.
    await runOk(lake, "2024-10-01", "2024-11-03");
  });
  afterAll(() => removeLake(lake));

  it("re-collecting a past day with other values replaces them (latest wins), keeps the row count, and leaves the untouched month byte for byte", async () => {
    // Prepare
    const before = await prodPartitions(lake);
    const [{ n: rowsBefore }] = (await queryRows(lake, "SELECT count(*) AS n FROM weather_prod")) as [{ n: number }];
    const oldDay = await queryRows(lake, "SELECT city, measurement_time, temperature FROM weather_prod WHERE measurement_time >= TIMESTAMP '2024-10-31 00:00:00' AND measurement_time < TIMESTAMP '2024-11-01 00:00:00' ORDER BY 1, 2");

    // Act: the same day again from the synthetic source with another seed
    const record = await runOk(lake, "2024-10-31", "2024-10-31", "--seed", "7");

    // Assess: only October was rewritten; November's partition is the very same files
    expect(record.mode).toBe("incremental");
    expect(record.steps.find((s) => s.name === "ctas")!.detail).toMatchObject({ partitionsWritten: ["2024-10"], rawObjectsRead: 2 });
    expect(record.steps.find((s) => s.name === "publish")!.detail).toMatchObject({ partitionsWritten: 1, partitionsReused: 1, objectsCopied: 0 });
    const after = await prodPartitions(lake);
    expect(after["2024-11"]).toEqual(before["2024-11"]);
    expect(after["2024-10"]).not.toEqual(before["2024-10"]);
    expect(await queryRows(lake, "SELECT count(*) AS n FROM weather_prod")).toEqual([{ n: rowsBefore }]);
    const newDay = await queryRows(lake, "SELECT city, measurement_time, temperature FROM weather_prod WHERE measurement_time >= TIMESTAMP '2024-10-31 00:00:00' AND measurement_time < TIMESTAMP '2024-11-01 00:00:00' ORDER BY 1, 2");
    expect(newDay).toHaveLength(48);
    expect(newDay).not.toEqual(oldDay);
    // The merge and the clean view over all raw agree (both keep the latest collection).
    const differ = await queryRows(
      lake,
      `SELECT count(*) AS n FROM (
         (SELECT city, measurement_time, temperature, collection_count FROM weather_prod EXCEPT SELECT city, measurement_time, temperature, collection_count FROM clean_weather)
         UNION ALL
         (SELECT city, measurement_time, temperature, collection_count FROM clean_weather EXCEPT SELECT city, measurement_time, temperature, collection_count FROM weather_prod))`,
    );
    expect(differ).toEqual([{ n: 0 }]);
    expect(await queryRows(lake, "SELECT max(collection_count) AS cc FROM weather_prod WHERE measurement_time < TIMESTAMP '2024-10-31 00:00:00'")).toEqual([{ cc: 1 }]);
    expect(await queryRows(lake, "SELECT min(collection_count) AS cc FROM weather_prod WHERE date(measurement_time) = DATE '2024-10-31'")).toEqual([{ cc: 2 }]);
  });

  it("keeps 3 versions in about the storage of one when each run touches one month", async () => {
    // Prepare: one more re-collection, so three versions are kept
    await runOk(lake, "2024-10-30", "2024-10-30", "--seed", "8");

    // Act
    const tables = JSON.parse((await sluice("tables", "--lake", lake, "--json")).out) as { name: string }[];
    const all = await hashTree(lake, join(lake, "prod"));
    const current = Object.assign({}, ...Object.values(await prodPartitions(lake))) as Record<string, string>;

    // Assess
    expect(tables.map((t) => t.name).filter((n) => /^weather_prod_v\d{4}$/.test(n))).toHaveLength(3);
    const ratio = (await bytesUnder(lake, all)) / (await bytesUnder(lake, current));
    expect(ratio).toBeGreaterThan(1);
    // Two extra copies of October against October + November: the history here is short, so the
    // bound is looser than the 1.2× a year of months gives; the copies are of one month only.
    expect(ratio).toBeLessThan(2.5);
    const octoberCopies = Object.keys(all).filter((k) => k.includes("yr_mo_partition=2024-10/")).length;
    const novemberCopies = Object.keys(all).filter((k) => k.includes("yr_mo_partition=2024-11/")).length;
    expect(novemberCopies).toBe(1);
    expect(octoberCopies).toBe(3);
  });

  it("with no new raw objects publishes nothing and says production is up to date", async () => {
    // Act
    const result = await sluice("run", "--skip-ingest", "--from", "2024-10-30", "--to", "2024-10-30", "--locations", CITIES, "--lake", lake);

    // Assess
    expect(result.code, result.out + result.err).toBe(0);
    expect(result.out).toMatch(/No new raw objects to publish: production is still weather_prod_v\d{4}\./);
  });

  it("--full-refresh rebuilds from all raw, says so in the record, and gives the same answer", async () => {
    // Prepare
    const answer = await queryRows(lake, "SELECT count(*) AS n, round(sum(temperature), 3) AS t, sum(collection_count) AS c FROM weather_prod");

    // Act
    const record = await runOk(lake, "2024-10-01", "2024-11-03", "--skip-ingest", "--full-refresh");

    // Assess
    expect(record.mode).toBe("full");
    expect(record.steps.find((s) => s.name === "ctas")!.detail).toMatchObject({ partitionsWritten: ["2024-10", "2024-11"], mergedFrom: null });
    expect(await queryRows(lake, "SELECT count(*) AS n, round(sum(temperature), 3) AS t, sum(collection_count) AS c FROM weather_prod")).toEqual(answer);
  });

  it("after a rollback, the next run rebuilds from all raw (nothing the rolled-back version lacks is lost)", async () => {
    // Prepare
    const back = await sluice("rollback", "--lake", lake);
    expect(back.code, back.err).toBe(0);

    // Act
    const record = await runOk(lake, "2024-11-03", "2024-11-03");

    // Assess
    expect(record.mode).toBe("full");
    expect(record.modeReason).toMatch(/rollback/);
    expect(await queryRows(lake, "SELECT min(collection_count) AS cc FROM weather_prod WHERE date(measurement_time) = DATE '2024-10-31'")).toEqual([{ cc: 2 }]);
  });
});

describe("a batch that fails a blocking rule", () => {
  let lake: string;
  beforeAll(async () => {
    lake = await tempLake("quarantine");
    await runOk(lake, "2024-11-24", "2024-11-26");
  });
  afterAll(() => removeLake(lake));

  it("exits 3 and is quarantined; the next run with good data publishes; production never holds the quarantined rows; release makes it read again", async () => {
    // Prepare: a readable object whose temperature is outside any physical range
    const [template] = syntheticRecords("Paris", "2024-11-26", 1);
    expect(await deliver(lake, [{ ...template!, measurement_time: "2024-11-26T05:00:00Z", temperature: 999, collection_time: new Date().toISOString() }])).toBe(1);

    // Act
    const failed = await run(lake, "2024-11-26", "2024-11-26", "--skip-ingest");

    // Assess
    expect(failed.code, failed.out + failed.err).toBe(3);
    const failedRun = JSON.parse(failed.out) as RunView & { status: string };
    expect(failedRun.status).toBe("dq_failed");
    const listed = JSON.parse((await sluice("quarantine", "--lake", lake, "--json")).out) as { runId: string; kind: string; objects: { key: string; reason: string }[] }[];
    expect(listed).toMatchObject([{ runId: failedRun.id, kind: "dq" }]);
    expect(listed[0]!.objects).toHaveLength(1);
    expect(listed[0]!.objects[0]!.reason).toContain('ColumnValues "temperature" between -90 and 60');
    const table = await sluice("quarantine", "--lake", lake);
    expect(table.out).toContain(failedRun.id);

    // Act: good data for another day
    const next = await runOk(lake, "2024-11-27", "2024-11-27");

    // Assess
    expect(next.status).toBe("succeeded");
    expect(JSON.parse((await sluice("quarantine", "--lake", lake, "--json")).out)).toMatchObject([{ runId: failedRun.id }]);
    expect(await queryRows(lake, "SELECT count(*) AS n FROM weather_prod WHERE temperature > 60")).toEqual([{ n: 0 }]);
    expect(await queryRows(lake, "SELECT count(*) AS n FROM weather_prod")).toEqual([{ n: 4 * 48 }]);

    // Act: release the batch; the next run reads it again (the rule still fails it)
    const released = await sluice("quarantine", "release", failedRun.id, "--lake", lake);
    const again = await run(lake, "2024-11-26", "2024-11-26", "--skip-ingest");
    const twice = await sluice("quarantine", "release", failedRun.id, "--lake", lake);

    // Assess
    expect(released.code, released.err).toBe(0);
    expect(released.out).toContain(`released 1 object(s) quarantined by ${failedRun.id}`);
    expect(again.code, again.out).toBe(3);
    expect(twice.code).toBe(2);
    expect(twice.err).toContain(`run ${failedRun.id} has no quarantined objects of weather to release`);
    expect(await queryRows(lake, "SELECT count(*) AS n FROM weather_prod WHERE temperature > 60")).toEqual([{ n: 0 }]);
  });
});
