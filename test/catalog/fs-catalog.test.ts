import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CatalogPartition } from "../../packages/core/src/catalog/catalog";
import { FsCatalog } from "../../packages/core/src/catalog/fs-catalog";
import { rawTable } from "../contract/catalog.contract";

const hour = (h: number): CatalogPartition => ({ values: ["Paris", "2024", String(h).padStart(2, "0")], location: `s3://raw/weather/location=Paris/year=2024/hour=${String(h).padStart(2, "0")}/` });

describe("FsCatalog partition files (NDJSON, appended)", () => {
  let root: string;
  let catalog: FsCatalog;
  const ndjson = () => join(root, "sluice", "raw_weather.partitions.ndjson");
  const legacy = () => join(root, "sluice", "raw_weather.partitions.json");
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "sluice-fs-catalog-"));
    catalog = new FsCatalog(root);
    await catalog.putTable({ ...rawTable, partitionKeys: ["location", "year", "hour"] });
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it("appends only new partitions as lines, leaving the bytes already written as they were", async () => {
    // Prepare
    await catalog.addPartitions("sluice", "raw_weather", [hour(0), hour(1)]);
    const before = await readFile(ndjson(), "utf8");
    // Act
    const added = await catalog.addPartitions("sluice", "raw_weather", [hour(1), hour(2), hour(2)]);
    // Assess
    const after = await readFile(ndjson(), "utf8");
    expect(added).toBe(1);
    expect(after.startsWith(before)).toBe(true);
    expect(after.slice(before.length)).toBe(JSON.stringify(hour(2)) + "\n");
    expect(await catalog.getPartitions("sluice", "raw_weather")).toEqual([hour(0), hour(1), hour(2)]);
  });

  it("ignores a torn last line (a crash during an append) and heals it on the next add", async () => {
    // Prepare: two complete lines, then half of a third
    await catalog.addPartitions("sluice", "raw_weather", [hour(0), hour(1)]);
    await appendFile(ndjson(), JSON.stringify(hour(2)).slice(0, 25));
    // Act
    const read = await catalog.getPartitions("sluice", "raw_weather");
    const added = await catalog.addPartitions("sluice", "raw_weather", [hour(2), hour(3)]);
    // Assess
    expect(read).toEqual([hour(0), hour(1)]);
    expect(added).toBe(2);
    expect(await readFile(ndjson(), "utf8")).toBe([hour(0), hour(1), hour(2), hour(3)].map((p) => JSON.stringify(p) + "\n").join(""));
  });

  it("refuses a damaged line that is not the last, naming the file and line", async () => {
    // Prepare
    await writeFile(ndjson(), `${JSON.stringify(hour(0))}\n{"values":\n${JSON.stringify(hour(1))}\n`);
    // Act
    const error = await catalog.getPartitions("sluice", "raw_weather").catch((e: unknown) => e);
    // Assess
    expect((error as Error).message).toContain("raw_weather.partitions.ndjson:2 is not a partition");
  });

  it("reads a legacy partitions.json array and migrates it to NDJSON on the next write", async () => {
    // Prepare: the layout lakes had before (a pretty-printed JSON array)
    await writeFile(legacy(), JSON.stringify([hour(0), hour(1)], null, 2));
    // Act
    const read = await catalog.getPartitions("sluice", "raw_weather");
    const added = await catalog.addPartitions("sluice", "raw_weather", [hour(1), hour(2)]);
    // Assess
    expect(read).toEqual([hour(0), hour(1)]);
    expect(added).toBe(1);
    expect((await readdir(join(root, "sluice"))).sort()).toEqual(["raw_weather.partitions.ndjson", "raw_weather.table.json"]);
    expect(await catalog.getPartitions("sluice", "raw_weather")).toEqual([hour(0), hour(1), hour(2)]);
  });

  it("replaces the list atomically (no temp file left, the legacy file retired) and deleteTable removes both files", async () => {
    // Prepare
    await writeFile(legacy(), JSON.stringify([hour(0)]));
    // Act
    await catalog.replacePartitions("sluice", "raw_weather", [hour(5)]);
    const files = (await readdir(join(root, "sluice"))).sort();
    const replaced = await catalog.getPartitions("sluice", "raw_weather");
    await writeFile(legacy(), JSON.stringify([hour(0)]));
    const deleted = await catalog.deleteTable("sluice", "raw_weather");
    // Assess
    expect(files).toEqual(["raw_weather.partitions.ndjson", "raw_weather.table.json"]);
    expect(replaced).toEqual([hour(5)]);
    expect(deleted).toBe(true);
    expect(await readdir(join(root, "sluice"))).toEqual([]);
  });
});
