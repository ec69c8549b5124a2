import type { DatasetDefinition } from "../pipeline/types";

/** A double-quoted identifier (Athena/Trino and DuckDB agree on this form). */
export function ident(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`identifier ${JSON.stringify(name)} is not a plain column or table name`);
  return `"${name}"`;
}

/**
 * A table name for Athena's Hive DDL (DROP TABLE, …), which does not take double quotes: sluice's
 * table names are plain lower-case identifiers, written bare.
 */
export function ddlName(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`table name ${JSON.stringify(name)} is not a plain lower-case identifier`);
  return name;
}

/** A single-quoted SQL string literal. */
export function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** Columns of the raw record that are neither keys nor the first-by column. */
function valueColumns(dataset: DatasetDefinition): string[] {
  const t = dataset.transform;
  return dataset.recordSchema.map((c) => c.name).filter((c) => !t.keyColumns.includes(c) && c !== t.firstBy);
}

function asTimestamp(expression: string): string {
  return `CAST(from_iso8601_timestamp(${expression}) AS timestamp)`;
}

/**
 * The clean view (Athena SQL): one row per key, the values of its first collection, how many
 * times it was collected, and the derived columns. Grouping keeps it to one scan of the raw table.
 */
export function cleanViewSql(dataset: DatasetDefinition): string {
  const t = dataset.transform;
  const keys = t.keyColumns.map((c) => (t.timestampColumns.includes(c) ? `${asTimestamp(ident(c))} AS ${ident(c)}` : ident(c)));
  const values = valueColumns(dataset).map((c) => {
    const first = `min_by(${ident(c)}, ${ident(t.firstBy)})`;
    return `${t.timestampColumns.includes(c) ? asTimestamp(first) : first} AS ${ident(c)}`;
  });
  const firstBy = t.timestampColumns.includes(t.firstBy) ? asTimestamp(`min(${ident(t.firstBy)})`) : `min(${ident(t.firstBy)})`;
  // Derived expressions see the view's own columns, so they are computed over a subquery.
  const inner = [
    ...keys,
    ...values,
    `${firstBy} AS ${ident(`first_${t.firstBy}`)}`,
    `count(*) AS ${ident("collection_count")}`,
  ].join(",\n    ");
  const derived = Object.entries(t.derivedColumns).map(([name, expression]) => `${expression} AS ${ident(name)}`);
  return [
    `SELECT *${derived.length ? ", " + derived.join(", ") : ""}`,
    `FROM (`,
    `  SELECT`,
    `    ${inner}`,
    `  FROM ${ident(dataset.tables.raw)}`,
    `  GROUP BY ${t.keyColumns.map(ident).join(", ")}`,
    `)`,
  ].join("\n");
}

/** The month partition expression over the clean view's event time. */
export function monthPartitionExpr(dataset: DatasetDefinition): string {
  return `date_format(${ident(dataset.transform.timeColumn)}, '%Y-%m')`;
}

/** Columns of the Parquet table: the clean view's columns except derived ones, partition columns last. */
export function parquetSelectList(dataset: DatasetDefinition): string {
  const t = dataset.transform;
  const base = [...t.keyColumns, ...valueColumns(dataset), `first_${t.firstBy}`, "collection_count"].filter((c) => !t.partitionBy.includes(c));
  const partitions = t.partitionBy.map((c) => (c === "yr_mo_partition" ? `${monthPartitionExpr(dataset)} AS ${ident(c)}` : ident(c)));
  return [...base.map(ident), ...partitions].join(", ");
}

/** The SELECT that feeds the Parquet table, restricted to a batch of month partitions. */
export function parquetSelectSql(dataset: DatasetDefinition, months: readonly string[]): string {
  const filter = months.length ? `\nWHERE ${monthPartitionExpr(dataset)} IN (${months.map(literal).join(", ")})` : "";
  return `SELECT ${parquetSelectList(dataset)}\nFROM ${ident(dataset.tables.clean)}${filter}`;
}

/** Athena CTAS for the first batch of partitions (at most 100 per statement, partition columns last). */
export function ctasSql(dataset: DatasetDefinition, externalLocation: string, months: readonly string[]): string {
  const t = dataset.transform;
  const props = [
    `format = 'PARQUET'`,
    `write_compression = ${literal(t.parquetCompression)}`,
    `external_location = ${literal(externalLocation)}`,
    `partitioned_by = ARRAY[${t.partitionBy.map(literal).join(", ")}]`,
  ];
  return `CREATE TABLE ${ident(dataset.tables.parquet)}\nWITH (${props.join(", ")})\nAS ${parquetSelectSql(dataset, months)}`;
}

/** Athena INSERT INTO for each further batch of partitions. */
export function insertSql(dataset: DatasetDefinition, months: readonly string[]): string {
  return `INSERT INTO ${ident(dataset.tables.parquet)}\n${parquetSelectSql(dataset, months)}`;
}

/** The distinct month partitions the clean view would produce. */
export function monthsSql(dataset: DatasetDefinition): string {
  return `SELECT DISTINCT ${monthPartitionExpr(dataset)} AS ${ident("yr_mo_partition")} FROM ${ident(dataset.tables.clean)} ORDER BY 1`;
}

/** Athena writes at most 100 partitions per CTAS or INSERT INTO (HIVE_TOO_MANY_OPEN_PARTITIONS). */
export const MAX_PARTITIONS_PER_STATEMENT = 100;

/** Splits partition values into statement-sized batches. */
export function partitionBatches<T>(values: readonly T[], size = MAX_PARTITIONS_PER_STATEMENT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}
