import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UnrenderableTypeError, athenaText, athenaTypeName, javaDoubleText, javaFloatText } from "../../packages/core/src/twin/athena-text";

const PYATHENA_CONVERTER = "laughingman7743/PyAthena pyathena/converter.py (parses GetQueryResults' VarCharValue per ColumnInfo.Type)";
const PYATHENA_COMPLEX = "laughingman7743/PyAthena tests/pyathena/test_cursor.py test_complex (one_row_complex read back from Athena)";
const JAVA_DOUBLE = "https://docs.oracle.com/javase/8/docs/api/java/lang/Double.html#toString-double-";

/**
 * Each case is a DuckDB expression (the twin's translated SQL), the Athena type name and the text
 * Athena's GetQueryResults gives for it, with the source of that form.
 */
const CASES: readonly { duckdb: string; type: string; text: string | null; source: string }[] = [
  { duckdb: "CAST(2147483647 AS INTEGER)", type: "integer", text: "2147483647", source: PYATHENA_COMPLEX },
  { duckdb: "CAST(9223372036854775807 AS BIGINT)", type: "bigint", text: "9223372036854775807", source: PYATHENA_COMPLEX },
  { duckdb: "CAST(127 AS TINYINT)", type: "tinyint", text: "127", source: PYATHENA_COMPLEX },
  { duckdb: "CAST(32767 AS SMALLINT)", type: "smallint", text: "32767", source: PYATHENA_COMPLEX },
  { duckdb: "true", type: "boolean", text: "true", source: PYATHENA_CONVERTER },
  { duckdb: "CAST(0.25 AS DOUBLE)", type: "double", text: "0.25", source: PYATHENA_COMPLEX },
  { duckdb: "CAST(0.5 AS FLOAT)", type: "real", text: "0.5", source: PYATHENA_COMPLEX },
  { duckdb: "CAST('0.1' AS DECIMAL(10,1))", type: "decimal(10,1)", text: "0.1", source: PYATHENA_COMPLEX },
  { duckdb: "CAST('1.50' AS DECIMAL(5,2))", type: "decimal(5,2)", text: "1.50", source: "https://trino.io/docs/current/language/types.html#decimal (the declared scale is kept)" },
  { duckdb: "CAST('-0.05' AS DECIMAL(2,2))", type: "decimal(2,2)", text: "-0.05", source: "https://trino.io/docs/current/language/types.html#decimal" },
  { duckdb: "CAST('12345678901234567890.12' AS DECIMAL(38,2))", type: "decimal(38,2)", text: "12345678901234567890.12", source: "https://trino.io/docs/current/language/types.html#decimal (38 digits, no rounding through a double)" },
  { duckdb: "'a string'", type: "varchar", text: "a string", source: PYATHENA_COMPLEX },
  { duckdb: "DATE '2017-01-02'", type: "date", text: "2017-01-02", source: `${PYATHENA_CONVERTER} _to_date %Y-%m-%d` },
  { duckdb: "TIMESTAMP '2017-01-01 00:00:00'", type: "timestamp", text: "2017-01-01 00:00:00.000", source: `${PYATHENA_CONVERTER} _to_datetime %Y-%m-%d %H:%M:%S.%f; ${PYATHENA_COMPLEX} (precision 3)` },
  { duckdb: "TIMESTAMP '2024-11-24 13:05:09.120'", type: "timestamp", text: "2024-11-24 13:05:09.120", source: PYATHENA_CONVERTER },
  { duckdb: "TIMESTAMP '1969-12-31 23:59:59.5'", type: "timestamp", text: "1969-12-31 23:59:59.500", source: PYATHENA_CONVERTER },
  { duckdb: "TIME '01:02:03'", type: "time", text: "01:02:03.000", source: `${PYATHENA_CONVERTER} _to_time %H:%M:%S.%f` },
  { duckdb: "TIMESTAMPTZ '2017-01-01 00:00:00+00'", type: "timestamp with time zone", text: "2017-01-01 00:00:00.000 UTC", source: "https://trino.io/docs/current/language/types.html#timestamp-with-time-zone" },
  { duckdb: "CAST('123' AS BLOB)", type: "varbinary", text: "31 32 33", source: `${PYATHENA_CONVERTER} _to_binary (hex bytes separated by spaces); ${PYATHENA_COMPLEX} (b"123")` },
  { duckdb: "[1, 2]", type: "array(integer)", text: "[1, 2]", source: PYATHENA_COMPLEX },
  { duckdb: "[[1, 2], [3, 4]]", type: "array(array(integer))", text: "[[1, 2], [3, 4]]", source: "https://docs.aws.amazon.com/athena/latest/ug/creating-arrays.html" },
  { duckdb: "[['hello', 'amazon', 'athena'], ['hi', 'alexa']]", type: "array(array(varchar))", text: "[[hello, amazon, athena], [hi, alexa]]", source: "https://docs.aws.amazon.com/athena/latest/ug/creating-arrays.html" },
  { duckdb: "[1, NULL]", type: "array(integer)", text: "[1, null]", source: "https://trino.io/docs/current/language/types.html#array (a NULL element)" },
  { duckdb: "MAP {1: 2, 3: 4}", type: "map(integer, integer)", text: "{1=2, 3=4}", source: PYATHENA_COMPLEX },
  { duckdb: "MAP {'first': 'Bob'}", type: "map(varchar, varchar)", text: "{first=Bob}", source: "https://docs.aws.amazon.com/athena/latest/ug/arrays-create-maps.html" },
  { duckdb: "{'a': 1, 'b': 2}", type: "row(a integer, b integer)", text: "{a=1, b=2}", source: PYATHENA_COMPLEX },
  { duckdb: "{'name': 'Bob', 'age': 38}", type: "row(name varchar, age integer)", text: "{name=Bob, age=38}", source: "https://docs.aws.amazon.com/athena/latest/ug/changing-row-arrays-with-cast.html" },
  { duckdb: "CAST(NULL AS VARCHAR)", type: "varchar", text: null, source: "https://docs.aws.amazon.com/athena/latest/APIReference/API_Datum.html (NULL: no VarCharValue)" },
];

