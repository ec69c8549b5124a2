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

/** Columns of the raw record that are neither keys nor the collection-time column. */
function valueColumns(dataset: DatasetDefinition): string[] {
  const t = dataset.transform;
  return dataset.recordSchema.map((c) => c.name).filter((c) => !t.keyColumns.includes(c) && c !== t.collectedAt);
}

function asTimestamp(expression: string): string {
  return `CAST(from_iso8601_timestamp(${expression}) AS timestamp)`;
}

/** `first_<collectedAt>`: when a key was first collected. */
export function firstCollectedColumn(dataset: DatasetDefinition): string {
  return `first_${dataset.transform.collectedAt}`;
}

/** `last_<collectedAt>`: when a key was last collected (the winning collection under `latest`). */
export function lastCollectedColumn(dataset: DatasetDefinition): string {
  return `last_${dataset.transform.collectedAt}`;
}

/**
 * The value of the winning collection: `max_by`/`min_by` over the collection time. Trino's
 * `max_by(x, y)` "returns the value of x associated with the maximum value of y" — a NULL x
 * included (https://trino.io/docs/current/functions/aggregate.html#max_by), so a later
 * collection that says "no value" wins too.
 */
function winning(dataset: DatasetDefinition, value: string, orderBy: string): string {
  return `${dataset.transform.dedup === "latest" ? "max_by" : "min_by"}(${value}, ${orderBy})`;
}

/**
 * Whether a month filter may run on raw rows before the grouping: when the event-time column is part
 * of the key, every collection of a key has the key's month, so keeping a batch's months first
 * leaves each group whole. Otherwise (a config dataset whose time is a value) the month is the
 * winning collection's and can only be filtered after the grouping.
 */
export function monthsFilterRaw(dataset: DatasetDefinition): boolean {
  return dataset.transform.keyColumns.includes(dataset.transform.timeColumn);
}

/** The month partition of a raw row: the clean view's month expression over the raw event time. */
function rawMonthExpr(dataset: DatasetDefinition): string {
  const t = dataset.transform;
  const time = ident(t.timeColumn);
  return `date_format(${t.timestampColumns.includes(t.timeColumn) ? asTimestamp(time) : time}, '%Y-%m')`;
}

/**
 * The clean view (Athena SQL) over a raw-shaped table (the raw table, or a run's staged new
 * objects): one row per key, the values of its winning collection (the dataset's `dedup`
 * policy), when it was first and last collected, how many times, and the derived columns.
 * Grouping keeps it to one scan of the source.
 *
 * Collections are ordered by their collection time as a timestamp (as the incremental merge orders
 * them by `last_<collectedAt>`), cast once per raw row below the grouping: an aggregate whose
 * ordering value is a fixed-size timestamp can spill to disk, one ordered by text cannot, and a
 * full refresh of 10 M records then ran out of memory (docs/benchmarks.md).
 *
 * With `months` (a CTAS or INSERT batch), only the raw rows of those event months are grouped,
 * when `monthsFilterRaw` allows it: a batch then holds its own months in memory, not history.
 * The batch's SELECT filters the months after the grouping as well (`parquetSelectSql`).
 */
export function cleanViewSql(dataset: DatasetDefinition, from: string = dataset.tables.raw, months: readonly string[] = []): string {
  const t = dataset.transform;
  const ct = ident(t.collectedAt);
  const keys = t.keyColumns.map((c) => (t.timestampColumns.includes(c) ? `${asTimestamp(ident(c))} AS ${ident(c)}` : ident(c)));
  const values = valueColumns(dataset).map((c) => {
    const value = winning(dataset, ident(c), ct);
    return `${t.timestampColumns.includes(c) ? asTimestamp(value) : value} AS ${ident(c)}`;
  });
  // The raw columns the grouping reads, the collection time as a timestamp.
  const rows = [...t.keyColumns, ...valueColumns(dataset)].map(ident);
  rows.push(t.timestampColumns.includes(t.collectedAt) ? `${asTimestamp(ct)} AS ${ct}` : ct);
  // Derived expressions see the view's own columns, so they are computed over a subquery.
  const inner = [
    ...keys,
    ...values,
    `min(${ct}) AS ${ident(firstCollectedColumn(dataset))}`,
    `max(${ct}) AS ${ident(lastCollectedColumn(dataset))}`,
    `count(*) AS ${ident("collection_count")}`,
  ].join(",\n    ");
  const derived = Object.entries(t.derivedColumns).map(([name, expression]) => `${expression} AS ${ident(name)}`);
  const where = monthsFilterRaw(dataset) ? monthFilter(rawMonthExpr(dataset), months, "    ") : "";
  return [
    `SELECT *${derived.length ? ", " + derived.join(", ") : ""}`,
    `FROM (`,
    `  SELECT`,
    `    ${inner}`,
    `  FROM (`,
    `    SELECT ${rows.join(", ")}`,
    `    FROM ${ident(from)}${where}`,
    `  )`,
    `  GROUP BY ${t.keyColumns.map(ident).join(", ")}`,
    `)`,
  ].join("\n");
}

/** The month partition expression over the clean view's event time. */
export function monthPartitionExpr(dataset: DatasetDefinition): string {
  return `date_format(${ident(dataset.transform.timeColumn)}, '%Y-%m')`;
}

/** The Parquet table's columns without its partition columns, in table order. */
export function parquetBaseColumns(dataset: DatasetDefinition): string[] {
  const t = dataset.transform;
  return [...t.keyColumns, ...valueColumns(dataset), firstCollectedColumn(dataset), lastCollectedColumn(dataset), "collection_count"].filter(
    (c) => !t.partitionBy.includes(c),
  );
}

