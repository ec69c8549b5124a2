/**
 * Statements to run once on each DuckDB connection that executes translated Athena SQL: the session
 * settings that give DuckDB Trino's semantics, and the `athena_*` macros the translator calls where a
 * DuckDB built-in of the same name behaves differently. The settings are SESSION-scoped so the
 * engine's own DuckDB-dialect SQL on other connections is unaffected.
 */
export function athenaMacrosSql(): string[] {
  return [
    // Trino: integer / integer is integer division (5 / 2 = 2, -5 / 2 = -2); DuckDB returns a double.
    "SET SESSION integer_division = true",
    // Athena sessions run in UTC: from_unixtime, current_timestamp and TIMESTAMPTZ formatting rely on it.
    "SET SESSION TimeZone = 'UTC'",
    // Trino sorts NULLs last whatever the direction.
    "SET SESSION default_null_order = 'nulls_last'",
    // Trino's date_trunc returns the input type; DuckDB's turns a DATE into a TIMESTAMP.
    `CREATE OR REPLACE MACRO athena_date_trunc(unit, x DATE) AS CAST(date_trunc(unit, x) AS DATE),
      (unit, x TIMESTAMP) AS date_trunc(unit, x),
      (unit, x TIMESTAMPTZ) AS date_trunc(unit, x)`,
    // Trino: date_add(unit, n, x) keeps x's type; DuckDB's date_add(x, interval) has another signature.
    `CREATE OR REPLACE MACRO athena_date_add(unit, n, x DATE) AS CAST(x + CAST(CAST(n AS VARCHAR) || ' ' || unit AS INTERVAL) AS DATE),
      (unit, n, x TIMESTAMP) AS x + CAST(CAST(n AS VARCHAR) || ' ' || unit AS INTERVAL),
      (unit, n, x TIMESTAMPTZ) AS x + CAST(CAST(n AS VARCHAR) || ' ' || unit AS INTERVAL)`,
    // Trino: an index past the last field is NULL; DuckDB returns ''.
    `CREATE OR REPLACE MACRO athena_split_part(s, delimiter, i) AS
      CASE WHEN i > len(string_split(s, delimiter)) THEN NULL ELSE split_part(s, delimiter, i) END`,
    // Trino's ISO-8601 text: date only for DATE, milliseconds, 'Z' for UTC instants.
    `CREATE OR REPLACE MACRO athena_to_iso8601(x DATE) AS strftime(x, '%Y-%m-%d'),
      (x TIMESTAMP) AS strftime(x, '%Y-%m-%dT%H:%M:%S.%g'),
      (x TIMESTAMPTZ) AS strftime(x, '%Y-%m-%dT%H:%M:%S.%g') || 'Z'`,
    // Trino rounds half away from zero when casting a DOUBLE/REAL to an integer type; DuckDB rounds
    // half to even. Exact integer, decimal and text inputs pass through unchanged.
    `CREATE OR REPLACE MACRO athena_round_float(x DOUBLE) AS round(x),
      (x FLOAT) AS round(x),
      (x BIGINT) AS x,
      (x HUGEINT) AS x,
      (x VARCHAR) AS x,
      (x) AS x`,
  ];
}
