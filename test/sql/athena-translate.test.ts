import { describe, expect, it } from "vitest";
import { AthenaSqlSyntaxError, UnsupportedSqlError, tokenize, translateAthenaSql } from "../../packages/core/src/sql";

/** The error a translation throws, for asserting on its fields. */
function rejection(sql: string): UnsupportedSqlError | AthenaSqlSyntaxError {
  try {
    translateAthenaSql(sql);
  } catch (error) {
    if (error instanceof UnsupportedSqlError || error instanceof AthenaSqlSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(sql)} to be rejected`);
}

describe("tokenize", () => {
  it("keeps quoted strings, quoted identifiers, comments and numbers whole", () => {
    // Act
    const tokens = tokenize(`SELECT 'it''s', "a ""b""", 1.5e3 -- x(\n/* y( */ .5`).filter((t) => t.kind !== "whitespace");
    // Assess
    expect(tokens.map((t) => [t.kind, t.value])).toEqual([
      ["word", "SELECT"],
      ["string", "it's"],
      ["punct", ","],
      ["quoted", 'a "b"'],
      ["punct", ","],
      ["number", "1.5e3"],
      ["comment", "-- x("],
      ["comment", "/* y( */"],
      ["number", ".5"],
    ]);
    expect(tokens[8]).toMatchObject({ line: 2, column: 10 });
  });

  it("reports an unterminated string with its position", () => {
    // Act
    const error = rejection("SELECT\n  'abc");
    // Assess
    expect(error).toBeInstanceOf(AthenaSqlSyntaxError);
    expect(error.message).toBe("unterminated string literal at line 2, column 3");
  });
});

describe("translateAthenaSql", () => {
  it("leaves function-like text in strings and comments alone and drops the comments", () => {
    // Act
    const result = translateAthenaSql(`SELECT 'date_add(x) strftime(y)' AS s, "date_trunc(" -- map_agg(a)\n/* strftime(x) */ FROM t`);
    // Assess
    expect(result.sql).toBe(`SELECT 'date_add(x) strftime(y)' AS s, "date_trunc("  \n  FROM "t"`);
    expect(result.functions).toEqual([]);
  });

  it("rejects a function Athena lacks, naming it and its position", () => {
    // Act
    const error = rejection("SELECT map_agg(a, b) FROM t");
    // Assess
    expect(error).toBeInstanceOf(UnsupportedSqlError);
    expect(error.message).toBe('unsupported Athena function "map_agg" at line 1, column 8');
  });

  it("rejects DuckDB-only functions and operators that Athena would refuse", () => {
    // Act
    const strftime = rejection("SELECT\n  strftime(ts, '%Y') FROM t");
    const cast = rejection("SELECT x::INT FROM t");
    const list = rejection("SELECT list_value(1, 2)");
    // Assess
    expect(strftime.message).toBe('unsupported Athena function "strftime" at line 2, column 3');
    expect(cast).toMatchObject({ kind: "operator", feature: "::", line: 1, column: 9 });
    expect(list).toMatchObject({ kind: "function", feature: "list_value" });
  });

  it("rejects unsupported forms of supported functions and unknown date specifiers", () => {
    // Act / Assess
    expect(rejection("SELECT approx_percentile(x, w, 0.5) FROM t").message).toContain("takes 2 argument(s) on the twin, got 3");
    expect(rejection("SELECT date_format(ts, '%D') FROM t")).toMatchObject({ kind: "format specifier", feature: "%D" });
    expect(rejection("SELECT date_format(ts, fmt) FROM t").message).toContain("format must be a string literal");
    expect(rejection("SELECT date_trunc('decade', ts) FROM t")).toMatchObject({ kind: "unit", feature: "decade" });
    expect(rejection("SELECT ts AT TIME ZONE 'UTC' FROM t")).toMatchObject({ feature: "AT TIME ZONE" });
    expect(rejection("SELECT INTERVAL '1-2' YEAR TO MONTH")).toMatchObject({ kind: "syntax" });
    expect(rejection("SELECT CAST(x AS JSON) FROM t")).toMatchObject({ kind: "type", feature: "JSON" });
    expect(rejection("SELECT `x` FROM t")).toMatchObject({ kind: "syntax", feature: "`x`" });
  });

  it("rejects statements other than queries, views, CTAS and drops", () => {
    // Act / Assess
    expect(rejection("INSERT INTO t VALUES (1)").message).toBe(
      'unsupported Athena statement "INSERT INTO" at line 1, column 1: the twin runs SELECT, CREATE VIEW, CREATE TABLE AS and DROP TABLE/VIEW',
    );
    expect(rejection("  MSCK REPAIR TABLE t")).toMatchObject({ feature: "MSCK REPAIR TABLE", line: 1, column: 3 });
    expect(rejection("CREATE EXTERNAL TABLE t (a int) LOCATION 's3://b/'")).toMatchObject({ feature: "CREATE EXTERNAL TABLE" });
    expect(rejection("CREATE TABLE t (a int)").message).toContain("only CREATE TABLE … AS SELECT");
    expect(rejection("SELECT 1; SELECT 2")).toMatchObject({ feature: "multiple statements", column: 11 });
  });

  it("lists the tables a query reads, without CTE names or catalog prefixes", () => {
    // Act
    const result = translateAthenaSql(`WITH recent AS (SELECT * FROM weather_analytics_dev_db.raw_weather)
      SELECT * FROM recent r JOIN "AwsDataCatalog"."db"."Clean_Weather" c ON r.city = c.city, weather_prod
      WHERE EXISTS (SELECT 1 FROM weather_parquet p WHERE p.city IS DISTINCT FROM r.city)`);
    // Assess
    expect(result.tables).toEqual(["raw_weather", "clean_weather", "weather_prod", "weather_parquet"]);
    expect(result.sql).toContain(`JOIN "clean_weather" c`);
    expect(result.sql).toContain(`FROM "raw_weather"`);
    expect(result.sql).toContain("FROM recent r");
  });

  it("renames functions whose DuckDB namesakes differ to macros or equivalent expressions", () => {
    // Act
    const result = translateAthenaSql(
      "SELECT date_add('day', 1, ts), date_diff('hour', a, b), day_of_week(ts), approx_distinct(c), arbitrary(c) FROM t",
    );
    // Assess
    expect(result.sql).toBe(
      `SELECT athena_date_add('day', 1, ts) AS "_col0", date_sub('hour', a, b) AS "_col1", isodow(ts) AS "_col2", approx_count_distinct(c) AS "_col3", any_value(c) AS "_col4" FROM "t"`,
    );
    expect(result.functions).toEqual(["date_add", "date_diff", "day_of_week", "approx_distinct", "arbitrary"]);
  });

  it("parses CTAS properties into a structure instead of passing them to DuckDB", () => {
    // Act
    const result = translateAthenaSql(`CREATE TABLE weather_prod
      WITH (format = 'parquet', write_compression = 'ZSTD', partitioned_by = ARRAY['year', 'month'],
            external_location = 's3://bucket/prod/', bucket_count = 4)
      AS SELECT city, temperature, year, month FROM clean_weather WITH DATA`);
    // Assess
    expect(result.statement).toEqual({
      kind: "create_table_as",
      name: "weather_prod",
      ifNotExists: false,
      withData: true,
      query: `SELECT city, temperature, year, month FROM "clean_weather"`,
      properties: {
        format: "PARQUET",
        partitionedBy: ["year", "month"],
        bucketedBy: [],
        bucketCount: 4,
        writeCompression: "ZSTD",
        externalLocation: "s3://bucket/prod/",
        all: {
          format: "parquet",
          write_compression: "ZSTD",
          partitioned_by: ["year", "month"],
          external_location: "s3://bucket/prod/",
          bucket_count: 4,
        },
      },
    });
    expect(result.sql).toBe(`CREATE TABLE "weather_prod" AS SELECT city, temperature, year, month FROM "clean_weather"`);
    expect(result.tables).toEqual(["clean_weather"]);
  });

  it("rejects unknown or malformed CTAS properties", () => {
    // Act / Assess
    expect(rejection("CREATE TABLE t WITH (colour = 'red') AS SELECT 1")).toMatchObject({ kind: "table property", feature: "colour" });
    expect(rejection("CREATE TABLE t WITH (partitioned_by = 'year') AS SELECT 1").message).toContain("expects ARRAY");
    expect(rejection("CREATE TABLE t WITH (format = 'CSV') AS SELECT 1").message).toContain("format is one of");
  });

  it("translates DROP TABLE/VIEW [IF EXISTS]", () => {
    // Act
    const result = translateAthenaSql("DROP VIEW IF EXISTS db.clean_weather;");
    // Assess
    expect(result.sql).toBe(`DROP VIEW IF EXISTS "clean_weather"`);
    expect(result.statement).toEqual({ kind: "drop", objectType: "view", name: "clean_weather", ifExists: true });
  });
});
