import type { ColumnType } from "../pipeline/types";
import type { SqlDialect } from "../query/query-engine";

/** A double-quoted identifier (both DuckDB and Trino quote identifiers with `"`). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A single-quoted string literal. */
export function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** A `TIMESTAMP '…'` literal in UTC, which both engines read the same way. */
export function timestampLiteral(instant: Date): string {
  const iso = instant.toISOString();
  const fraction = iso.slice(19, 23) === ".000" ? "" : iso.slice(19, 23);
  return `TIMESTAMP '${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction}'`;
}

/**
 * A whole-value regular-expression match (DQDL `matches` checks the whole value).
 * DuckDB has `regexp_full_match`; Trino has only `regexp_like` (a partial match), so the pattern is anchored.
 */
export function regexMatch(dialect: SqlDialect, column: string, pattern: string): string {
  return dialect === "duckdb"
    ? `regexp_full_match(${column}, ${sqlString(pattern)})`
    : `regexp_like(${column}, ${sqlString(`^(?:${pattern})$`)})`;
}

/** Column types whose values are numbers. */
export function isNumeric(type: ColumnType): boolean {
  return type === "double" || type === "bigint";
}

/** Column types whose values are instants or days. */
export function isTemporal(type: ColumnType): boolean {
  return type === "timestamp" || type === "date";
}

/** `a AND b` for optional predicates, each parenthesised. */
export function and(...predicates: readonly (string | undefined)[]): string | undefined {
  const present = predicates.filter((p): p is string => p !== undefined);
  if (present.length === 0) return undefined;
  return present.length === 1 ? present[0] : present.map((p) => `(${p})`).join(" AND ");
}

/** `count(*)`, or `count(*) FILTER (WHERE p)`; Trino supports FILTER on aggregates too (https://trino.io/docs/current/functions/aggregate.html#filtering-during-aggregation). */
export function countWhere(predicate: string | undefined): string {
  return predicate === undefined ? "count(*)" : `count(*) FILTER (WHERE ${predicate})`;
}

/** `f(x)` or `f(x) FILTER (WHERE p)`. */
export function aggregateWhere(call: string, predicate: string | undefined): string {
  return predicate === undefined ? call : `${call} FILTER (WHERE ${predicate})`;
}
