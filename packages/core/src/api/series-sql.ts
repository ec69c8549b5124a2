import type { SqlValue } from "../query/query-engine";
import { ident } from "../transform/athena-sql";
import type { TimeRange } from "./range";

/** Bucket width of a series. */
export type SeriesInterval = "hour" | "day";

/** SQL plus its bound parameters: no user string is ever part of the text. */
export interface BoundSql {
  readonly sql: string;
  readonly params: Record<string, SqlValue>;
}

/**
 * What one series or stats query reads. Names come from the fixed dataset map (never from the
 * request); `partitioned` is true when reading `<dataset>_prod`, whose month partitions prune.
 */
export interface SeriesRead {
  readonly table: string;
  readonly subjectColumn: string;
  readonly timeColumn: string;
  readonly valueColumn: string;
  readonly partitioned: boolean;
  /** Column = value conditions, values bound (air quality's parameter and unit). */
  readonly equals: readonly { readonly column: string; readonly value: string }[];
}

/** `IN ($p0, $p1…)` over values bound as `prefix0…`. */
function inList(prefix: string, values: readonly string[], params: Record<string, SqlValue>): string {
  return `(${values.map((v, i) => ((params[`${prefix}${i}`] = v), `$${prefix}${i}`)).join(", ")})`;
}

/** Filters shared by series and stats: the month partitions of the range first (partition pruning), then subjects and time. */
function where(read: SeriesRead, range: TimeRange, subjects: readonly string[], params: Record<string, SqlValue>): string {
  const time = ident(read.timeColumn);
  params.from = range.start.toISOString();
  params.to = range.end.toISOString();
  const parts = [
    ...(read.partitioned ? [`${ident("yr_mo_partition")} IN ${inList("m", range.months, params)}`] : []),
    `${time} >= CAST(from_iso8601_timestamp($from) AS timestamp)`,
    `${time} < CAST(from_iso8601_timestamp($to) AS timestamp)`,
  ];
  if (subjects.length > 0) parts.push(`${ident(read.subjectColumn)} IN ${inList("e", subjects, params)}`);
  read.equals.forEach(({ column, value }, i) => {
    params[`q${i}`] = value;
    parts.push(`${ident(column)} = $q${i}`);
  });
  return parts.join("\n  AND ");
}

/** Average of a metric per subject and hour or day. */
export function seriesSql(read: SeriesRead, interval: SeriesInterval, range: TimeRange, subjects: readonly string[]): BoundSql {
  const params: Record<string, SqlValue> = {};
  const unit = interval === "day" ? "'day'" : "'hour'";
  const sql = `SELECT ${ident(read.subjectColumn)} AS entity, date_trunc(${unit}, ${ident(read.timeColumn)}) AS t, avg(${ident(read.valueColumn)}) AS value
FROM ${ident(read.table)}
WHERE ${where(read, range, subjects, params)}
GROUP BY 1, 2
ORDER BY 1, 2`;
  return { sql, params };
}

/** Average, minimum, maximum and count of a metric per subject over the range. */
export function statsSql(read: SeriesRead, range: TimeRange, subjects: readonly string[]): BoundSql {
  const params: Record<string, SqlValue> = {};
  const m = ident(read.valueColumn);
  const sql = `SELECT ${ident(read.subjectColumn)} AS entity, avg(${m}) AS average, min(${m}) AS min, max(${m}) AS max, count(${m}) AS count
FROM ${ident(read.table)}
WHERE ${where(read, range, subjects, params)}
GROUP BY 1
ORDER BY 1`;
  return { sql, params };
}
