import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { athenaMacrosSql, translateAthenaSql } from "../../packages/core/src/sql";

/** An in-memory DuckDB connection prepared for translated Athena SQL. */
export interface AthenaDuckDb {
  readonly connection: DuckDBConnection;
  /** Translates Athena SQL, runs it, returns rows as JSON-friendly objects (BIGINT as strings). */
  athena(sql: string): Promise<Record<string, unknown>[]>;
  /** Like athena(), with the result's DuckDB column types. */
  athenaTyped(sql: string): Promise<{ types: string[]; rows: unknown[][] }>;
  close(): void;
}

/** Opens an in-memory DuckDB and runs athenaMacrosSql() on it. */
export async function openAthenaDuckDb(): Promise<AthenaDuckDb> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  for (const statement of athenaMacrosSql()) await connection.run(statement);
  return {
    connection,
    async athena(sql) {
      const reader = await connection.runAndReadAll(translateAthenaSql(sql).sql);
      return reader.getRowObjectsJson() as Record<string, unknown>[];
    },
    async athenaTyped(sql) {
      const reader = await connection.runAndReadAll(translateAthenaSql(sql).sql);
      return { types: reader.columnTypes().map(String), rows: reader.getRowsJson() as unknown[][] };
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/**
 * raw_weather as the Glue crawler types it (seed 003): partition columns are strings. Readings are
 * collected several times, so (city, temperature, measurement_time) repeats with later collection times.
 * February's row must be filtered out by every `month = '01'` query.
 */
export async function createRawWeather(db: AthenaDuckDb): Promise<void> {
  await db.connection.run(`CREATE TABLE raw_weather (
    city VARCHAR, temperature DOUBLE, measurement_time TIMESTAMP, collection_time TIMESTAMP,
    location VARCHAR, year VARCHAR, month VARCHAR, day VARCHAR)`);
  await db.connection.run(`INSERT INTO raw_weather VALUES
    ('London',   5.0, '2025-01-10 10:00:00', '2025-01-10 10:01:00', 'London', '2025', '01', '10'),
    ('London',   5.0, '2025-01-10 10:00:00', '2025-01-10 10:02:00', 'London', '2025', '01', '10'),
    ('London',   7.0, '2025-01-10 10:15:00', '2025-01-10 10:16:00', 'London', '2025', '01', '10'),
    ('London',   9.0, '2025-01-10 11:00:00', '2025-01-10 11:03:00', 'London', '2025', '01', '10'),
    ('London',   9.0, '2025-01-10 11:00:00', '2025-01-10 11:01:00', 'London', '2025', '01', '10'),
    ('London',   9.0, '2025-01-10 11:00:00', '2025-01-10 11:02:00', 'London', '2025', '01', '10'),
    ('London',   4.0, '2025-01-11 09:00:00', '2025-01-11 09:01:00', 'London', '2025', '01', '11'),
    ('Paris',   10.0, '2025-01-10 10:00:00', '2025-01-10 10:01:00', 'Paris',  '2025', '01', '10'),
    ('Paris',   12.0, '2025-01-10 12:00:00', '2025-01-10 12:01:00', 'Paris',  '2025', '01', '10'),
    ('Paris',   12.0, '2025-01-10 12:00:00', '2025-01-10 12:05:00', 'Paris',  '2025', '01', '10'),
    ('London', 100.0, '2025-02-01 00:00:00', '2025-02-01 00:01:00', 'London', '2025', '02', '01')`);
}

/** A DuckDB result type in Trino's name (`DECIMAL(5,1)` → `decimal(5,1)`, `INTEGER[]` → `array(integer)`). */
export function trinoType(duckdb: string): string {
  if (duckdb.endsWith("[]")) return `array(${trinoType(duckdb.slice(0, -2))})`;
  const decimal = /^DECIMAL\((\d+),(\d+)\)$/.exec(duckdb);
  if (decimal) return `decimal(${decimal[1]},${decimal[2]})`;
  const names: Record<string, string> = { INTEGER: "integer", BIGINT: "bigint", SMALLINT: "smallint", TINYINT: "tinyint", DOUBLE: "double", FLOAT: "real", VARCHAR: "varchar", BOOLEAN: "boolean", DATE: "date", TIMESTAMP: "timestamp", "TIMESTAMP WITH TIME ZONE": "timestamp with time zone", TIME: "time", INTERVAL: "interval", BLOB: "varbinary" };
  return names[duckdb] ?? `duckdb:${duckdb}`;
}
