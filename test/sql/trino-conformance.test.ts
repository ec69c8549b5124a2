import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UnsupportedSqlError } from "../../packages/core/src/sql";
import { openAthenaDuckDb, type AthenaDuckDb } from "./athena-duckdb";

/**
 * Trino's answers, run through the twin's query path (translateAthenaSql, then DuckDB with
 * athenaMacrosSql) on a real in-memory DuckDB. Each case cites the Trino test or doc it follows:
 * a case gives Trino's value (and type, in Trino's name), Trino's error, or the twin's refusal by
 * name (UnsupportedSqlError) — never a different value.
 */
interface Case {
  /** An expression (run as `SELECT <sql>`) or a whole query starting with SELECT/WITH/VALUES. */
  readonly sql: string;
  /** The first cell as DuckDB's JSON rows give it (BIGINT and DECIMAL as strings, like Trino's text). */
  readonly expected?: unknown;
  /** Trino's result type; `decimal(*,s)` checks the scale only (see docs/athena-sql.md). */
  readonly type?: string;
  /** Trino's error: a substring of the message the query fails with. */
  readonly error?: string;
  /** The construct the twin refuses by name: `unsupported Athena <refused>`. */
  readonly refused?: string;
  readonly source: string;
}

const INT_OPS = "trinodb/trino core/trino-main/src/test/java/io/trino/type/TestIntegerOperators.java";
const BIGINT_OPS = "trinodb/trino core/trino-main/src/test/java/io/trino/type/TestBigintOperators.java";
const DECIMAL_OPS = "trinodb/trino core/trino-main/src/test/java/io/trino/type/TestDecimalOperators.java";
const DOUBLE_OPS = "trinodb/trino core/trino-main/src/test/java/io/trino/type/TestDoubleOperators.java";
const STRINGS = "trinodb/trino core/trino-main/src/test/java/io/trino/operator/scalar/TestStringFunctions.java";
const DOUBLE_CAST = `${DOUBLE_OPS} testCastToVarchar`;
const AGG_DOC = "https://trino.io/docs/current/functions/aggregate.html";
const MATH_DOC = "https://trino.io/docs/current/functions/math.html#mathematical-operators";