/** Columns of the Parquet table: the clean view's columns except derived ones, partition columns last. */
export function parquetSelectList(dataset: DatasetDefinition): string {
  const t = dataset.transform;
  const partitions = t.partitionBy.map((c) => (c === "yr_mo_partition" ? `${monthPartitionExpr(dataset)} AS ${ident(c)}` : ident(c)));
  return [...parquetBaseColumns(dataset).map(ident), ...partitions].join(", ");
}

/** ` WHERE <month> IN (…)` for a batch of month partitions, or nothing for all of them. */
function monthFilter(expression: string, months: readonly string[], indent = ""): string {
  return months.length ? `\n${indent}WHERE ${expression} IN (${months.map(literal).join(", ")})` : "";
}

/** A relation to read clean rows from: a catalog view or table by name, or a subquery. */
export type CleanSource = { readonly table: string } | { readonly sql: string };

function relation(source: CleanSource): string {
  return "table" in source ? ident(source.table) : `(\n${source.sql}\n)`;
}

/** The SELECT that feeds the Parquet table, restricted to a batch of month partitions. */
export function parquetSelectSql(dataset: DatasetDefinition, months: readonly string[], source: CleanSource = { table: dataset.tables.clean }): string {
  return `SELECT ${parquetSelectList(dataset)}\nFROM ${relation(source)}${monthFilter(monthPartitionExpr(dataset), months)}`;
}

/**
 * The incremental merge: the clean rows of a run's new objects, united with the production rows
 * of the months they touch, reduced to one row per key — the winning collection's values (the
 * `dedup` policy, over first/last collection times), the earliest first and latest last
 * collection, and the summed count. Months nothing touched are not read.
 */
export function mergeSelectSql(dataset: DatasetDefinition, months: readonly string[], incoming: CleanSource, production: string): string {
  const t = dataset.transform;
  const month = ident("yr_mo_partition");
  const first = ident(firstCollectedColumn(dataset));
  const last = ident(lastCollectedColumn(dataset));
  const orderBy = t.dedup === "latest" ? last : first;
  const keys = t.keyColumns.filter((c) => !t.partitionBy.includes(c)).map(ident);
  const values = valueColumns(dataset).map((c) => `${winning(dataset, ident(c), orderBy)} AS ${ident(c)}`);
  const partitions = t.partitionBy.map(ident);
  const select = [...keys, ...values, `min(${first}) AS ${first}`, `max(${last}) AS ${last}`, `sum(${ident("collection_count")}) AS ${ident("collection_count")}`, ...partitions];
  const current = `SELECT ${[...parquetBaseColumns(dataset), ...t.partitionBy].map(ident).join(", ")}\nFROM ${ident(production)}${monthFilter(month, months)}`;
  return [
    `SELECT ${select.join(", ")}`,
    `FROM (`,
    `${parquetSelectSql(dataset, months, incoming)}`,
    `UNION ALL`,
    current,
    `) AS merged`,
    `GROUP BY ${[...keys, ...partitions].join(", ")}`,
  ].join("\n");
}

/**
 * A Parquet batch's SELECT ordered by the key (partitions' rows by subject, then time): files of
 * the same rows come out alike whatever order history arrived in, compress better and carry
 * tight min/max statistics per row group for the readers' filters.
 */
export function orderedByKey(dataset: DatasetDefinition, select: string): string {
  const keys = dataset.transform.keyColumns.filter((c) => !dataset.transform.partitionBy.includes(c)).map(ident);
  return keys.length > 0 ? `${select}\nORDER BY ${keys.join(", ")}` : select;
}

/** Athena CTAS for the first batch of partitions (at most 100 per statement, partition columns last). */
export function ctasSql(dataset: DatasetDefinition, externalLocation: string, months: readonly string[], select: string = parquetSelectSql(dataset, months)): string {
  const t = dataset.transform;
  const props = [
    `format = 'PARQUET'`,
    `write_compression = ${literal(t.parquetCompression)}`,
    `external_location = ${literal(externalLocation)}`,
    `partitioned_by = ARRAY[${t.partitionBy.map(literal).join(", ")}]`,
  ];
  return `CREATE TABLE ${ident(dataset.tables.parquet)}\nWITH (${props.join(", ")})\nAS ${select}`;
}

/** Athena INSERT INTO for each further batch of partitions. */
export function insertSql(dataset: DatasetDefinition, months: readonly string[], select: string = parquetSelectSql(dataset, months)): string {
  return `INSERT INTO ${ident(dataset.tables.parquet)}\n${select}`;
}

/**
 * The distinct month partitions the clean view over a raw-shaped table would produce: read off the
 * raw rows when `monthsFilterRaw` allows it (no grouping of history to learn its months), else
 * off the clean view.
 */
export function monthsSql(dataset: DatasetDefinition, from: string = dataset.tables.raw): string {
  const [month, source] = monthsFilterRaw(dataset) ? [rawMonthExpr(dataset), ident(from)] : [monthPartitionExpr(dataset), relation({ sql: cleanViewSql(dataset, from) })];
  return `SELECT DISTINCT ${month} AS ${ident("yr_mo_partition")} FROM ${source} ORDER BY 1`;
}

/** Athena writes at most 100 partitions per CTAS or INSERT INTO (HIVE_TOO_MANY_OPEN_PARTITIONS). */
export const MAX_PARTITIONS_PER_STATEMENT = 100;

/** Splits partition values into statement-sized batches. */
export function partitionBatches<T>(values: readonly T[], size = MAX_PARTITIONS_PER_STATEMENT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}
