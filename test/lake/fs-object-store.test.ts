import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FsObjectStore } from "../../packages/core/src/lake/fs-object-store";

describe("FsObjectStore listing after a key (the pruned walk)", () => {
  let root: string;
  let store: FsObjectStore;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "sluice-fs-store-"));
    store = new FsObjectStore(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  /** One object an hour for `days` days from 2024-01-01, in the raw table's folder layout. */
  function hourlyKeys(days: number): string[] {
    const keys: string[] = [];
    for (let h = 0; h < days * 24; h++) {
      const t = new Date(Date.UTC(2024, 0, 1) + h * 3_600_000).toISOString();
      keys.push(`weather/location=Paris/year=${t.slice(0, 4)}/month=${t.slice(5, 7)}/day=${t.slice(8, 10)}/hour=${t.slice(11, 13)}/w-${t}.gz`);
    }
    return keys;
  }

  it("reads only the folders on the path to keys after startAfter, not every hour of history", async () => {
    // Prepare: 60 days of hourly objects (1,440 hour folders)
    const keys = hourlyKeys(60);
    for (const key of keys) store.putSync("raw", key, "x");
    const full = store.foldersRead;
    await store.list("raw", "weather/location=Paris/");
    const fullWalk = store.foldersRead - full;
    // Act: everything after the second-to-last hour
    const before = store.foldersRead;
    const listed = await store.list("raw", "weather/location=Paris/", { startAfter: keys.at(-2)! });
    const pruned = store.foldersRead - before;
    // Assess: the newest object only, by reading location/year/month/day plus two hour folders
    expect(listed.map((o) => o.key)).toEqual([keys.at(-1)]);
    expect(fullWalk).toBeGreaterThan(1440);
    expect(pruned).toBeLessThanOrEqual(6);
  });

  it("lists sub-folders by reading one folder and one path down each (not their whole trees)", async () => {
    // Prepare
    for (const key of hourlyKeys(10)) {
      store.putSync("raw", key, "x");
      store.putSync("raw", key.replace("Paris", "Berlin"), "x");
    }
    // Act
    const before = store.foldersRead;
    const prefixes = await store.listPrefixes("raw", "weather/");
    // Assess: weather/ and, per location, location → year → month → day → hour (first object found)
    expect(prefixes).toEqual(["weather/location=Berlin/", "weather/location=Paris/"]);
    expect(store.foldersRead - before).toBe(1 + 2 * 5);
  });

  it("deletePrefix leaves no empty folder behind, so later listings do not walk deleted history", async () => {
    // Prepare: a staging area of 10 days of hourly objects, a sibling prefix, and a version folder pair
    for (const key of hourlyKeys(10)) store.putSync("processed", `stage/${key}`, "x");
    store.putSync("processed", "stage2/keep.json", "x");
    store.putSync("prod", "weather/v0001/part-0.parquet", "x");
    store.putSync("prod", "weather/v0001/month=2024-01/part-1.parquet", "x");
    store.putSync("prod", "weather/v0002/part-0.parquet", "x");

    // Act
    const deleted = await store.deletePrefix("processed", "stage/");
    const versions = await store.deletePrefix("prod", "weather/v0001");
    const before = store.foldersRead;
    const left = await store.list("processed", "stage/");
    const walked = store.foldersRead - before;

    // Assess
    expect([deleted, versions]).toEqual([240, 2]);
    expect(left).toEqual([]);
    expect(walked).toBeLessThanOrEqual(1);
    expect(existsSync(join(root, "processed", "stage"))).toBe(false);
    expect(existsSync(join(root, "prod", "weather", "v0001"))).toBe(false);
    expect((await store.list("processed", "")).map((o) => o.key)).toEqual(["stage2/keep.json"]);
    expect((await store.list("prod", "weather/")).map((o) => o.key)).toEqual(["weather/v0002/part-0.parquet"]);
  });

  it("deletePrefix also prunes empty folders an older lake left under the prefix", async () => {
    // Prepare: folders without objects (what deletes before this version left)
    await mkdir(join(root, "processed", "stage", "weather", "location=Paris", "year=2024", "month=01"), { recursive: true });
    store.putSync("processed", "stage/weather/location=Oslo/x.json", "x");

    // Act
    const deleted = await store.deletePrefix("processed", "stage/weather/");

    // Assess
    expect(deleted).toBe(1);
    expect(existsSync(join(root, "processed", "stage", "weather"))).toBe(false);
  });
});
