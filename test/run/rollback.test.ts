import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashTree, queryRows, removeLake, runWeek, sluice, tempLake } from "../cli/sluice";

/** Each run of the same week collects every reading once more, so `collection_count` tells versions apart. */
async function prodCollections(lake: string): Promise<number> {
  const [row] = await queryRows(lake, "SELECT count(*) AS n, min(collection_count) AS lo, max(collection_count) AS hi FROM weather_prod");
  expect(row!.n).toBe(504);
  expect(row!.lo).toBe(row!.hi);
  return row!.hi as number;
}

async function versionTables(lake: string): Promise<string[]> {
  const tables = JSON.parse((await sluice("tables", "--lake", lake, "--json")).out) as { name: string }[];
  return tables.map((t) => t.name).filter((n) => /^weather_prod_v\d{4}$/.test(n));
}

/**
 * Run folders under `prod/weather_prod/data/` that still hold objects (the twin, like S3, may leave
 * empty "folders" behind): each run here touches the one month, so each kept version has its own.
 */
async function runDirs(lake: string): Promise<number> {
  const files = Object.keys(await hashTree(lake, join(lake, "prod", "weather_prod")));
  expect(files.every((f) => f.startsWith("prod/weather_prod/data/r"))).toBe(true);
  return new Set(files.map((f) => f.split("/")[3]!)).size;
}

describe("production versions: keepVersions and sluice rollback", () => {
  let lake: string;
  beforeAll(async () => {
    lake = await tempLake("rollback");
    for (let i = 1; i <= 4; i++) {
      const run = await runWeek(lake);
      if (run.code !== 0) throw new Error(`setup run ${i} failed: ${run.out}${run.err}`);
    }
  });
  afterAll(() => removeLake(lake));

  it("keeps only the newest 3 versions after 4 runs, catalog and data alike", async () => {
    // Act / Assess
    expect(await versionTables(lake)).toEqual(["weather_prod_v0002", "weather_prod_v0003", "weather_prod_v0004"]);
    expect(await runDirs(lake)).toBe(3);
    expect(await prodCollections(lake)).toBe(4);
  });

  it("switches production to the previous version, then to a named one, and the answers follow", async () => {
    // Act
    const back = await sluice("rollback", "--lake", lake);

    // Assess
    expect(back.code, back.err).toBe(0);
    expect(back.out).toBe("production now reads weather_prod_v0003 (was weather_prod_v0004)\n");
    expect(await prodCollections(lake)).toBe(3);

    // Act
    const named = await sluice("rollback", "--lake", lake, "--to", "weather_prod_v0002");

    // Assess
    expect(named.code, named.err).toBe(0);
    expect(await prodCollections(lake)).toBe(2);
    const view = JSON.parse((await sluice("tables", "--lake", lake, "--json")).out).find((t: { name: string }) => t.name === "weather_prod");
    expect(view.viewSql).toBe('SELECT * FROM "weather_prod_v0002"');
  });

  it("refuses --to a version that is not kept (pruned or unknown) as a usage error and changes nothing", async () => {
    // Prepare
    const before = await queryRows(lake, "SELECT max(collection_count) AS cc FROM weather_prod");

    // Act
    const pruned = await sluice("rollback", "--lake", lake, "--to", "weather_prod_v0001");
    const unknown = await sluice("rollback", "--lake", lake, "--to", "no_such_version");

    // Assess
    expect(pruned.code).toBe(2);
    expect(pruned.err).toContain("version weather_prod_v0001 is not a kept version that was production; rollback targets: weather_prod_v0002, weather_prod_v0003, weather_prod_v0004");
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("no_such_version");
    expect(await queryRows(lake, "SELECT max(collection_count) AS cc FROM weather_prod")).toEqual(before);
  });

  it("publishes the next run as a new version after a rollback and prunes the oldest", async () => {
    // Act
    const run = await runWeek(lake);

    // Assess
    expect(run.code, run.out + run.err).toBe(0);
    expect(run.out).toMatch(/Published weather_prod_v0005\./);
    expect(await prodCollections(lake)).toBe(5);
    expect(await versionTables(lake)).toEqual(["weather_prod_v0003", "weather_prod_v0004", "weather_prod_v0005"]);
    expect(await runDirs(lake)).toBe(3);
  });
});
