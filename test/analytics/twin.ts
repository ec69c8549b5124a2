import { airQualityDataset } from "../../packages/core/src/pipeline/air-quality";
import { pipeline } from "../../packages/core/src/pipeline/pipeline";
import { stocksDataset } from "../../packages/core/src/pipeline/stocks";
import type { ColumnSpec, DatasetDefinition, PipelineDefinition } from "../../packages/core/src/pipeline/types";
import { silentLogger } from "../../packages/core/src/log/logger";
import type { Warehouse } from "../../packages/core/src/query/warehouse";
import { LocalRuntime } from "../../packages/core/src/runtime/local";
import { doubleLiteral } from "../../packages/core/src/analytics";
import { ident, literal, parquetSelectList } from "../../packages/core/src/transform/athena-sql";
import { expect } from "vitest";

/** The pipeline with the datasets the run engine does not wire yet (stocks, air quality). */
export const analyticsPipeline: PipelineDefinition = {
  ...pipeline,
  datasets: { ...pipeline.datasets, stocks: stocksDataset, air_quality: airQualityDataset },
};

/** A twin runtime (real DuckDB, filesystem lake and catalog) on `lake`. */
export function twinOn(lake: string): LocalRuntime {
  return new LocalRuntime({ lake, pipeline: analyticsPipeline, logger: silentLogger });
}

const SQL_TYPES: Record<string, string> = { string: "VARCHAR", double: "DOUBLE", bigint: "BIGINT", timestamp: "TIMESTAMP" };

function valueSql(column: ColumnSpec, isTimestamp: boolean, value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (isTimestamp) return `TIMESTAMP ${literal(String(value).replace("T", " ").replace(/(\.\d+)?Z$/, ""))}`;
  if (column.type === "string") return literal(String(value));
  if (column.type === "bigint") return String(Math.trunc(Number(value)));
  return doubleLiteral(Number(value));
}

/**
 * Puts records into a production view the way a publish leaves it, without the run engine (which
 * only runs weather today): one Athena CTAS writes the records as the version table
 * `<prod>_v0001` — the Parquet table's columns built by the transform's own `parquetSelectList`
 * (time columns as TIMESTAMP, `first_collection_time` = `last_collection_time`, `collection_count` = 1, `yr_mo_partition`
 * last) — from a `VALUES` list, then `CREATE OR REPLACE VIEW <prod>` points at it, as publish does.
 */
export async function publishRecords(warehouse: Warehouse, dataset: DatasetDefinition, records: readonly object[]): Promise<void> {
  const t = dataset.transform;
  const columns = dataset.recordSchema.filter((c) => c.name !== t.collectedAt);
  const rows = records.map((record) => {
    const fields = record as Record<string, unknown>;
    const values = columns.map((c) => valueSql(c, t.timestampColumns.includes(c.name), fields[c.name]));
    const collected = valueSql({ name: "", type: "string", nullable: false }, true, fields[t.collectedAt]);
    values.push(collected, collected, "1");
    return `(${values.join(", ")})`;
  });
  const names = [...columns.map((c) => c.name), `first_${t.collectedAt}`, `last_${t.collectedAt}`, "collection_count"];
  const types = [...columns.map((c) => (t.timestampColumns.includes(c.name) ? "TIMESTAMP" : SQL_TYPES[c.type]!)), "TIMESTAMP", "TIMESTAMP", "BIGINT"];
  const typed = names.map((n, i) => `CAST(${ident(n)} AS ${types[i]}) AS ${ident(n)}`).join(", ");
  const version = `${dataset.tables.prod}_v0001`;
  const location = `s3://${analyticsPipeline.buckets.prod}/${dataset.tables.prod}/v0001/`;
  await warehouse.execute(
    `CREATE TABLE ${ident(version)}
WITH (format = 'PARQUET', write_compression = ${literal(t.parquetCompression)}, external_location = ${literal(location)}, partitioned_by = ARRAY[${t.partitionBy.map(literal).join(", ")}])
AS SELECT ${parquetSelectList(dataset)}
FROM (SELECT ${typed} FROM (VALUES ${rows.join(",\n")}) AS v (${names.map(ident).join(", ")}))`,
  );
  await warehouse.execute(`CREATE OR REPLACE VIEW ${ident(dataset.tables.prod)} AS\nSELECT * FROM ${ident(version)}`);
}

/** Relative tolerance of every comparison; values within 1e-12 of zero compare absolutely. */
export const TOLERANCE = 1e-9;

/** Whether two values agree: numbers within TOLERANCE (relative), anything else exactly. */
export function agrees(actual: unknown, expected: unknown): boolean {
  if (typeof actual === "number" && typeof expected === "number") {
    const scale = Math.max(Math.abs(actual), Math.abs(expected));
    return Math.abs(actual - expected) <= Math.max(TOLERANCE * scale, 1e-12);
  }
  return actual === expected;
}

/** One expected row per key; fails naming the first row and column that differ. */
export function expectRows(actual: readonly Record<string, unknown>[], expected: readonly Record<string, unknown>[], keyOf: (row: Record<string, unknown>) => string): void {
  const byKey = new Map(actual.map((row) => [keyOf(row), row]));
  expect(byKey.size, "one view row per key").toBe(actual.length);
  expect(actual.length, "row count").toBe(expected.length);
  for (const want of expected) {
    const key = keyOf(want);
    const got = byKey.get(key);
    if (!got) expect.fail(`row ${key} is missing from the view; it has e.g. ${JSON.stringify(actual[0])}`);
    for (const [column, value] of Object.entries(want)) {
      if (!agrees(got![column], value)) {
        expect.fail(`row ${key}, column ${column}: view has ${String(got![column])}, reference ${String(value)}`);
      }
    }
  }
}

/** Every row of a view; DATE columns as `YYYY-MM-DD` (the engine returns them as midnight instants). */
export async function readView(runtime: LocalRuntime, name: string): Promise<Record<string, unknown>[]> {
  const result = await (await runtime.warehouse()).query(`SELECT * FROM ${ident(name)}`);
  const dates = result.columns.filter((c) => c.type.toUpperCase() === "DATE").map((c) => c.name);
  return result.rows.map((row) => {
    const out = { ...row };
    for (const column of dates) if (typeof out[column] === "string") out[column] = (out[column] as string).slice(0, 10);
    return out;
  });
}
