import { copyFile, mkdir, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../packages/core/src/log/logger";
import { pipeline } from "../../packages/core/src/pipeline/pipeline";
import { QueryError } from "../../packages/core/src/query/query-engine";
import { LocalRuntime } from "../../packages/core/src/runtime/local";
import type { TwinWarehouse } from "../../packages/core/src/twin/twin-warehouse";
import { removeLake, runWeek, tempLake } from "../cli/sluice";

// Athena semantics the twin keeps (https://docs.aws.amazon.com/athena/latest/ug/considerations-ctas.html):
// external_location must be empty, partition columns come last, at most 100 partitions per CTAS or
// INSERT INTO (https://docs.aws.amazon.com/athena/latest/ug/ctas-insert-into.html), and DROP TABLE
// leaves an external table's data intact (https://docs.aws.amazon.com/athena/latest/ug/drop-table.html).

const DB = pipeline.glueDatabase;
/** One partition per measured hour: 7 days × 24 = 168 partitions, more than Athena's 100. */
const HOUR_PARTITION = "date_format(measurement_time, '%Y%m%d%H')";

describe("TwinWarehouse: Athena statement semantics on the local twin", () => {
  let lake: string;
  let runtime: LocalRuntime;
  let warehouse: TwinWarehouse;

  beforeAll(async () => {
    lake = await tempLake("twin");
    const run = await runWeek(lake);
    if (run.code !== 0) throw new Error(`setup run failed: ${run.out}${run.err}`);
    runtime = new LocalRuntime({ lake, pipeline, logger: silentLogger });
    warehouse = await runtime.warehouse();
  });
  afterAll(async () => {
    await runtime.close();
    await removeLake(lake);
  });

  async function failure(sql: string): Promise<QueryError> {
    const error = await warehouse.execute(sql).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(QueryError);
    return error as QueryError;
  }

  async function objectsUnder(bucket: string, prefix: string): Promise<string[]> {
    return (await runtime.store.list(bucket, prefix)).map((o) => o.key);
  }

  it("refuses a CTAS into a non-empty external_location with HIVE_PATH_ALREADY_EXISTS and registers nothing", async () => {
    // Prepare
    await runtime.store.put("processed", "occupied/someone-elses.parquet", "x");

    // Act
    const error = await failure(
      `CREATE TABLE t_occupied WITH (format = 'PARQUET', external_location = 's3://processed/occupied/') AS SELECT city, temperature FROM clean_weather`,
    );

    // Assess
    expect(error.message).toMatch(/^HIVE_PATH_ALREADY_EXISTS: Target directory for table 'sluice\.t_occupied' already exists: s3:\/\/processed\/occupied\//);
    expect(await runtime.catalog.getTable(DB, "t_occupied")).toBeUndefined();
    expect(await objectsUnder("processed", "occupied/")).toEqual(["occupied/someone-elses.parquet"]);
  });

  it("refuses a CTAS whose partition columns are not last, writing nothing", async () => {
    // Act
    const error = await failure(
      `CREATE TABLE t_order WITH (format = 'PARQUET', external_location = 's3://processed/t_order/', partitioned_by = ARRAY['city']) AS SELECT city, temperature FROM clean_weather`,
    );

    // Assess
    expect(error.message).toMatch(/HIVE_COLUMN_ORDER_MISMATCH: Partition keys must be the last columns/);
    expect(await runtime.catalog.getTable(DB, "t_order")).toBeUndefined();
    expect(await objectsUnder("processed", "t_order/")).toEqual([]);
  });

  it("fails a CTAS of more than 100 partitions with HIVE_TOO_MANY_OPEN_PARTITIONS and leaves no partial data; CTAS + INSERT INTO batches of ≤ 100 work", async () => {
    // Act
    const error = await failure(
      `CREATE TABLE t_hours WITH (format = 'PARQUET', external_location = 's3://processed/t_hours/', partitioned_by = ARRAY['hr']) AS SELECT city, temperature, ${HOUR_PARTITION} AS hr FROM clean_weather`,
    );

    // Assess
    expect(error.message).toMatch(/^HIVE_TOO_MANY_OPEN_PARTITIONS: Exceeded limit of 100 open writers for partitions\/buckets/);
    expect(await objectsUnder("processed", "t_hours/")).toEqual([]);
    expect(await runtime.catalog.getTable(DB, "t_hours")).toBeUndefined();

    // Act: the documented workaround, 96 partitions then 72
    const first = await warehouse.execute(
      `CREATE TABLE t_hours WITH (format = 'PARQUET', external_location = 's3://processed/t_hours/', partitioned_by = ARRAY['hr']) AS SELECT city, temperature, ${HOUR_PARTITION} AS hr FROM clean_weather WHERE day <= '27'`,
    );
    const second = await warehouse.execute(`INSERT INTO t_hours SELECT city, temperature, ${HOUR_PARTITION} AS hr FROM clean_weather WHERE day > '27'`);

    // Assess
    expect([first.rowsWritten, second.rowsWritten]).toEqual([3 * 96, 3 * 72]);
    expect(await runtime.catalog.getPartitions(DB, "t_hours")).toHaveLength(168);
    const rows = (await warehouse.query("SELECT count(*) AS n, count(DISTINCT hr) AS hours FROM t_hours")).rows;
    expect(rows).toEqual([{ n: 504, hours: 168 }]);
  });

  it("keeps the data of a dropped table, so a CTAS into the same location is refused until it is cleaned", async () => {
    // Prepare
    await warehouse.execute(
      `CREATE TABLE t_drop WITH (format = 'PARQUET', external_location = 's3://processed/t_drop/', partitioned_by = ARRAY['city']) AS SELECT temperature, city FROM clean_weather`,
    );
    const before = await objectsUnder("processed", "t_drop/");
    expect(before).toHaveLength(3);

    // Act
    await warehouse.execute("DROP TABLE t_drop");

    // Assess
    expect(await runtime.catalog.getTable(DB, "t_drop")).toBeUndefined();
    expect(await runtime.catalog.getPartitions(DB, "t_drop")).toEqual([]);
    expect(await objectsUnder("processed", "t_drop/")).toEqual(before);
    await expect(warehouse.query("SELECT count(*) FROM t_drop")).rejects.toThrow(QueryError);
    const again = await failure(
      `CREATE TABLE t_drop WITH (format = 'PARQUET', external_location = 's3://processed/t_drop/', partitioned_by = ARRAY['city']) AS SELECT temperature, city FROM clean_weather`,
    );
    expect(again.message).toMatch(/^HIVE_PATH_ALREADY_EXISTS/);
    await expect(warehouse.execute("DROP TABLE t_drop")).rejects.toThrow(/Table not found sluice\.t_drop/);
    await expect(warehouse.execute("DROP TABLE IF EXISTS t_drop")).resolves.toEqual({ bytesScanned: 0 });
  });

  it("reads only the registered partitions' files, and a partition filter scans fewer bytes than a full scan", async () => {
    // Prepare: a table partitioned by city, plus a stray file in a folder no partition names
    await warehouse.execute(
      `CREATE TABLE t_city WITH (format = 'PARQUET', external_location = 's3://processed/t_city/', partitioned_by = ARRAY['city']) AS SELECT measurement_time, temperature, city FROM clean_weather`,
    );
    const london = (await objectsUnder("processed", "t_city/city=London/")).map((k) => runtime.store.pathOf("processed", k));
    expect(london).toHaveLength(1);
    const stray = runtime.store.pathOf("processed", "t_city/city=Atlantis/part-stray.parquet");
    await mkdir(dirname(stray), { recursive: true });
    await copyFile(london[0]!, stray);
    const londonBytes = (await stat(london[0]!)).size;

    // Act
    const full = await warehouse.query("SELECT city, count(*) AS n, avg(temperature) AS t FROM t_city GROUP BY city ORDER BY city");
    const filtered = await warehouse.query("SELECT count(*) AS n, avg(temperature) AS t FROM t_city WHERE city = 'London'");

    // Assess: the stray file is never read, and the filter opens London's file only
    expect(full.rows.map((r) => [r.city, r.n])).toEqual([
      ["Berlin", 168],
      ["London", 168],
      ["Paris", 168],
    ]);
    expect(filtered.rows).toEqual([{ n: 168, t: full.rows[1]!.t }]);
    expect(filtered.bytesScanned).toBeGreaterThan(0);
    expect(filtered.bytesScanned).toBeLessThanOrEqual(londonBytes);
    expect(full.bytesScanned).toBeGreaterThan(2 * filtered.bytesScanned);
    await expect((await runtime.queryEngine()).filesOf("t_city")).resolves.not.toContain(stray);
  });

  it("refuses statements in query() and keeps views in the catalog as Athena SQL", async () => {
    // Act
    await warehouse.execute(`CREATE OR REPLACE VIEW v_paris AS SELECT city, temperature FROM clean_weather WHERE city = 'Paris'`);
    const refused = await warehouse.query("DROP VIEW v_paris").then(
      () => undefined,
      (e: unknown) => e as Error,
    );

    // Assess
    expect(refused).toBeInstanceOf(QueryError);
    expect(refused!.message).toMatch(/only SELECT and WITH queries/);
    expect((await runtime.catalog.getTable(DB, "v_paris"))!.viewSql).toBe(`SELECT city, temperature FROM clean_weather WHERE city = 'Paris'`);
    expect((await warehouse.query("SELECT count(*) AS n FROM v_paris")).rows).toEqual([{ n: 168 }]);
  });

  it("writes an unpartitioned CTAS into a fresh external_location", async () => {
    // Act
    const result = await warehouse.execute(
      `CREATE TABLE t_flat WITH (format = 'PARQUET', external_location = 's3://processed/t_flat/') AS SELECT city, temperature FROM clean_weather`,
    );

    // Assess
    expect(result.rowsWritten).toBe(504);
    expect(await objectsUnder("processed", "t_flat/")).toEqual([expect.stringMatching(/^t_flat\/[0-9a-f-]{36}\.parquet$/)]);
    expect((await warehouse.query("SELECT count(*) AS n FROM t_flat")).rows).toEqual([{ n: 504 }]);
  });

  describe("catalog views on a fresh connection (each sluice command opens one)", () => {
    async function fresh<T>(work: (w: TwinWarehouse) => Promise<T>): Promise<T> {
      const other = new LocalRuntime({ lake, pipeline, logger: silentLogger });
      try {
        return await work(await other.warehouse());
      } finally {
        await other.close();
      }
    }

    it("binds a view over a view whose name sorts after it", async () => {
      // Prepare
      await warehouse.execute("CREATE VIEW a_by_city AS SELECT city, count(*) AS n FROM weather_prod GROUP BY city");

      // Act
      const rows = await fresh(async (w) => (await w.query("SELECT city, n FROM a_by_city ORDER BY city")).rows);

      // Assess
      expect(rows).toEqual([
        { city: "Berlin", n: 168 },
        { city: "London", n: 168 },
        { city: "Paris", n: 168 },
      ]);
      await warehouse.execute("DROP VIEW a_by_city");
    });

    it("fails only the queries that read a view whose table was dropped (a stale view), naming it", async () => {
      // Prepare
      await warehouse.execute(`CREATE TABLE t_gone WITH (format = 'PARQUET', external_location = 's3://processed/t_gone/') AS SELECT city FROM clean_weather`);
      await warehouse.execute("CREATE VIEW v_gone AS SELECT city FROM t_gone");
      await warehouse.execute("DROP TABLE t_gone");

      // Act
      const [other, stale] = await fresh(async (w) => [
        await w.query("SELECT count(*) AS n FROM weather_prod"),
        await w.query("SELECT count(*) AS n FROM v_gone").then(
          () => undefined,
          (e: unknown) => e as Error,
        ),
      ] as const);

      // Assess
      expect(other.rows).toEqual([{ n: 504 }]);
      expect(stale).toBeInstanceOf(QueryError);
      expect(stale!.message).toMatch(/v_gone cannot be read \(the view is stale or the table invalid\): .*t_gone/);
      await warehouse.execute("DROP VIEW v_gone");
    });
  });
});