const CASES: readonly Case[] = [
  // Division and modulus: exact types fail on zero, floats follow IEEE, decimals stay decimal.
  { sql: "37 / 17", expected: 2, type: "integer", source: `${INT_OPS} testDivide` },
  { sql: "-7 / 2", expected: -3, type: "integer", source: `${MATH_DOC} (integer division truncates)` },
  { sql: "17 / 0", error: "Division by zero", source: `${INT_OPS} testDivide` },
  { sql: "17 % 0", error: "Division by zero", source: `${INT_OPS} testModulus` },
  { sql: "37 % 17", expected: 3, type: "integer", source: `${INT_OPS} testModulus` },
  { sql: "CAST(37 AS BIGINT) / CAST(0 AS BIGINT)", error: "Division by zero", source: `${BIGINT_OPS} testDivide` },
  { sql: "CAST(37 AS BIGINT) / 17", expected: "2", type: "bigint", source: `${BIGINT_OPS} testDivide` },
  { sql: "mod(17, 0)", error: "Division by zero", source: "https://trino.io/docs/current/functions/math.html#mod" },
  { sql: "mod(-7, 3)", expected: -1, type: "integer", source: "https://trino.io/docs/current/functions/math.html#mod" },
  { sql: "DECIMAL '1.0' / DECIMAL '3'", expected: "0.3", type: "decimal(*,1)", source: `${DECIMAL_OPS} testDivide` },
  { sql: "DECIMAL '1' / DECIMAL '3'", expected: "0", type: "decimal(*,0)", source: `${DECIMAL_OPS} testDivide` },
  { sql: "DECIMAL '1.0' / DECIMAL '0.1'", expected: "10.0", source: `${DECIMAL_OPS} testDivide` },
  { sql: "DECIMAL '100.00' / DECIMAL '0.3'", expected: "333.33", type: "decimal(*,2)", source: `${DECIMAL_OPS} testDivide` },
  { sql: "DECIMAL '100.00' / DECIMAL '-0.30'", expected: "-333.33", source: `${DECIMAL_OPS} testDivide` },
  { sql: "DECIMAL '200.00' / DECIMAL '0.3'", expected: "666.67", source: `${DECIMAL_OPS} testDivide (rounds half up)` },
  { sql: "DECIMAL '1' / DECIMAL '0'", error: "Division by zero", source: `${DECIMAL_OPS} testDivide` },
  { sql: "DECIMAL '1.0' % DECIMAL '0'", error: "Division by zero", source: `${DECIMAL_OPS} testModulus` },
  { sql: "DECIMAL '13.0' % DECIMAL '5'", expected: "3.0", source: `${DECIMAL_OPS} testModulus` },
  { sql: "5 / 2.0", expected: "2.5", type: "decimal(*,1)", source: `${MATH_DOC} (2.0 is a DECIMAL literal)` },
  { sql: "1.0E0 / 0", expected: "Infinity", type: "double", source: `${DOUBLE_OPS} testDivide` },
  { sql: "-1.0E0 / 0", expected: "-Infinity", type: "double", source: `${DOUBLE_OPS} testDivide` },
  { sql: "0.0E0 / 0.0E0", expected: "NaN", type: "double", source: `${DOUBLE_OPS} testDivide` },
  { sql: "is_nan(0.0E0 / 0.0E0)", expected: true, source: "https://trino.io/docs/current/functions/math.html#is_nan" },
  { sql: "is_infinite(1.0E0 / 0)", expected: true, source: "https://trino.io/docs/current/functions/math.html#is_infinite" },
  { sql: "37.7E0 / 2", expected: 18.85, type: "double", source: `${DOUBLE_OPS} testDivide` },
  { sql: "5.0E0 % 0", expected: "NaN", type: "double", source: `${DOUBLE_OPS} testModulus` },
  { sql: "2 * -3 / 2", expected: -3, source: `${MATH_DOC} (* and / associate left)` },
  { sql: "100 / 10 / 5", expected: 2, source: `${MATH_DOC} (* and / associate left)` },
  { sql: "SELECT sum(x) / count(*) FROM (VALUES (1), (2), (4)) AS t(x)", expected: "2", source: `${MATH_DOC} (bigint / bigint)` },
  { sql: "SELECT x / y FROM (VALUES (1, 0)) AS t(x, y)", error: "Division by zero", source: `${INT_OPS} testDivide` },

  // CAST(DOUBLE AS VARCHAR): scientific notation with the shortest digits.
  { sql: "CAST(37.7E0 AS varchar)", expected: "3.77E1", type: "varchar", source: DOUBLE_CAST },
  { sql: "CAST(17.1E0 AS varchar)", expected: "1.71E1", source: DOUBLE_CAST },
  { sql: "CAST(0E0 / 0E0 AS varchar)", expected: "NaN", source: DOUBLE_CAST },
  { sql: "CAST(12e2 AS varchar(50))", expected: "1.2E3", source: DOUBLE_CAST },
  { sql: "CAST(12345678.9e0 AS varchar(50))", expected: "1.23456789E7", source: DOUBLE_CAST },
  { sql: "CAST(DOUBLE 'Infinity' AS varchar(50))", expected: "Infinity", source: DOUBLE_CAST },
  { sql: "CAST(DOUBLE 'NaN' AS varchar(3))", expected: "NaN", source: DOUBLE_CAST },
  { sql: "CAST(12e2 AS varchar(5))", expected: "1.2E3", source: DOUBLE_CAST },
  { sql: "CAST(0e0 AS varchar)", expected: "0E0", source: `${DOUBLE_CAST} (the error message's rendering of 0e0)` },
  { sql: "CAST(-0e0 AS varchar)", expected: "-0E0", source: `${DOUBLE_CAST} (the error message's rendering of -0e0)` },
  { sql: "SELECT CAST(x AS varchar) FROM (VALUES (-0.00125E0)) AS t(x)", expected: "-1.25E-3", source: `${DOUBLE_CAST} (same rule, negative exponent)` },
  { sql: "SELECT CAST(x AS varchar) FROM (VALUES (1E20)) AS t(x)", expected: "1E20", source: `${DOUBLE_CAST} (same rule as 0E0)` },
  { sql: "CAST(37 AS varchar)", expected: "37", source: "https://trino.io/docs/current/functions/conversion.html#cast" },
  { sql: "CAST(DECIMAL '-0.5' AS varchar)", expected: "-0.5", source: "trinodb/trino core/trino-main/src/test/java/io/trino/type/TestDecimalCasts.java testDecimalToVarcharCasts (same rule as 0.0034)" },
  { sql: "CAST(DECIMAL '23400' AS varchar)", expected: "23400", source: "trinodb/trino core/trino-main/src/test/java/io/trino/type/TestDecimalCasts.java testDecimalToVarcharCasts" },
  { sql: "CAST(DECIMAL '0.0034' AS varchar)", expected: "0.0034", source: "trinodb/trino core/trino-main/src/test/java/io/trino/type/TestDecimalCasts.java testDecimalToVarcharCasts" },

  // substr: https://trino.io/docs/current/functions/string.html#substr and TestStringFunctions.testSubstring
  { sql: "substr('Quadratically', 5, 6)", expected: "ratica", source: "trinodb/trino core/trino-main/src/test/java/io/trino/operator/scalar/TestStringFunctions.java testSubstring" },
  { sql: "substr('Quadratically', 0)", expected: "", source: "trinodb/trino core/trino-main/src/test/java/io/trino/operator/scalar/TestStringFunctions.java testSubstring" },
  { sql: "substr('Quadratically', 0, 5)", expected: "", source: "trinodb/trino core/trino-main/src/test/java/io/trino/operator/scalar/TestStringFunctions.java testSubstring" },
  { sql: "substr('Quadratically', 50)", expected: "", source: "trinodb/trino core/trino-main/src/test/java/io/trino/operator/scalar/TestStringFunctions.java testSubstring" },
  { sql: "substr('Quadratically', -5)", expected: "cally", source: "trinodb/trino core/trino-main/src/test/java/io/trino/operator/scalar/TestStringFunctions.java testSubstring" },

  // replace, lpad/rpad, split_part: TestStringFunctions testReplace, testLeftPad, testRightPad, testSplitPart.
  { sql: "replace('abc', '', 'xx')", expected: "xxaxxbxxcxx", type: "varchar", source: `${STRINGS} testReplace` },
  { sql: "replace('', '', 'xx')", expected: "xx", source: `${STRINGS} testReplace` },
  { sql: "replace('foo', '')", expected: "foo", source: `${STRINGS} testReplace` },
  { sql: "replace('', '', '')", expected: "", source: `${STRINGS} testReplace` },
  { sql: "replace('0000123', '0', ' ')", expected: "    123", source: `${STRINGS} testReplace` },
  { sql: "replace('abcdefabcdef', 'cd')", expected: "abefabef", source: `${STRINGS} testReplace` },
  { sql: "lpad('text', 3, 'xy')", expected: "tex", source: `${STRINGS} testLeftPad` },
  { sql: "lpad('', 3, 'a')", expected: "aaa", source: `${STRINGS} testLeftPad` },
  { sql: "lpad('abc', 0, 'e')", expected: "", source: `${STRINGS} testLeftPad` },
  { sql: "lpad('abc', 3, '')", error: "Padding string must not be empty", source: `${STRINGS} testLeftPad` },
  { sql: "lpad('abc', -1, 'foo')", error: "Target length must be in the range [0..2147483647]", source: `${STRINGS} testLeftPad` },
  { sql: "rpad('text', 7, 'xy')", expected: "textxyx", source: `${STRINGS} testRightPad` },
  { sql: "rpad('abc', 3, '')", error: "Padding string must not be empty", source: `${STRINGS} testRightPad` },
  { sql: "rpad('abc', -1, 'foo')", error: "Target length must be in the range [0..2147483647]", source: `${STRINGS} testRightPad` },
  { sql: "split_part('abc', '', 0)", error: "Index must be greater than zero", source: `${STRINGS} testSplitPart` },
  { sql: "split_part('abc', '', -1)", error: "Index must be greater than zero", source: `${STRINGS} testSplitPart` },
  { sql: "split_part('abcdddddef', 'dd', 2)", expected: "", source: `${STRINGS} testSplitPart` },
  { sql: "split_part('a/b/c', '/', 4)", expected: null, source: `${STRINGS} testSplitPart` },
  { sql: "split_part('a/b/c/', '/', 4)", expected: "", source: `${STRINGS} testSplitPart` },

  // Aggregate result types: https://trino.io/docs/current/functions/aggregate.html
  { sql: "SELECT sum(x) FROM (VALUES (DECIMAL '1.5'), (DECIMAL '2.25')) AS t(x)", expected: "3.75", type: "decimal(38,2)", source: `${AGG_DOC}#sum (decimal(38,s))` },
  { sql: "SELECT sum(x) FROM (VALUES (1.5E0), (2.0E0)) AS t(x)", expected: 3.5, type: "double", source: `${AGG_DOC}#sum` },
  { sql: "SELECT sum(x) FROM (VALUES (1), (2), (4)) AS t(x)", expected: "7", type: "bigint", source: `${AGG_DOC}#sum (bigint for integers)` },
  { sql: "SELECT sum(CAST(x AS TINYINT)) FROM (VALUES (100), (100)) AS t(x)", expected: "200", type: "bigint", source: `${AGG_DOC}#sum (bigint for integers)` },
  { sql: "SELECT sum(CAST(x AS BIGINT)) FROM (VALUES (1), (2)) AS t(x)", expected: "3", type: "bigint", source: `${AGG_DOC}#sum` },
  { sql: "SELECT sum(DISTINCT x) FROM (VALUES (1), (1), (2)) AS t(x)", expected: "3", type: "bigint", source: `${AGG_DOC}#sum` },
  { sql: "SELECT sum(x) FILTER (WHERE x > 1) FROM (VALUES (1), (2), (4)) AS t(x)", expected: "6", type: "bigint", source: "https://trino.io/docs/current/functions/aggregate.html#filtering-during-aggregation" },
  { sql: "SELECT sum(x) OVER (ORDER BY x) FROM (VALUES (1), (2), (4)) AS t(x) ORDER BY 1 DESC", expected: "7", type: "bigint", source: "https://trino.io/docs/current/functions/window.html#aggregate-functions" },
  { sql: "SELECT sum(x) FROM (VALUES (1), (2)) AS t(x) GROUP BY GROUPING SETS ((x), ()) ORDER BY 1 DESC", expected: "3", type: "bigint", source: "https://trino.io/docs/current/sql/select.html#grouping-sets" },
  { sql: "SELECT sum(x) FROM (VALUES (REAL '1.5'), (REAL '2.0')) AS t(x)", expected: 3.5, type: "real", source: `${AGG_DOC}#sum` },
  { sql: "SELECT sum(x) FROM (VALUES (1), (2)) AS t(x) WHERE x > 5", expected: null, type: "bigint", source: `${AGG_DOC} (NULL over no rows)` },
  { sql: "SELECT count_if(x > 1) FROM (VALUES (1), (2), (3)) AS t(x)", expected: "2", type: "bigint", source: `${AGG_DOC}#count_if` },
  { sql: "SELECT count_if(x > 1) OVER (ORDER BY x) FROM (VALUES (1), (2), (3)) AS t(x) ORDER BY 1 DESC", expected: "2", type: "bigint", source: "https://trino.io/docs/current/functions/window.html#aggregate-functions" },
  { sql: "SELECT count_if(x > 1) FILTER (WHERE x < 3) FROM (VALUES (1), (2), (3)) AS t(x)", expected: "1", type: "bigint", source: "https://trino.io/docs/current/functions/aggregate.html#filtering-during-aggregation" },
];

