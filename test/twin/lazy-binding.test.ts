import { readdir, utimes } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../packages/core/src/log/logger";
import { pipeline } from "../../packages/core/src/pipeline/pipeline";
import { QueryError } from "../../packages/core/src/query/query-engine";
import { LocalRuntime } from "../../packages/core/src/runtime/local";
import type { DuckDbQueryEngine } from "../../packages/core/src/twin/duckdb-query-engine";
import type { TwinWarehouse } from "../../packages/core/src/twin/twin-warehouse";
import { removeLake, runWeek, tempLake } from "../cli/sluice";

const DB = pipeline.glueDatabase;

/** Sets every folder's mtime to `secondsAgo` in the past: a lake whose folders are not being written. */
async function age(dir: string, secondsAgo: number): Promise<void> {
  const when = new Date(Date.now() - secondsAgo * 1000);
  for (const entry of await readdir(dir, { withFileTypes: true })) if (entry.isDirectory()) await age(join(dir, entry.name), secondsAgo);
  await utimes(dir, when, when);
}

describe("the twin binds only what a statement reads, and caches table file lists", () => {
  let lake: string;
  let runtime: LocalRuntime;
  let engine: DuckDbQueryEngine;
  let warehouse: TwinWarehouse;

  beforeAll(async () => {
    lake = await tempLake("lazy-bind");
    const run = await runWeek(lake);
    if (run.code !== 0) throw new Error(`setup run failed: ${run.out}${run.err}`);
    // One connection, so that every statement below sees the same bound views.
    runtime = new LocalRuntime({ lake, pipeline, logger: silentLogger, connections: 1 });
    engine = await runtime.queryEngine();
    warehouse = await runtime.warehouse();
  });
  afterAll(async () => {
    await runtime.close();
    await removeLake(lake);
  });

  const boundViews = async () => (await engine.query("SELECT view_name FROM duckdb_views() WHERE temporary AND NOT internal ORDER BY view_name")).rows.map((r) => r.view_name);
  const count = async (sql: string) => Number((await warehouse.query(sql)).rows[0]!.n);

  it("lists no table's files for a statement that names none, and binds only the names (and views' names) a query reads", async () => {
    // Act
    const before = runtime.store.foldersRead;
    await warehouse.query("SELECT 1 AS one");
    const foldersForSelectOne = runtime.store.foldersRead - before;
    const viewsAfterSelectOne = await boundViews();
    await warehouse.query("SELECT count(*) AS n FROM weather_prod");
    const viewsAfterProd = await boundViews();
    // Assess: weather_prod is a view over the current version table, and nothing else is bound
    const version = (await runtime.catalog.listTables(DB)).find((t) => /^weather_prod_v\d+$/.test(t.name))!.name;
    expect(foldersForSelectOne).toBe(0);
    expect(viewsAfterSelectOne).toEqual([]);
    expect(viewsAfterProd).toEqual(["weather_prod", version]);
  });

  it("reuses a cached file list while no folder changed, and sees a new object in an existing raw partition", async () => {
    // Prepare: folders untouched for an hour, the raw table read once
    await age(lake, 3600);
    const before = await count("SELECT count(*) AS n FROM raw_weather");
    const folders = runtime.store.foldersRead;
    const again = await count("SELECT count(*) AS n FROM raw_weather");
    const foldersForCachedQuery = runtime.store.foldersRead - folders;
    // Act: Firehose delivers a new object into an hour folder that already has one
    const [existing] = await runtime.store.list(pipeline.buckets.raw, "weather/location=Paris/");
    const body = await runtime.store.get(pipeline.buckets.raw, existing!.key);
    await runtime.store.put(pipeline.buckets.raw, existing!.key.replace(/[^/]+$/, "weather-1-late-delivery.gz"), body);
    await age(lake, 1800); // an old mtime again, but a different one: only the change tells
    const after = await count("SELECT count(*) AS n FROM raw_weather");
    // Assess
    expect(again).toBe(before);
    expect(foldersForCachedQuery).toBe(0);
    expect(after).toBe(before + gunzipSync(body).toString("utf8").trim().split("\n").length);
  });

  it("sees a newly registered Parquet partition and the rows an INSERT INTO adds to an existing one", async () => {
    // Prepare
    await warehouse.execute(
      `CREATE TABLE t_parts WITH (format = 'PARQUET', external_location = 's3://processed/t_parts/', partitioned_by = ARRAY['city']) AS SELECT temperature, city FROM clean_weather WHERE city = 'Paris'`,
    );
    expect(await count("SELECT count(*) AS n FROM t_parts")).toBe(168);
    await age(lake, 3600);
    expect(await count("SELECT count(*) AS n FROM t_parts")).toBe(168);
    // Act: a partition registered by hand (as a crawler would), then an INSERT INTO the Paris partition
    const [file] = await runtime.store.list("processed", "t_parts/city=Paris/");
    await runtime.store.copy("processed", file!.key, "processed", "t_parts/city=Rome/part-0.parquet");
    await runtime.catalog.addPartitions(DB, "t_parts", [{ values: ["Rome"], location: "s3://processed/t_parts/city=Rome/" }]);
    const withRome = (await warehouse.query("SELECT city, count(*) AS n FROM t_parts GROUP BY city ORDER BY city")).rows;
    await warehouse.execute("INSERT INTO t_parts SELECT temperature, city FROM clean_weather WHERE city = 'Paris'");
    const afterInsert = (await warehouse.query("SELECT city, count(*) AS n FROM t_parts GROUP BY city ORDER BY city")).rows;
    // Assess
    expect(withRome).toEqual([
      { city: "Paris", n: 168 },
      { city: "Rome", n: 168 },
    ]);
    expect(afterInsert).toEqual([
      { city: "Paris", n: 336 },
      { city: "Rome", n: 168 },
    ]);
  });

  it("recreates a view, and a view over it, only when a name they read was rebound since", async () => {
    // Prepare: t_kind.x is a bigint, read through two views
    await warehouse.execute(`CREATE TABLE t_kind WITH (format = 'PARQUET', external_location = 's3://processed/t_kind/1/') AS SELECT 1 AS x`);
    await warehouse.execute("CREATE VIEW v_kind AS SELECT x FROM t_kind");
    await warehouse.execute("CREATE VIEW v_kind_over AS SELECT x FROM v_kind");
    // CREATE OR REPLACE gives a view a new oid: that is how a re-creation shows
    const oids = async () =>
      (await engine.query("SELECT view_name, view_oid FROM duckdb_views() WHERE view_name IN ('v_kind', 'v_kind_over') ORDER BY view_name")).rows.map((r) => r.view_oid);
    expect((await warehouse.query("SELECT x FROM v_kind_over")).rows).toEqual([{ x: 1 }]);
    const first = await oids();
    await warehouse.query("SELECT x FROM v_kind_over");
    const unchanged = await oids();
    // Act: the table is replaced by one whose x is a string, then read through the outer view only
    await warehouse.execute("DROP TABLE t_kind");
    await warehouse.execute(`CREATE TABLE t_kind WITH (format = 'PARQUET', external_location = 's3://processed/t_kind/2/') AS SELECT 'two' AS x`);
    const rows = (await warehouse.query("SELECT x FROM v_kind_over")).rows;
    const rebound = await oids();
    // Assess (DuckDB 1.5 no longer refuses a view whose types changed; older versions and others do)
    expect(rows).toEqual([{ x: "two" }]);
    expect(unchanged).toEqual(first);
    expect(rebound[0]).not.toEqual(first[0]);
    expect(rebound[1]).not.toEqual(first[1]);
  });

  it("unbinds a name dropped from the catalog: a query then fails with TABLE_NOT_FOUND, not old data", async () => {
    // Prepare
    await warehouse.execute(`CREATE TABLE t_drop WITH (format = 'PARQUET', external_location = 's3://processed/t_drop/') AS SELECT 1 AS x`);
    expect(await count("SELECT count(*) AS n FROM t_drop")).toBe(1);
    // Act
    await warehouse.execute("DROP TABLE t_drop");
    const error = await warehouse.query("SELECT count(*) AS n FROM t_drop").catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(QueryError);
    expect((error as Error).message).toMatch(/^TABLE_NOT_FOUND: Table 'awsdatacatalog\.sluice\.t_drop' does not exist/);
    expect(await boundViews()).not.toContain("t_drop");
  });
});