describe("Athena's GetQueryResults text of DuckDB results", () => {
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  beforeAll(async () => {
    instance = await DuckDBInstance.create(":memory:");
    connection = await instance.connect();
  });
  afterAll(() => {
    connection.closeSync();
    instance.closeSync();
  });

  it.each(CASES.map((c) => [c.duckdb, c] as const))("%s", async (_sql, c) => {
    // Act
    const reader = await connection.runAndReadAll(`SELECT ${c.duckdb}`);
    const type = reader.columnTypes()[0]!;

    // Assess
    expect(athenaTypeName(type), c.source).toBe(c.type);
    expect(athenaText(reader.getRows()[0]![0]!, type), c.source).toBe(c.text);
  });

  it.each(["'infinity'::DATE", "'-infinity'::TIMESTAMP"])("refuses DuckDB's %s, a value Trino does not have", async (sql) => {
    const reader = await connection.runAndReadAll(`SELECT ${sql}`);
    expect(() => athenaText(reader.getRows()[0]![0]!, reader.columnTypes()[0]!)).toThrow(/cannot render .*'infinity'/);
  });

  it.each(["INTERVAL 1 DAY", "CAST(1 AS HUGEINT)", "uuid()", "row(1, 'a')"])("refuses %s by name instead of rendering it some other way", async (sql) => {
    // Prepare
    const reader = await connection.runAndReadAll(`SELECT ${sql}`);
    const type = reader.columnTypes()[0]!;

    // Act
    const render = () => athenaText(reader.getRows()[0]![0]!, type) ?? athenaTypeName(type);

    // Assess
    expect(render).toThrow(UnrenderableTypeError);
    expect(render).toThrow(type.toString());
  });
});

describe("Java's Double.toString and Float.toString", () => {
  it.each([
    [1, "1.0"],
    [37.7, "37.7"],
    [0.001, "0.001"],
    [0.0001, "1.0E-4"],
    [1234567, "1234567.0"],
    [1e7, "1.0E7"],
    [12345678.9, "1.23456789E7"],
    [1e10, "1.0E10"],
    [-2.5e-5, "-2.5E-5"],
    [0, "0.0"],
    [-0, "-0.0"],
    [Number.NaN, "NaN"],
    [Number.POSITIVE_INFINITY, "Infinity"],
    [Number.NEGATIVE_INFINITY, "-Infinity"],
  ])("Double.toString(%s) is %s", (value, text) => {
    // Act / Assess: plain between 10^-3 and 10^7, else computerized scientific notation (the Javadoc's rule)
    expect(javaDoubleText(value), JAVA_DOUBLE).toBe(text);
  });

  it.each([
    [Math.fround(37.7), "37.7"],
    [Math.fround(0.1), "0.1"],
    [Math.fround(1e10), "1.0E10"],
    [Math.fround(16777217), "1.6777216E7"],
  ])("Float.toString(%s) is %s, the shortest digits of the 32-bit value", (value, text) => {
    // Act / Assess
    expect(javaFloatText(value), "https://docs.oracle.com/javase/8/docs/api/java/lang/Float.html#toString-float-").toBe(text);
  });
});