// DuckDB's type names → Trino's.
function trinoType(duckdb: string): string {
  const decimal = /^DECIMAL\((\d+),(\d+)\)$/.exec(duckdb);
  if (decimal) return `decimal(${decimal[1]},${decimal[2]})`;
  const names: Record<string, string> = { INTEGER: "integer", BIGINT: "bigint", SMALLINT: "smallint", TINYINT: "tinyint", DOUBLE: "double", FLOAT: "real", VARCHAR: "varchar", BOOLEAN: "boolean", DATE: "date", TIMESTAMP: "timestamp", "TIMESTAMP WITH TIME ZONE": "timestamp with time zone", TIME: "time", INTERVAL: "interval", BLOB: "varbinary" };
  return names[duckdb] ?? `duckdb:${duckdb}`;
}

function typeMatches(actual: string, expected: string): boolean {
  const scaleOnly = /^decimal\(\*,(\d+)\)$/.exec(expected);
  if (scaleOnly) return new RegExp(`^decimal\\(\\d+,${scaleOnly[1]}\\)$`).test(actual);
  return actual === expected;
}

describe("conformance with Trino (Athena engine v3)", () => {
  let db: AthenaDuckDb;
  beforeAll(async () => {
    db = await openAthenaDuckDb();
  });
  afterAll(() => db.close());

  it.each(CASES.map((c) => [c.sql, c] as const))("%s", async (_sql, c) => {
    // Prepare
    const sql = /^\s*(SELECT|WITH|VALUES)\b/i.test(c.sql) ? c.sql : `SELECT ${c.sql}`;
    // Act
    const outcome = await db.athenaTyped(sql).then(
      (result) => ({ ok: true as const, type: trinoType(result.types[0]!), value: result.rows[0]![0] }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    // Assess
    if (c.refused !== undefined) {
      expect(outcome.ok ? outcome : outcome.error, c.source).toBeInstanceOf(UnsupportedSqlError);
      expect((outcome as { error: Error }).error.message).toContain(`unsupported Athena ${c.refused}`);
    } else if (c.error !== undefined) {
      expect(outcome.ok, `${c.source}: expected an error, got ${JSON.stringify(outcome)}`).toBe(false);
      expect(String((outcome as { error: Error }).error.message)).toContain(c.error);
    } else {
      if (!outcome.ok) throw outcome.error;
      expect(outcome.value, c.source).toEqual(c.expected);
      if (c.type !== undefined) expect(typeMatches(outcome.type, c.type), `${c.source}: type ${outcome.type}, Trino ${c.type}`).toBe(true);
    }
  });
});
