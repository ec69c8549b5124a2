import type { SqlValue } from "../query/query-engine";
import type { DatasetDefinition } from "../pipeline/types";
import { ident } from "../transform/athena-sql";
import type { TimeRange } from "./range";

/** Bucket width of a series. */
export type SeriesInterval = "hour" | "day";

/** SQL plus its bound parameters: no user string is ever part of the text. */
export interface BoundSql {
  readonly sql: string;
  readonly params: Record<string, SqlValue>;
}

/** The entity column of a dataset's key (the city for weather): the key that is not the time column. */
export function entityColumnOf(dataset: DatasetDefinition): string {
  const column = dataset.transform.keyColumns.find((c) => c !== dataset.transform.timeColumn);
  if (!column) throw new Error(`dataset ${dataset.name} has no entity key column`);
  return column;
}

/** `IN ($p0, $p1…)` over values bound as `prefix0…`. */
function inList(prefix: string, values: readonly string[], params: Record<string, SqlValue>): string {
  return `(${values.map((v, i) => ((params[`${prefix}${i}`] = v), `$${prefix}${i}`)).join(", ")})`;
}

/** Filters shared by series and stats: the month partitions of the range first (partition pruning), then entities and time. */
function where(dataset: DatasetDefinition, range: TimeRange, entities: readonly string[], params: Record<string, SqlValue>): string {
  const time = ident(dataset.transform.timeColumn);
  params.from = range.start.toISOString();
  params.to = range.end.toISOString();
  const parts = [
    `${ident("yr_mo_partition")} IN ${inList("m", range.months, params)}`,
    `${time} >= CAST(from_iso8601_timestamp($from) AS timestamp)`,
    `${time} < CAST(from_iso8601_timestamp($to) AS timestamp)`,
  ];
  if (entities.length > 0) parts.push(`${ident(entityColumnOf(dataset))} IN ${inList("e", entities, params)}`);
  return parts.join("\n  AND ");
}

/** Average of a metric per entity and hour or day, from the production view. */
export function seriesSql(dataset: DatasetDefinition, metric: string, interval: SeriesInterval, range: TimeRange, entities: readonly string[]): BoundSql {
  const params: Record<string, SqlValue> = {};
  const unit = interval === "day" ? "'day'" : "'hour'";
  const sql = `SELECT ${ident(entityColumnOf(dataset))} AS entity, date_trunc(${unit}, ${ident(dataset.transform.timeColumn)}) AS t, avg(${ident(metric)}) AS value
FROM ${ident(dataset.tables.prod)}
WHERE ${where(dataset, range, entities, params)}
GROUP BY 1, 2
ORDER BY 1, 2`;
  return { sql, params };
}

/** Average, minimum, maximum and count of a metric per entity over the range. */
export function statsSql(dataset: DatasetDefinition, metric: string, range: TimeRange, entities: readonly string[]): BoundSql {
  const params: Record<string, SqlValue> = {};
  const m = ident(metric);
  const sql = `SELECT ${ident(entityColumnOf(dataset))} AS entity, avg(${m}) AS average, min(${m}) AS min, max(${m}) AS max, count(${m}) AS count
FROM ${ident(dataset.tables.prod)}
WHERE ${where(dataset, range, entities, params)}
GROUP BY 1
ORDER BY 1`;
  return { sql, params };
}
