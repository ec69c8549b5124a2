import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UnsupportedSqlError } from "../../packages/core/src/sql";
import { athenaWording } from "../../packages/core/src/twin/twin-warehouse";
import { openAthenaDuckDb, trinoType, type AthenaDuckDb } from "./athena-duckdb";

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
  /** Trino's error: a substring of the message the query fails with, as the twin words it (athenaWording). */
  readonly error?: string;
  /** The construct the twin refuses by name: `unsupported Athena <refused>`. */
  readonly refused?: string;
  readonly source: string;
}

const INT_OPS = "trinodb/trino core/trino-main/src/test/java/io/trino/type/TestIntegerOperators.java";
const DOUBLE_MAIN = "trinodb/trino core/trino-main/src/main/java/io/trino/type/DoubleOperators.java";
const INT_MAIN = "trinodb/trino core/trino-main/src/main/java/io/trino/type/IntegerOperators.java";
const VARCHAR_MAIN = "trinodb/trino core/trino-main/src/main/java/io/trino/type/VarcharOperators.java";
const BIGINT_OPS = "trinodb/trino core/trino-main/src/test/java/io/trino/type/TestBigintOperators.java";
const DECIMAL_OPS = "trinodb/trino core/trino-main/src/test/java/io/trino/type/TestDecimalOperators.java";
const DOUBLE_OPS = "trinodb/trino core/trino-main/src/test/java/io/trino/type/TestDoubleOperators.java";
const STRINGS_MAIN = "trinodb/trino core/trino-main/src/main/java/io/trino/operator/scalar/StringFunctions.java";
const STRINGS = "trinodb/trino core/trino-main/src/test/java/io/trino/operator/scalar/TestStringFunctions.java";
const DOUBLE_CAST = `${DOUBLE_OPS} testCastToVarchar`;
const AGG_DECIMAL_AVG = "trinodb/trino core/trino-main/src/test/java/io/trino/operator/aggregation/TestDecimalAverageAggregation.java";
const APPROX_PERCENTILE = "trinodb/trino core/trino-main/src/test/java/io/trino/operator/aggregation/TestApproximatePercentileAggregation.java";
const AGG_DOC = "https://trino.io/docs/current/functions/aggregate.html";
const REGEXP = "trinodb/trino core/trino-main/src/test/java/io/trino/operator/scalar/AbstractTestRegexpFunctions.java";
const ARRAY_OPS = "trinodb/trino core/trino-main/src/test/java/io/trino/type/TestArrayOperators.java";
const MATH_MAIN = "trinodb/trino core/trino-main/src/main/java/io/trino/operator/scalar/MathFunctions.java";
const MATH = "trinodb/trino core/trino-main/src/test/java/io/trino/operator/scalar/TestMathFunctions.java";
const REAL_CAST = "trinodb/trino core/trino-main/src/test/java/io/trino/type/TestRealOperators.java testCastToVarchar";
const DATETIME_FUNCTIONS = "trinodb/trino core/trino-main/src/main/java/io/trino/operator/scalar/DateTimeFunctions.java";
const LAMBDA_DOC = "https://trino.io/docs/current/functions/lambda.html";
const UNNEST_DOC = "https://trino.io/docs/current/sql/select.html#unnest";
const JSON_FUNCTIONS = "trinodb/trino core/trino-main/src/test/java/io/trino/operator/scalar/TestJsonFunctions.java";
const JSON_EXTRACT = "trinodb/trino core/trino-main/src/test/java/io/trino/operator/scalar/TestJsonExtract.java";
const JSON_DOC = "https://trino.io/docs/current/functions/json.html";
const ARRAY_DOC = "https://trino.io/docs/current/functions/array.html";
const DATETIME_DOC = "https://trino.io/docs/current/functions/datetime.html";
const WINDOW_DOC = "https://trino.io/docs/current/functions/window.html";
const DECIMAL_CONVERSIONS = "trinodb/trino core/trino-spi/src/main/java/io/trino/spi/type/DecimalConversions.java";
const TYPES_DOC = "https://trino.io/docs/current/language/types.html";
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

  // A window function as an operand keeps Trino's division, types and casts (the operand reaches the macro through a lambda).
  { sql: "SELECT x / lag(x) OVER (ORDER BY x) FROM (VALUES (2), (5)) AS t(x) ORDER BY x DESC", expected: 2, type: "integer", source: `${INT_OPS} testDivide; ${WINDOW_DOC}#lag` },
  { sql: "SELECT lag(x) OVER (ORDER BY x) / x FROM (VALUES (2), (5)) AS t(x) ORDER BY x DESC", expected: 0, type: "integer", source: `${INT_OPS} testDivide; ${WINDOW_DOC}#lag` },
  { sql: "SELECT x / (x - lag(x, 1, x) OVER (ORDER BY x)) FROM (VALUES (3)) AS t(x)", error: "Division by zero", source: `${INT_OPS} testDivide; ${WINDOW_DOC}#lag` },
  { sql: "SELECT x % lag(x, 1, 0) OVER (ORDER BY x) FROM (VALUES (3)) AS t(x)", error: "Division by zero", source: `${INT_OPS} testModulus; ${WINDOW_DOC}#lag` },
  { sql: "SELECT sum(x) OVER () / 0 FROM (VALUES (1), (2)) AS t(x)", error: "Division by zero", source: `${BIGINT_OPS} testDivide; ${WINDOW_DOC}#aggregate-functions` },
  { sql: "SELECT CAST(x AS DOUBLE) / lag(x, 1, 0) OVER w FROM (VALUES (3)) AS t(x) WINDOW w AS (ORDER BY x)", expected: "Infinity", type: "double", source: `${DOUBLE_OPS} testDivide; https://trino.io/docs/current/sql/select.html#window-clause` },
  { sql: "SELECT count(x) FILTER (WHERE x > 1) / 0 FROM (VALUES (1), (2)) AS t(x)", error: "Division by zero", source: `${BIGINT_OPS} testDivide; ${AGG_DOC}#filtering-during-aggregation` },
  { sql: "SELECT 100.0 * sum(x) / sum(sum(x)) OVER () FROM (VALUES (1), (2)) AS t(x) GROUP BY x ORDER BY 1", expected: "33.3", type: "decimal(*,1)", source: `${DECIMAL_OPS} testDivide (scale max(s1, s2), rounded half up)` },
  { sql: "SELECT round(avg(x) OVER (), 1) FROM (VALUES (1), (2)) AS t(x)", expected: 1.5, type: "double", source: `${MATH} testRound; ${WINDOW_DOC}#aggregate-functions` },
  { sql: "SELECT sign(lag(x) OVER (ORDER BY x)) FROM (VALUES (2), (5)) AS t(x) ORDER BY x DESC", expected: 1, type: "integer", source: `${MATH} testSign (sign keeps the integer type)` },
  { sql: "SELECT CAST(avg(x) OVER () AS INTEGER) FROM (VALUES (2), (3)) AS t(x)", expected: 3, type: "integer", source: "trinodb/trino core/trino-main/src/test/java/io/trino/type/TestDoubleOperators.java testCastToInteger (2.5 rounds half up to 3)" },
  { sql: "SELECT lag(d) OVER (ORDER BY d) + INTERVAL '1' DAY FROM (VALUES (DATE '2020-01-01'), (DATE '2020-01-02')) AS t(d) ORDER BY d DESC", expected: "2020-01-02", type: "date", source: "trinodb/trino core/trino-main/src/main/java/io/trino/type/DateTimeOperators.java datePlusIntervalDayToSecond" },
  { sql: "SELECT date_trunc('month', lag(d) OVER (ORDER BY d)) FROM (VALUES (DATE '2020-01-05'), (DATE '2020-01-09')) AS t(d) ORDER BY d DESC", expected: "2020-01-01", type: "date", source: `${DATETIME_DOC}#date_trunc (the input type)` },

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
  { sql: "SELECT CAST(x AS varchar) FROM (VALUES (1E20)) AS t(x)", expected: "1.0E20", source: `${DOUBLE_MAIN} (FORMAT = DecimalFormat("0.0###################E0"))` },
  { sql: "CAST(4.0E0 AS varchar)", expected: "4.0E0", source: `${DOUBLE_MAIN} (FORMAT = DecimalFormat("0.0###################E0"): one fraction digit at least)` },
  { sql: "CAST(REAL '1' AS varchar)", expected: "1.0E0", source: `${REAL_CAST} (same pattern for REAL)` },
  { sql: "CAST(ARRAY[1, 2] AS varchar)", error: "TYPE_MISMATCH: Cannot cast array to varchar", source: "https://trino.io/docs/current/functions/conversion.html#cast (no cast from array(integer) to varchar; DuckDB prints [1, 2])" },
  { sql: "CAST((1, 'a') AS varchar)", error: "TYPE_MISMATCH: Cannot cast row to varchar", source: "https://trino.io/docs/current/functions/conversion.html#cast (no cast from a row to varchar; DuckDB prints (1, a))" },
  { sql: "array_join(ARRAY[ARRAY[1]], ',')", error: "Cannot cast array to varchar", source: `${ARRAY_DOC}#array_join (elements must cast to varchar)` },
  { sql: "SELECT CAST(ts AS varchar) FROM (VALUES (TIMESTAMP '2025-01-05 10:00:00.000')) AS t(ts)", expected: "2025-01-05 10:00:00.000", source: `${TYPES_DOC}#timestamp-p (a timestamp(3), as a Glue timestamp column, prints 3 digits; DuckDB: 2025-01-05 10:00:00)` },
  { sql: "SELECT CAST(date_trunc('day', ts) AS varchar) FROM (VALUES (TIMESTAMP '2025-01-05 10:11:12.345')) AS t(ts)", expected: "2025-01-05 00:00:00.000", source: `${TYPES_DOC}#timestamp-p; ${DATETIME_DOC}#date_trunc` },
  { sql: "CAST(TIMESTAMP '2025-01-05 10:00:00.123456' AS varchar)", expected: "2025-01-05 10:00:00.123456", source: `${TYPES_DOC}#timestamp-p (timestamp(6))` },
  { sql: "CAST(TIMESTAMP '2020-05-01 12:34:56' AS varchar)", expected: "2020-05-01 12:34:56", source: "trinodb/trino core/trino-main/src/test/java/io/trino/operator/scalar/timestamp/TestTimestamp.java testCastToVarchar (timestamp(0): no fraction)" },
  { sql: "CAST(TIMESTAMP '2020-05-01 12:34:56.1' AS varchar)", expected: "2020-05-01 12:34:56.1", source: "trinodb/trino core/trino-main/src/test/java/io/trino/operator/scalar/timestamp/TestTimestamp.java testCastToVarchar (timestamp(1))" },
  { sql: "CAST(TIMESTAMP '2020-05-01' AS varchar)", expected: "2020-05-01 00:00:00", source: `${TYPES_DOC}#timestamp-p (a date-only literal is timestamp(0))` },
  { sql: "CAST(TIMESTAMP '2020-02-30 10:00:00' AS varchar)", error: "", source: `${TYPES_DOC}#timestamp-p (an impossible literal still fails)` },
  { sql: "CAST(from_unixtime(0) AS varchar)", expected: "1970-01-01 00:00:00.000 UTC", source: `${DATETIME_DOC}#from_unixtime (timestamp(3) with time zone); ${TYPES_DOC}#timestamp-p-with-time-zone` },
  { sql: "CAST(1.005E0 AS DECIMAL(5,2))", expected: "1.01", type: "decimal(5,2)", source: `${DECIMAL_CONVERSIONS} doubleToLongDecimal (BigDecimal.valueOf(value).setScale(scale, HALF_UP); DuckDB rounds the binary value: 1.00)` },
  { sql: "CAST(-1.005E0 AS DECIMAL(5,2))", expected: "-1.01", source: `${DECIMAL_CONVERSIONS} doubleToLongDecimal (HALF_UP)` },
  { sql: "CAST(REAL '2.675' AS DECIMAL(5,2))", expected: "2.68", source: `${DECIMAL_CONVERSIONS} realToLongDecimal (new BigDecimal(String.valueOf(float)); DuckDB: 2.67)` },
  { sql: "CAST(1e20 AS DECIMAL(38,2))", expected: "100000000000000000000.00", source: `${DECIMAL_CONVERSIONS} doubleToLongDecimal` },
  { sql: "CAST(DECIMAL '1.25' AS DECIMAL(3,1))", expected: "1.3", source: `${DECIMAL_CONVERSIONS} shortToShortCast (half up)` },
  { sql: "CAST(1e10 AS DECIMAL(3,1))", error: "INVALID_CAST_ARGUMENT", source: `${DECIMAL_CONVERSIONS} doubleToLongDecimal (Cannot cast DOUBLE '1.0E10' to DECIMAL(3, 1))` },
  { sql: "TRY_CAST(1e10 AS DECIMAL(3,1))", expected: null, source: "https://trino.io/docs/current/functions/conversion.html#try-cast" },
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

  { sql: "substr('abc', 2, -1)", expected: "", source: `${STRINGS_MAIN} substr ("length <= 0": ''; DuckDB counts backwards: 'a')` },
  { sql: "substr('abc', -5)", expected: "", source: `${STRINGS_MAIN} substr (a negative start before the beginning; DuckDB: 'abc')` },
  { sql: "substr('abc', -4, 3)", expected: "", source: `${STRINGS_MAIN} substr (DuckDB: 'ab')` },
  { sql: "substr('abc', -3, 2)", expected: "ab", source: `${STRINGS_MAIN} substr` },
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

  // regexp_extract: NULL for no match and for a group that took no part; group checks.
  { sql: "regexp_extract('Hello world bye', '\\b[a-z]([a-z]*)')", expected: "world", type: "varchar", source: `${REGEXP} testRegexpExtract` },
  { sql: "regexp_extract('Hello world bye', '\\b[a-z]([a-z]*)', 1)", expected: "orld", source: `${REGEXP} testRegexpExtract` },
  { sql: "regexp_extract('rat cat\nbat dog', 'ra(.)|blah(.)(.)', 2)", expected: null, source: `${REGEXP} testRegexpExtract` },
  { sql: "regexp_extract('12345', 'x')", expected: null, source: `${REGEXP} testRegexpExtract` },
  { sql: "regexp_extract('Baby X', 'by ([A-Z].*)\\b[a-z]')", expected: null, source: `${REGEXP} testRegexpExtract` },
  { sql: "regexp_extract('Hello world bye', '\\b[a-z]([a-z]*)', -1)", error: "Group cannot be negative", source: `${REGEXP} testRegexpExtract` },
  { sql: "regexp_extract('Hello world bye', '\\b[a-z]([a-z]*)', 2)", error: "Pattern has 1 groups. Cannot access group 2", source: `${REGEXP} testRegexpExtract` },
  { sql: "regexp_extract('abc', 'a(x*)?', 1)", refused: 'function "regexp_extract"', source: `${REGEXP} testRegexpExtract (a skipped group is NULL, an empty one '': DuckDB gives '' for both)` },
  { sql: "regexp_extract('ba', '(a|(b))+', 2)", refused: 'function "regexp_extract"', source: `${REGEXP} testRegexpExtract (a group inside a repeated group: which iteration's capture is reported is the engine's)` },
  { sql: "regexp_extract('ba', '(a|(b))+', 1)", expected: "a", source: `${REGEXP} testRegexpExtract (the repeated group itself reports its last iteration)` },
  { sql: "regexp_replace('ba', '(a|(b))+', '[$2]')", refused: 'function "regexp_replace"', source: `${REGEXP} testRegexpReplace (a reference to a group inside a repeated group)` },
  { sql: "regexp_extract('xyx', '(x(y)?){0,1}', 2)", expected: "y", source: `${REGEXP} testRegexpExtract ({0,1} does not repeat)` },
  // regexp_replace: Java's $n, ${name} and \\ in the replacement.
  { sql: "regexp_replace('fun stuff.', '[a-z]')", expected: " .", source: `${REGEXP} testRegexpReplace` },
  { sql: "regexp_replace('fun stuff.', '[a-z]', '*')", expected: "*** *****.", source: `${REGEXP} testRegexpReplace` },
  { sql: "regexp_replace('call 555.123.4444 now', '(\\d{3})\\.(\\d{3}).(\\d{4})', '($1) $2-$3')", expected: "call (555) 123-4444 now", source: `${REGEXP} testRegexpReplace` },
  { sql: "regexp_replace('xxx xxx xxx', 'x', '\\x')", expected: "xxx xxx xxx", source: `${REGEXP} testRegexpReplace` },
  { sql: "regexp_replace('xxx', '', 'y')", expected: "yxyxyxy", source: `${REGEXP} testRegexpReplace` },
  { sql: "regexp_replace('xxx', 'x', '\\')", error: "Illegal replacement sequence", source: `${REGEXP} testRegexpReplace` },
  { sql: "regexp_replace('xxx xxx xxx', 'x', '$0')", expected: "xxx xxx xxx", source: `${REGEXP} testRegexpReplace` },
  { sql: "regexp_replace('xxx', '(x)', '$01')", expected: "xxx", source: `${REGEXP} testRegexpReplace` },
  { sql: "regexp_replace('xxx', 'x', '$05')", expected: "x5x5x5", source: `${REGEXP} testRegexpReplace` },
  { sql: "regexp_replace('123456789', '(1)(2)(3)(4)(5)(6)(7)(8)(9)', '$10')", expected: "10", source: `${REGEXP} testRegexpReplace` },
  { sql: "regexp_replace('1234567890', '(1)(2)(3)(4)(5)(6)(7)(8)(9)(0)', '$10')", refused: 'function "regexp_replace"', source: `${REGEXP} testRegexpReplace ("0": RE2 has no group 10 reference)` },
  { sql: "regexp_replace('xxx', 'x', '$1')", error: "Illegal replacement sequence: unknown group 1", source: `${REGEXP} testRegexpReplace` },
  { sql: "regexp_replace('xxx', 'x', '$a')", error: "Illegal replacement sequence", source: `${REGEXP} testRegexpReplace` },
  { sql: "regexp_replace('xxx', 'x', '$')", error: "Illegal replacement sequence", source: `${REGEXP} testRegexpReplace` },
  { sql: "regexp_replace('wxyz', '(?<xyz>[xyz])', '${xyz}${xyz}')", expected: "wxxyyzz", source: `${REGEXP} testRegexpReplace` },
  { sql: "regexp_replace('wxyz', '(?<w>w)|(?<xyz>[xyz])', '[${w}](${xyz})')", expected: "[w]()[](x)[](y)[](z)", source: `${REGEXP} testRegexpReplace` },
  { sql: "regexp_replace('xxx', '(?<name>x)', '${nam}')", error: "unknown group { nam }", source: `${REGEXP} testRegexpReplace` },
  { sql: "regexp_replace('abc', 'z', '$1')", expected: "abc", source: `${REGEXP} testRegexpReplace (the reference is only read for a match: JoniRegexpFunctions.appendReplacement)` },

  // date_parse / parse_datetime: a Joda parser's defaults (1970-01-01, AM, %y pivot 2020).
  { sql: "date_parse('12:34:56', '%H:%i:%s')", expected: "1970-01-01 12:34:56", type: "timestamp", source: `${DATETIME_DOC}#mysql-date-functions (unparsed fields default to 1970-01-01, as Joda's)` },
  { sql: "date_parse('10:05', '%h:%i')", expected: "1970-01-01 10:05:00", source: `${DATETIME_FUNCTIONS} (%h is Joda's clockhourOfHalfday, AM without %p)` },
  { sql: "date_parse('12:05', '%h:%i')", expected: "1970-01-01 00:05:00", source: `${DATETIME_FUNCTIONS} (12 o'clock AM is 00)` },
  { sql: "date_parse('12:05 PM', '%h:%i %p')", expected: "1970-01-01 12:05:00", source: `${DATETIME_FUNCTIONS}` },
  { sql: "date_parse('69-01-02', '%y-%m-%d')", expected: "2069-01-02 00:00:00", source: `${DATETIME_FUNCTIONS} (PIVOT_YEAR = 2020: "yy = 70 will correspond to 1970 but 69 to 2069")` },
  { sql: "date_parse('70-01-02', '%y-%m-%d')", expected: "1970-01-02 00:00:00", source: `${DATETIME_FUNCTIONS} (PIVOT_YEAR = 2020)` },
  { sql: "date_parse('2013-05-17 12:35:10', '%Y-%m-%d %H:%i:%s')", expected: "2013-05-17 12:35:10", source: `${DATETIME_DOC}#date_parse` },
  { sql: "parse_datetime('12:34', 'HH:mm')", expected: "1970-01-01 12:34:00+00", type: "timestamp with time zone", source: `${DATETIME_DOC}#parse_datetime (Joda defaults to 1970-01-01)` },
  { sql: "parse_datetime('69-01-02', 'yy-MM-dd')", refused: 'format specifier "yy"', source: `${DATETIME_DOC}#parse_datetime (Joda's yy pivots on the current year)` },
  // from_iso8601_timestamp keeps the text's offset as the zone; the twin reads UTC only.
  { sql: "from_iso8601_timestamp('2001-08-22T03:04:05.321Z')", expected: "2001-08-22 03:04:05.321+00", type: "timestamp with time zone", source: `${DATETIME_DOC}#from_iso8601_timestamp` },
  { sql: "from_iso8601_timestamp('2001-08-22T03:04:05.321-11:00')", error: "UTC offset other than Z is not supported on the twin", source: `${DATETIME_DOC}#from_iso8601_timestamp (Trino: 2001-08-22 03:04:05.321 -11:00)` },
  { sql: "from_iso8601_timestamp('2001-08-22')", expected: "2001-08-22 00:00:00+00", source: `${DATETIME_DOC}#from_iso8601_timestamp (session zone UTC)` },

  // EXTRACT from intervals reads the whole length; DATE ± INTERVAL stays a DATE.
  { sql: "EXTRACT(DAY FROM INTERVAL '36' HOUR)", expected: "1", type: "bigint", source: `${DATETIME_DOC}#extract (interval day to second)` },
  { sql: "EXTRACT(HOUR FROM INTERVAL '36' HOUR)", expected: "12", type: "bigint", source: `${DATETIME_DOC}#extract` },
  { sql: "EXTRACT(MINUTE FROM INTERVAL '90' MINUTE)", expected: "30", source: `${DATETIME_DOC}#extract` },
  { sql: "EXTRACT(SECOND FROM INTERVAL '61' SECOND)", expected: "1", source: `${DATETIME_DOC}#extract` },
  { sql: "EXTRACT(YEAR FROM INTERVAL '14' MONTH)", expected: "1", source: `${DATETIME_DOC}#extract (interval year to month)` },
  { sql: "EXTRACT(MONTH FROM INTERVAL '14' MONTH)", expected: "2", source: `${DATETIME_DOC}#extract` },
  { sql: "EXTRACT(DAY FROM INTERVAL '1' MONTH)", error: "Cannot extract DAY", source: `${DATETIME_DOC}#extract (no DAY in an interval year to month)` },
  { sql: "EXTRACT(YEAR FROM DATE '2020-05-01')", expected: "2020", type: "bigint", source: `${DATETIME_DOC}#extract` },
  { sql: "DATE '2020-01-31' + INTERVAL '1' MONTH", expected: "2020-02-29", type: "date", source: "trinodb/trino core/trino-main/src/main/java/io/trino/type/DateTimeOperators.java datePlusIntervalYearToMonth" },
  { sql: "DATE '2020-03-01' - INTERVAL '1' DAY", expected: "2020-02-29", type: "date", source: "trinodb/trino core/trino-main/src/main/java/io/trino/type/DateTimeOperators.java dateMinusIntervalDayToSecond" },
  { sql: "DATE '2020-01-31' + INTERVAL '24' HOUR", expected: "2020-02-01", type: "date", source: "trinodb/trino core/trino-main/src/main/java/io/trino/type/DateTimeOperators.java datePlusIntervalDayToSecond (whole days)" },
  { sql: "DATE '2020-01-31' + INTERVAL '1' HOUR", error: "Cannot add hour, minutes or seconds to a date", source: "trinodb/trino core/trino-main/src/main/java/io/trino/type/DateTimeOperators.java datePlusIntervalDayToSecond" },
  { sql: "TIMESTAMP '2020-01-31 10:00:00' + INTERVAL '1' HOUR", expected: "2020-01-31 11:00:00", type: "timestamp", source: `${DATETIME_DOC}#date-and-time-operators` },
  { sql: "SELECT x - INTERVAL '1' DAY + INTERVAL '1' MONTH FROM (VALUES (DATE '2020-01-01')) AS t(x)", expected: "2020-01-31", type: "date", source: `${DATETIME_DOC}#date-and-time-operators (+ and - associate left)` },
  { sql: "INTERVAL '1' DAY + DATE '2020-01-01'", refused: 'syntax "INTERVAL … + x"', source: `${DATETIME_DOC}#date-and-time-operators (written x + INTERVAL on the twin)` },

  // Array subscript fails out of range; element_at gives NULL.
  { sql: "ARRAY[1, 2, 3][4]", error: "Array subscript must be less than or equal to array length: 4 > 3", source: `${ARRAY_OPS} testSubscript` },
  { sql: "ARRAY[1, 2, 3][0]", error: "SQL array indices start at 1", source: `${ARRAY_OPS} testSubscript` },
  { sql: "ARRAY[1, 2, 3][-1]", error: "Array subscript is negative: -1", source: `${ARRAY_OPS} testSubscript` },
  { sql: "ARRAY[2, 1, 3][2]", expected: 1, type: "integer", source: `${ARRAY_OPS} testSubscript` },
  { sql: "ARRAY[ARRAY[1, 2], ARRAY[3]][2][1]", expected: 3, source: `${ARRAY_OPS} testSubscript` },
  { sql: "element_at(ARRAY[1, 2, 3], 4)", expected: null, source: `${ARRAY_OPS} testElementAt` },
  { sql: "element_at(ARRAY[1, 2, 3], -4)", expected: null, source: `${ARRAY_OPS} testElementAt` },
  { sql: "element_at(ARRAY[2, 1, 3], -2)", expected: 1, source: `${ARRAY_OPS} testElementAt` },
  { sql: "element_at(ARRAY[1, 2, 3], 0)", error: "SQL array indices start at 1", source: `${ARRAY_OPS} testElementAt` },

  // nth_value, integer overflow.
  { sql: "SELECT nth_value(x, 0) OVER (ORDER BY x) FROM (VALUES (1), (2)) AS t(x)", error: "Offset must be at least 1", source: "https://trino.io/docs/current/functions/window.html#nth_value (the offset starts at 1)" },
  { sql: "SELECT nth_value(x, 2) OVER (ORDER BY x ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM (VALUES (1), (2)) AS t(x)", expected: 2, source: "https://trino.io/docs/current/functions/window.html#nth_value" },
  { sql: "TINYINT '127' + TINYINT '1'", error: "NUMERIC_VALUE_OUT_OF_RANGE: tinyint addition overflow: 127 + 1", source: "trinodb/trino core/trino-main/src/test/java/io/trino/type/TestTinyintOperators.java testAdd" },
  { sql: "SMALLINT '32767' + SMALLINT '1'", error: "NUMERIC_VALUE_OUT_OF_RANGE: smallint addition overflow: 32767 + 1", source: "trinodb/trino core/trino-main/src/test/java/io/trino/type/TestSmallintOperators.java testAdd" },
  { sql: "2147483647 + 1", error: "NUMERIC_VALUE_OUT_OF_RANGE: integer addition overflow: 2147483647 + 1", source: `${INT_OPS} testAdd; ${INT_MAIN} add` },
  { sql: "-2147483647 - 2", error: "NUMERIC_VALUE_OUT_OF_RANGE: integer subtraction overflow: -2147483647 - 2", source: `${INT_OPS} testSubtract; ${INT_MAIN} subtract` },
  { sql: "2147483647 * 2", error: "NUMERIC_VALUE_OUT_OF_RANGE: integer multiplication overflow: 2147483647 * 2", source: `${INT_OPS} testMultiply; ${INT_MAIN} multiply` },
  { sql: "CAST(9223372036854775807 AS BIGINT) + 1", error: "NUMERIC_VALUE_OUT_OF_RANGE: bigint addition overflow: 9223372036854775807 + 1", source: `${BIGINT_OPS} testAdd` },
  { sql: "SELECT sum(x) FROM (VALUES (CAST(9223372036854775807 AS BIGINT)), (CAST(1 AS BIGINT))) AS t(x)", error: "NUMERIC_VALUE_OUT_OF_RANGE: bigint addition overflow", source: "trinodb/trino core/trino-main/src/main/java/io/trino/operator/aggregation/LongSumAggregation.java (BigintOperators.add)" },
  { sql: "CAST(128 AS TINYINT)", error: "NUMERIC_VALUE_OUT_OF_RANGE: Out of range for tinyint: 128", source: `${INT_OPS} testCastToTinyint; ${INT_MAIN} castToTinyint` },
  { sql: "CAST(3e10 AS INTEGER)", error: "NUMERIC_VALUE_OUT_OF_RANGE: Out of range for integer: 3.0E10", source: "trinodb/trino core/trino-main/src/main/java/io/trino/type/DoubleOperators.java castToInteger (\"Out of range for integer: \" + value)" },
  { sql: "CAST('abc' AS INTEGER)", error: "INVALID_CAST_ARGUMENT: Cannot cast 'abc' to INT", source: `${VARCHAR_MAIN} castToInteger` },
  { sql: "CAST(' 12' AS INTEGER)", error: "INVALID_CAST_ARGUMENT: Cannot cast ' 12' to INT", source: `${VARCHAR_MAIN} castToInteger (Integer.parseInt takes no spaces; DuckDB reads 12)` },
  { sql: "CAST('1.5' AS BIGINT)", error: "INVALID_CAST_ARGUMENT: Cannot cast '1.5' to BIGINT", source: `${VARCHAR_MAIN} castToBigint (Long.parseLong; DuckDB reads 2)` },
  { sql: "CAST('1e2' AS SMALLINT)", error: "INVALID_CAST_ARGUMENT: Cannot cast '1e2' to SMALLINT", source: `${VARCHAR_MAIN} castToSmallint (DuckDB reads 100)` },
  { sql: "CAST('300' AS TINYINT)", error: "INVALID_CAST_ARGUMENT: Cannot cast '300' to TINYINT", source: `${VARCHAR_MAIN} castToTinyint (Byte.parseByte)` },
  { sql: "TRY_CAST('1_000' AS INTEGER)", expected: null, source: `${VARCHAR_MAIN} castToInteger; https://trino.io/docs/current/functions/conversion.html#try-cast` },
  { sql: "SELECT count(*) FROM (VALUES ('2025')) AS t(year) WHERE year = 2025", error: "TYPE_MISMATCH: Cannot apply operator: varchar = integer", source: "https://trino.io/docs/current/functions/comparison.html (varchar and integer do not compare)" },
  { sql: "SELECT count(*) FROM (VALUES (2025)) AS t(year) WHERE year = 2025", expected: "1", source: "https://trino.io/docs/current/functions/comparison.html" },
  { sql: "'a' || 1", error: "TYPE_MISMATCH: Cannot apply operator: || to integer", source: `${STRINGS} testConcat (|| takes varchar; DuckDB gives a1)` },
  { sql: "concat('a', DATE '2025-01-01')", error: "TYPE_MISMATCH", source: "https://trino.io/docs/current/functions/string.html#concat (varchar arguments)" },
  { sql: "'a' || 'b' || 'c'", expected: "abc", type: "varchar", source: `${STRINGS} testConcat` },
  { sql: "ARRAY[1] || ARRAY[2]", expected: [1, 2], source: "https://trino.io/docs/current/functions/array.html#concatenation-operator" },
  { sql: "SELECT count(*) FROM (VALUES (DATE '2025-01-10')) AS t(d) WHERE d = '2025-01-10'", error: "TYPE_MISMATCH: Cannot apply operator: date = varchar(10)", source: "https://trino.io/docs/current/functions/comparison.html (write DATE '2025-01-10')" },
  { sql: "SELECT count(*) FROM (VALUES (1.5E0)) AS t(x) WHERE x IN ('1.5')", error: "TYPE_MISMATCH: Cannot apply operator: double IN varchar(3)", source: "https://trino.io/docs/current/functions/comparison.html#in" },
  { sql: "SELECT count(*) FROM (VALUES ('a')) AS t(s) WHERE s = 'a'", expected: "1", source: "https://trino.io/docs/current/functions/comparison.html" },
  { sql: "CAST('yes' AS BOOLEAN)", error: "INVALID_CAST_ARGUMENT: Cannot cast 'yes' to BOOLEAN", source: `${VARCHAR_MAIN} castToBoolean (t, f, 1, 0, true, false only; DuckDB reads yes)` },
  { sql: "CAST('True' AS BOOLEAN)", expected: true, type: "boolean", source: `${VARCHAR_MAIN} castToBoolean (any case)` },
  { sql: "CAST('0' AS BOOLEAN)", expected: false, source: `${VARCHAR_MAIN} castToBoolean` },
  { sql: "TRY_CAST('no' AS BOOLEAN)", expected: null, source: `${VARCHAR_MAIN} castToBoolean; https://trino.io/docs/current/functions/conversion.html#try-cast` },
  { sql: "CAST('+5' AS INTEGER)", expected: 5, type: "integer", source: `${VARCHAR_MAIN} castToInteger (Integer.parseInt takes a sign)` },
  { sql: "CAST('-007' AS BIGINT)", expected: "-7", type: "bigint", source: `${VARCHAR_MAIN} castToBigint` },

  // round keeps the decimal scale; sign keeps the type.
  { sql: "round(DECIMAL '3.450', 1)", expected: "3.500", type: "decimal(5,3)", source: `${MATH} testRound` },
  { sql: "round(DECIMAL '-3.449', 1)", expected: "-3.400", type: "decimal(5,3)", source: `${MATH} testRound` },
  { sql: "round(DECIMAL '9.99', 1)", expected: "10.00", type: "decimal(4,2)", source: `${MATH} testRound` },
  { sql: "round(DECIMAL '1234.5678', -2)", expected: "1200.0000", type: "decimal(9,4)", source: `${MATH} testRound` },
  { sql: "round(DECIMAL '3', 1)", expected: "3", type: "decimal(2,0)", source: `${MATH} testRound (ROUND_N: rp = min(38, p + 1))` },
  { sql: "round(DECIMAL '99', -1)", expected: "100", type: "decimal(3,0)", source: `${MATH} testRound` },
  { sql: "round(DECIMAL '999999999999999.99', 1)", expected: "1000000000000000.00", type: "decimal(18,2)", source: `${MATH} testRound (same rule as 9999999999999999.99, decimal(19,2))` },
  { sql: "round(DECIMAL '9999999999999999999999999999999999999.9', 1)", expected: "9999999999999999999999999999999999999.9", type: "decimal(38,1)", source: `${MATH} testRound` },
  { sql: "round(DECIMAL '9999999999999999999999999999999999999.9', 0)", error: "", source: `${MATH} testRound (NUMERIC_VALUE_OUT_OF_RANGE)` },
  { sql: "round(CAST(NULL AS DECIMAL(17,2)), 1)", expected: null, type: "decimal(18,2)", source: `${MATH} testRound` },
  { sql: "round(CAST(3 AS TINYINT), 0)", expected: 3, type: "tinyint", source: `${MATH} testRound` },
  { sql: "round(DECIMAL '3.50')", expected: "4", type: "decimal(*,0)", source: `${MATH} testRound` },
  { sql: "round(17, -1)", expected: 20, type: "integer", source: `${MATH} testRound` },
  { sql: "round(1.005E0, 2)", expected: 1, type: "double", source: `${MATH_MAIN} round(double, decimals) (Math.round(100.49999999999999) / 100)` },
  { sql: "round(-2.5E0)", expected: -3, type: "double", source: `${MATH_MAIN} round(double) (the sign set aside, then Math.round)` },
  { sql: "round(1e20, 2)", expected: 92233720368547760, type: "double", source: `${MATH_MAIN} round(double, decimals) at commit 029c93b693c7a3dbff995062fb9997f4acd86d77 (Math.round saturates at Long.MAX_VALUE)` },
  { sql: "round(REAL '2.5')", expected: 3, type: "real", source: `${MATH_MAIN} roundFloat` },
  { sql: "round(CAST(NULL AS DOUBLE), 1)", expected: null, type: "double", source: `${MATH} testRound (NULL)` },
  { sql: "round(2.5E0, 0)", expected: 3, type: "double", source: `${MATH} testRound` },
  { sql: "sign(DECIMAL '-3.4')", expected: "-1", type: "decimal(*,0)", source: `${MATH} testSign` },
  { sql: "sign(-3.5E0)", expected: -1, type: "double", source: `${MATH} testSign` },
  { sql: "sign(0.0E0 / 0.0E0)", expected: "NaN", type: "double", source: `${MATH} testSign (NaN)` },
  { sql: "sign(CAST(3 AS BIGINT))", expected: "1", type: "bigint", source: `${MATH} testSign` },
  { sql: "sign(-7)", expected: -1, type: "integer", source: `${MATH} testSign` },

  // CAST(real AS VARCHAR) and VARCHAR(n) too short for a number.
  { sql: "CAST(REAL '754.1985' AS varchar)", expected: "7.541985E2", type: "varchar", source: REAL_CAST },
  { sql: "CAST(REAL '-754.2008' AS varchar)", expected: "-7.542008E2", source: REAL_CAST },
  { sql: "CAST(REAL '12345678.9e0' AS varchar(50))", expected: "1.234568E7", source: REAL_CAST },
  { sql: "CAST(REAL '12e2' AS varchar(5))", expected: "1.2E3", source: REAL_CAST },
  { sql: "CAST(REAL 'Infinity' AS varchar)", expected: "Infinity", source: REAL_CAST },
  { sql: "CAST(REAL '12e2' AS varchar(4))", error: "INVALID_CAST_ARGUMENT: Value 1200.0 (1.2E3) cannot be represented as varchar(4)", source: REAL_CAST },
  { sql: "CAST(REAL '0e0' AS varchar(2))", error: "INVALID_CAST_ARGUMENT: Value 0.0 (0E0) cannot be represented as varchar(2)", source: REAL_CAST },
  { sql: "CAST(12e2 AS varchar(4))", error: "INVALID_CAST_ARGUMENT: Value 1200.0 (1.2E3) cannot be represented as varchar(4)", source: DOUBLE_CAST },
  { sql: "CAST(1e10 AS varchar(3))", error: "INVALID_CAST_ARGUMENT: Value 1.0E10 (1.0E10) cannot be represented as varchar(3)", source: `${DOUBLE_CAST} (Double.toString, then Trino's text)` },
  { sql: "CAST(1200 AS varchar(2))", error: "INVALID_CAST_ARGUMENT: Value 1200 cannot be represented as varchar(2)", source: "trinodb/trino core/trino-main/src/test/java/io/trino/type/TestIntegerOperators.java testCastToVarchar" },
  { sql: "CAST('abcdef' AS varchar(2))", expected: "ab", source: "https://trino.io/docs/current/functions/conversion.html#cast (text is cut to the length)" },
  { sql: "TRY_CAST(1200 AS varchar(2))", expected: null, source: "https://trino.io/docs/current/functions/conversion.html#try-cast" },

  // Java's Math outside the domain: NaN and -Infinity where DuckDB fails.
  { sql: "sqrt(-1E0)", expected: "NaN", type: "double", source: `${MATH} testSqrt (Math.sqrt)` },
  { sql: "sqrt(4)", expected: 2, type: "double", source: `${MATH} testSqrt` },
  { sql: "ln(0E0)", expected: "-Infinity", type: "double", source: `${MATH} testLn (Math.log)` },
  { sql: "ln(-1E0)", expected: "NaN", source: `${MATH} testLn (Math.log)` },
  { sql: "log10(0E0)", expected: "-Infinity", source: `${MATH} testLog10` },
  { sql: "log2(-1E0)", expected: "NaN", source: `${MATH} testLog2` },
  { sql: "log2(8)", expected: 3, source: `${MATH} testLog2` },
  { sql: "log(2, 8)", expected: 3, type: "double", source: `${MATH} testLog (Math.log(x) / Math.log(b))` },
  { sql: "log(1, 5E0)", expected: "Infinity", source: `${MATH} testLog (ln 1 = 0: IEEE division)` },
  { sql: "acos(2E0)", expected: "NaN", source: `${MATH} testAcos (Math.acos)` },
  { sql: "asin(-2E0)", expected: "NaN", source: `${MATH} testAsin (Math.asin)` },
  // Constants, truncate(x, n), width_bucket, to_base/from_base, typeof, TRY.
  { sql: "nan()", expected: "NaN", type: "double", source: `${MATH} testNaN` },
  { sql: "is_nan(nan())", expected: true, source: `${MATH} testIsNaN` },
  { sql: "infinity()", expected: "Infinity", type: "double", source: `${MATH} testInfinity` },
  { sql: "-infinity()", expected: "-Infinity", source: `${MATH} testInfinity` },
  { sql: "e()", expected: Math.E, type: "double", source: `${MATH} testE` },
  { sql: "truncate(DECIMAL '1234.56', 1)", expected: "1234.50", type: "decimal(6,2)", source: `${MATH} testTruncate` },
  { sql: "truncate(DECIMAL '1239.999', -2)", expected: "1200.000", type: "decimal(7,3)", source: `${MATH} testTruncate` },
  { sql: "truncate(DECIMAL '-1234.56', -4)", expected: "0.00", source: `${MATH} testTruncate` },
  { sql: "truncate(DECIMAL '1234.56')", expected: "1234", type: "decimal(*,0)", source: `${MATH} testTruncate` },
  { sql: "truncate(REAL '12.333', -1)", expected: 10, type: "real", source: "https://trino.io/docs/current/functions/math.html#truncate" },
  { sql: "truncate(17.18E0, 1)", expected: 17.1, type: "double", source: "https://trino.io/docs/current/functions/math.html#truncate" },
  { sql: "width_bucket(3.14E0, 0, 4, 3)", expected: "3", type: "bigint", source: `${MATH} testWidthBucket` },
  { sql: "width_bucket(2, 0, 4, 3)", expected: "2", source: `${MATH} testWidthBucket` },
  { sql: "width_bucket(infinity(), 0, 4, 3)", expected: "4", source: `${MATH} testWidthBucket` },
  { sql: "width_bucket(-1, 0, 3.2, 4)", expected: "0", source: `${MATH} testWidthBucket` },
  { sql: "width_bucket(3.14E0, 4, 0, 3)", expected: "1", source: `${MATH} testWidthBucket` },
  { sql: "width_bucket(2, 4, 0, 3)", expected: "2", source: `${MATH} testWidthBucket` },
  { sql: "width_bucket(infinity(), 4, 0, 3)", expected: "0", source: `${MATH} testWidthBucket` },
  { sql: "width_bucket(-1, 3.2, 0, 4)", expected: "5", source: `${MATH} testWidthBucket` },
  { sql: "width_bucket(3.14E0, 0, 4, 0)", error: "bucketCount must be greater than 0", source: `${MATH} testWidthBucket` },
  { sql: "width_bucket(nan(), 0, 4, 3)", error: "operand must not be NaN", source: `${MATH} testWidthBucket` },
  { sql: "width_bucket(3.14E0, 0, 0, 3)", error: "bounds cannot equal each other", source: `${MATH} testWidthBucket` },
  { sql: "to_base(2147483648, 16)", expected: "80000000", type: "varchar", source: `${MATH} testToBase` },
  { sql: "to_base(255, 2)", expected: "11111111", source: `${MATH} testToBase` },
  { sql: "to_base(-2147483647, 16)", expected: "-7fffffff", source: `${MATH} testToBase` },
  { sql: "to_base(255, 1)", error: "Radix must be between 2 and 36", source: `${MATH} testToBase` },
  { sql: "from_base('80000000', 16)", expected: "2147483648", type: "bigint", source: `${MATH} testFromBase` },
  { sql: "from_base('11111111', 2)", expected: "255", source: `${MATH} testFromBase` },
  { sql: "from_base('-7fffffff', 16)", expected: "-2147483647", source: `${MATH} testFromBase` },
  { sql: "from_base('9223372036854775807', 10)", expected: "9223372036854775807", source: `${MATH} testFromBase` },
  { sql: "from_base('Z', 37)", error: "Radix must be between 2 and 36", source: `${MATH} testFromBase` },
  { sql: "from_base('Z', 35)", error: "Not a valid base-35 number: Z", source: `${MATH} testFromBase` },
  { sql: "typeof(1)", expected: "integer", type: "varchar", source: "https://trino.io/docs/current/functions/conversion.html#typeof" },
  { sql: "typeof(1.5E0)", expected: "double", source: "https://trino.io/docs/current/functions/conversion.html#typeof" },
  { sql: "typeof(DECIMAL '1.20')", expected: "decimal(3,2)", source: "https://trino.io/docs/current/functions/conversion.html#typeof" },
  { sql: "typeof('cat')", error: "typeof of a VARCHAR value is not supported on the twin", source: "https://trino.io/docs/current/functions/conversion.html#typeof (Trino: varchar(3))" },
  { sql: "TRY(1 / 0)", expected: null, source: "https://trino.io/docs/current/functions/conditional.html#try" },
  { sql: "coalesce(TRY(10 / 0), -1)", expected: -1, source: "https://trino.io/docs/current/functions/conditional.html#try" },
  { sql: "TRY(mod(5, 0))", expected: null, source: "https://trino.io/docs/current/functions/conditional.html#try" },
  { sql: "TRY(CAST('x' AS INTEGER))", expected: null, source: "https://trino.io/docs/current/functions/conditional.html#try" },
  { sql: "TRY(10 / 4)", expected: 2, type: "integer", source: "https://trino.io/docs/current/functions/conditional.html#try" },
  { sql: "TRY(ARRAY[1][2])", refused: 'function "TRY"', source: "https://trino.io/docs/current/functions/conditional.html#try (Trino: NULL)" },
  // avg: decimal(p, s) for decimals (exact, rounded half up), real for reals, double otherwise.
  { sql: "SELECT avg(x) FROM (VALUES (DECIMAL '1.50'), (DECIMAL '2.25')) AS t(x)", expected: "1.88", type: "decimal(3,2)", source: `${AGG_DECIMAL_AVG} (sum / count at scale s, HALF_UP); ${AGG_DOC}#avg` },
  { sql: "SELECT avg(x) FROM (VALUES (DECIMAL '-1'), (DECIMAL '-2')) AS t(x)", expected: "-2", type: "decimal(1,0)", source: `${AGG_DECIMAL_AVG} (HALF_UP rounds -1.5 to -2)` },
  { sql: "SELECT avg(x) FROM (VALUES (CAST(1 AS DECIMAL(38,0))), (CAST(2 AS DECIMAL(38,0)))) AS t(x)", expected: "2", type: "decimal(38,0)", source: `${AGG_DECIMAL_AVG} (TYPE = decimal(38, 0))` },
  { sql: "SELECT avg(x) FROM (VALUES (CAST(NULL AS DECIMAL(5,2)))) AS t(x)", expected: null, type: "decimal(5,2)", source: `${AGG_DOC}#avg (NULL over no values)` },
  { sql: "SELECT avg(x) OVER (PARTITION BY y) FROM (VALUES (DECIMAL '1.00', 1), (DECIMAL '2.01', 1)) AS t(x, y)", expected: "1.51", type: "decimal(3,2)", source: `${AGG_DECIMAL_AVG}; ${WINDOW_DOC}#aggregate-functions` },
  { sql: "SELECT avg(x) FROM (VALUES (1), (2)) AS t(x)", expected: 1.5, type: "double", source: `${AGG_DOC}#avg (double for integers)` },
  { sql: "SELECT avg(x) FROM (VALUES (REAL '1.5'), (REAL '2')) AS t(x)", expected: 1.75, type: "real", source: "trinodb/trino core/trino-main/src/main/java/io/trino/operator/aggregation/RealAverageAggregation.java (avg(real) is real)" },
  { sql: "SELECT avg(DISTINCT x) FILTER (WHERE x > 0) FROM (VALUES (1), (1), (4)) AS t(x)", expected: 2.5, type: "double", source: `${AGG_DOC}#filtering-during-aggregation` },
  { sql: "SELECT date_trunc('day', max(ts)) FROM (VALUES (TIMESTAMP '2020-01-01 10:00:00')) AS t(ts)", expected: "2020-01-01 00:00:00", type: "timestamp", source: `${DATETIME_DOC}#date_trunc (an aggregate argument)` },
  { sql: "SELECT CAST(avg(x) AS INTEGER) FROM (VALUES (2), (3)) AS t(x)", expected: 3, type: "integer", source: "trinodb/trino core/trino-main/src/test/java/io/trino/type/TestDoubleOperators.java testCastToInteger (an aggregate argument)" },
  { sql: "SELECT max(ts) + INTERVAL '1' DAY FROM (VALUES (DATE '2020-01-31')) AS t(ts)", expected: "2020-02-01", type: "date", source: "trinodb/trino core/trino-main/src/main/java/io/trino/type/DateTimeOperators.java datePlusIntervalDayToSecond (an aggregate operand)" },
  // approx_percentile: the input value at 0-based rank floor(p * n), as Trino's digests give it for inputs they keep exactly.
  { sql: "SELECT approx_percentile(x, 0.5) FROM (VALUES (1), (2), (3)) AS t(x)", expected: "2", type: "bigint", source: `${APPROX_PERCENTILE} testLongPartialStep` },
  { sql: "SELECT approx_percentile(x, 0.5) FROM (VALUES (NULL), (1), (2), (3)) AS t(x)", expected: "2", type: "bigint", source: `${APPROX_PERCENTILE} testLongPartialStep (NULLs skipped)` },
  { sql: "SELECT approx_percentile(x, 0.99) FROM (VALUES (1), (2), (3)) AS t(x)", expected: "3", source: `${APPROX_PERCENTILE} testLongPartialStep` },
  { sql: "SELECT approx_percentile(x, 0.01) FROM (VALUES (1), (2), (2), (3), (7)) AS t(x)", expected: "1", source: `${APPROX_PERCENTILE} testLongPartialStep` },
  { sql: "SELECT approx_percentile(x, 0.5) FROM (VALUES (1), (2), (2), (2), (2), (2), (2), (3), (3), (3), (3), (4), (5), (6), (7)) AS t(x)", expected: "3", source: `${APPROX_PERCENTILE} testLongPartialStep (15 values)` },
  { sql: "SELECT approx_percentile(x, 0.5) FROM (VALUES (REAL '-2'), (REAL '3'), (REAL '-1')) AS t(x)", expected: -1, type: "real", source: `${APPROX_PERCENTILE} testFloatPartialStep` },
  { sql: "SELECT approx_percentile(x, 0.5) FROM (VALUES (REAL '-1'), (REAL '1')) AS t(x)", expected: 1, source: `${APPROX_PERCENTILE} testFloatPartialStep` },
  { sql: "SELECT approx_percentile(x, 0.5) FROM (VALUES (1E0), (2E0), (3E0), (4E0)) AS t(x)", expected: 3, type: "double", source: "airlift TDigest.valueAt (unit-weight centroids: the value at rank floor(0.5 * 4)); DuckDB's approx_quantile interpolates 2.5" },
  { sql: "SELECT approx_percentile(x, 0.5) FROM (VALUES (CAST(NULL AS BIGINT))) AS t(x)", expected: null, source: `${APPROX_PERCENTILE} testLongPartialStep (only NULLs)` },
  { sql: "SELECT approx_percentile(x, 1.5) FROM (VALUES (1)) AS t(x)", error: "Percentile must be between 0 and 1", source: "trinodb/trino core/trino-main/src/main/java/io/trino/operator/aggregation/ApproximateLongPercentileAggregations.java" },
  { sql: "SELECT approx_percentile(x, 0.5) OVER (PARTITION BY g) FROM (VALUES (1, 1), (1, 2), (2, 5)) AS t(g, x) ORDER BY g", expected: "2", type: "bigint", source: `${APPROX_PERCENTILE}; ${WINDOW_DOC}#aggregate-functions` },
  { sql: "SELECT approx_percentile(x, ARRAY[0.5]) FROM (VALUES (1)) AS t(x)", refused: 'function "approx_percentile"', source: `${APPROX_PERCENTILE} (the array form)` },
  { sql: "SELECT array_agg(x ORDER BY y DESC, x) FROM (VALUES (1, 1), (2, 2), (3, 2)) AS t(x, y)", expected: [2, 3, 1], source: `${AGG_DOC}#ordering-during-aggregation` },
  { sql: "TRY(CAST(1.5E0 AS VARCHAR))", expected: "1.5E0", source: "https://trino.io/docs/current/functions/conditional.html#try (a cast that succeeds)" },
  { sql: "TRY(CAST(' 12' AS INTEGER))", expected: null, source: "https://trino.io/docs/current/functions/conditional.html#try (Cannot cast ' 12' to INT is caught)" },
  { sql: "TRY(CAST(json_parse('{\"a\": 1}') AS VARCHAR))", refused: 'function "TRY"', source: "https://trino.io/docs/current/functions/conditional.html#try (json_parse's check uses error(), which DuckDB's TRY refuses)" },
  // Aggregates: geometric_mean, listagg.
  { sql: "SELECT geometric_mean(x) FROM (VALUES (REAL '1'), (REAL '4')) AS t(x)", expected: 2, type: "real", source: `${AGG_DOC}#geometric_mean (real for real input)` },
  { sql: "SELECT geometric_mean(x) FROM (VALUES (1), (4)) AS t(x)", expected: 2, type: "double", source: `${AGG_DOC}#geometric_mean` },
  { sql: "SELECT geometric_mean(x) FROM (VALUES (DECIMAL '1'), (DECIMAL '4')) AS t(x)", error: "geometric_mean of a DECIMAL is not supported on the twin", source: `${AGG_DOC}#geometric_mean (Trino reads a decimal as a double; DuckDB's decimal + real would give a real)` },
  { sql: "SELECT geometric_mean(x) FROM (VALUES (1.0E0), (4.0E0)) AS t(x)", expected: 2, type: "double", source: `${AGG_DOC}#geometric_mean` },
  { sql: "SELECT geometric_mean(x) FROM (VALUES (0), (4)) AS t(x)", expected: 0, source: `${AGG_DOC}#geometric_mean (exp(avg(ln x)), ln 0 = -Infinity)` },
  { sql: "SELECT geometric_mean(x) FROM (VALUES (-1), (4)) AS t(x)", expected: "NaN", source: `${AGG_DOC}#geometric_mean (ln of a negative is NaN)` },
  { sql: "SELECT listagg(x, ',') WITHIN GROUP (ORDER BY x DESC) FROM (VALUES ('a'), ('c'), (NULL), ('b')) AS t(x)", expected: "c,b,a", type: "varchar", source: `${AGG_DOC}#listagg` },
  { sql: "SELECT listagg(x) WITHIN GROUP (ORDER BY x) FROM (VALUES ('a'), ('b')) AS t(x)", expected: "ab", source: `${AGG_DOC}#listagg (separator defaults to '')` },
  { sql: "SELECT listagg(x, ',' ON OVERFLOW TRUNCATE) WITHIN GROUP (ORDER BY x) FROM (VALUES ('a')) AS t(x)", refused: 'function "listagg … ON OVERFLOW TRUNCATE"', source: `${AGG_DOC}#listagg` },

  // Array functions.
  { sql: "contains(ARRAY[1, 2, 3], 2)", expected: true, type: "boolean", source: `${ARRAY_OPS} testArrayContains` },
  { sql: "contains(ARRAY[1, 2, 3], 5)", expected: false, source: `${ARRAY_OPS} testArrayContains` },
  { sql: "contains(ARRAY[1, NULL, 3], 1)", expected: true, source: `${ARRAY_OPS} testArrayContains` },
  { sql: "contains(ARRAY[1, NULL, 3], 2)", expected: null, source: "trinodb/trino core/trino-main/src/main/java/io/trino/operator/scalar/ArrayContains.java (a NULL element makes a miss unknown)" },
  { sql: "contains(ARRAY['puppies', 'kittens'], 'lizards')", expected: false, source: `${ARRAY_OPS} testArrayContains` },
  { sql: "array_position(ARRAY[10, 20, 30, 40], 30)", expected: "3", type: "bigint", source: `${ARRAY_OPS} testArrayPosition` },
  { sql: "array_position(ARRAY[10, 20, 30, 40], 50)", expected: "0", source: `${ARRAY_OPS} testArrayPosition (0 when missing)` },
  { sql: "array_distinct(ARRAY[1, 2, 1, NULL, NULL, 3])", expected: [1, 2, null, 3], source: `${ARRAY_OPS} testDistinct (first occurrences, in order, one NULL)` },
  { sql: "array_distinct(ARRAY['b', 'a', 'b'])", expected: ["b", "a"], source: `${ARRAY_OPS} testDistinct` },
  { sql: "array_join(ARRAY[1, NULL, 2], ',')", expected: "1,2", type: "varchar", source: `${ARRAY_OPS} testArrayJoin` },
  { sql: "array_join(ARRAY[1, NULL, 2], ',', '0')", expected: "1,0,2", source: `${ARRAY_OPS} testArrayJoin` },
  { sql: "array_join(ARRAY[1.0E0, 2.1E0, 3.3E0], 'x')", expected: "1.0E0x2.1E0x3.3E0", source: "trinodb/trino core/trino-main/src/test/java/io/trino/operator/scalar/TestArrayFunctions.java testArrayJoin" },
  { sql: "array_join(ARRAY[1.5E0, 2.0E0], ';')", expected: "1.5E0;2.0E0", source: `${ARRAY_OPS} testArrayJoin (elements as CAST(… AS VARCHAR))` },
  { sql: "slice(ARRAY[1, 2, 3, 4], 2, 2)", expected: [2, 3], source: `${ARRAY_OPS} testSlice` },
  { sql: "slice(ARRAY[1, 2, 3, 4], -2, 5)", expected: [3, 4], source: `${ARRAY_OPS} testSlice` },
  { sql: "slice(ARRAY[1, 2, 3, 4], -5, 2)", expected: [], source: `${ARRAY_OPS} testSlice` },
  { sql: "slice(ARRAY[1, 2, 3, 4], 5, 1)", expected: [], source: `${ARRAY_OPS} testSlice` },
  { sql: "slice(ARRAY[1, 2, 3, 4], 0, 1)", error: "SQL array indices start at 1", source: `${ARRAY_OPS} testSlice` },
  { sql: "slice(ARRAY[1, 2, 3, 4], 1, -1)", error: "length must be greater than or equal to 0", source: `${ARRAY_OPS} testSlice` },
  { sql: "flatten(ARRAY[ARRAY[1, 2], NULL, ARRAY[3]])", expected: [1, 2, 3], source: `${ARRAY_OPS} testFlatten` },
  { sql: "sequence(1, 5)", expected: ["1", "2", "3", "4", "5"], type: "array(bigint)", source: `${ARRAY_DOC}#sequence` },
  { sql: "sequence(5, 1)", expected: ["5", "4", "3", "2", "1"], source: `${ARRAY_DOC}#sequence (step -1 when stop < start)` },
  { sql: "sequence(-10, -2, 4)", expected: ["-10", "-6", "-2"], source: "trinodb/trino core/trino-main/src/test/java/io/trino/operator/scalar/TestSequenceFunction.java" },
  { sql: "sequence(1, 5, 0)", error: "step must not be zero", source: "trinodb/trino core/trino-main/src/test/java/io/trino/operator/scalar/TestSequenceFunction.java" },
  { sql: "sequence(1, 5, -1)", error: "sequence stop value should be greater than or equal to start value", source: "trinodb/trino core/trino-main/src/test/java/io/trino/operator/scalar/TestSequenceFunction.java" },
  { sql: "sequence(1, 20000)", error: "result of sequence function must not have more than 10000 entries", source: "trinodb/trino core/trino-main/src/test/java/io/trino/operator/scalar/TestSequenceFunction.java" },
  { sql: "sequence(DATE '2016-04-12', DATE '2016-04-14')", expected: ["2016-04-12", "2016-04-13", "2016-04-14"], source: `${ARRAY_DOC}#sequence (dates, one day)` },
  { sql: "sequence(DATE '2016-04-14', DATE '2016-04-12')", expected: ["2016-04-14", "2016-04-13", "2016-04-12"], source: `${ARRAY_DOC}#sequence` },
  { sql: "concat_ws(',', 'a', NULL, 'b')", expected: "a,b", source: "trinodb/trino core/trino-main/src/test/java/io/trino/operator/scalar/TestConcatWsFunction.java (NULLs skipped)" },
  { sql: "concat_ws(',', ARRAY['a', 'b'])", expected: "a,b", source: "trinodb/trino core/trino-main/src/test/java/io/trino/operator/scalar/TestConcatWsFunction.java (array form)" },
  { sql: "concat_ws(NULL, 'a')", expected: null, source: "trinodb/trino core/trino-main/src/test/java/io/trino/operator/scalar/TestConcatWsFunction.java" },
  { sql: "array_max(ARRAY[1, 3, 2])", expected: 3, source: `${ARRAY_OPS} testArrayMax` },
  { sql: "array_max(ARRAY[1, NULL, 2])", expected: null, source: `${ARRAY_OPS} testArrayMax (a NULL element gives NULL)` },
  { sql: "array_min(ARRAY[3, 1, 2])", expected: 1, source: `${ARRAY_OPS} testArrayMin` },
  { sql: "cardinality(ARRAY[1, NULL, 3])", expected: "3", type: "bigint", source: `${ARRAY_OPS} testCardinality` },

  // Lambdas.
  { sql: "transform(ARRAY[5, 6], x -> x + 1)", expected: [6, 7], type: "array(integer)", source: `${ARRAY_DOC}#transform` },
  { sql: "transform(ARRAY[5, NULL, 6], x -> coalesce(x, 0) + 1)", expected: [6, 1, 7], source: `${ARRAY_DOC}#transform` },
  { sql: "transform(ARRAY[10, 20], x -> x / 0)", error: "Division by zero", source: "trinodb/trino core/trino-main/src/test/java/io/trino/operator/scalar/TestArrayTransformFunction.java (errors inside the lambda fail the query)" },
  { sql: "filter(ARRAY[5, -6, NULL, 7], x -> x > 0)", expected: [5, 7], source: `${ARRAY_DOC}#filter` },
  { sql: "filter(ARRAY[], x -> true)", expected: [], source: `${ARRAY_DOC}#filter` },
  { sql: "reduce(ARRAY[5, 20, 50], 0, (s, x) -> s + x, s -> s)", expected: 75, source: `${ARRAY_DOC}#reduce` },
  { sql: "reduce(ARRAY[5, 20, NULL, 50], 0, (s, x) -> s + coalesce(x, 0), s -> s)", expected: 75, source: `${ARRAY_DOC}#reduce` },
  { sql: "reduce(ARRAY[5, 20, 50], 0, (s, x) -> s + x, s -> s * 2)", expected: 150, source: "trinodb/trino core/trino-main/src/test/java/io/trino/operator/scalar/TestArrayReduceFunction.java (the output function applies to the state)" },
  { sql: "zip_with(ARRAY[1, 2], ARRAY[3, 4], (x, y) -> x + y)", expected: [4, 6], source: `${ARRAY_DOC}#zip_with` },
  { sql: "zip_with(ARRAY['a', 'b', 'c'], ARRAY['d', 'e', 'f'], (x, y) -> concat(x, y))", expected: ["ad", "be", "cf"], source: `${ARRAY_DOC}#zip_with` },
  { sql: "zip_with(ARRAY[1, 2], ARRAY[3, 4, 5], (x, y) -> coalesce(x, 0) + y)", expected: [4, 6, 5], source: `${ARRAY_DOC}#zip_with (the shorter array is padded with NULLs)` },
  { sql: "array_sort(ARRAY[3, 2, 5, 1, 2], (x, y) -> IF(x < y, 1, IF(x = y, 0, -1)))", expected: [5, 3, 2, 2, 1], source: `${ARRAY_DOC}#array_sort` },
  { sql: "array_sort(ARRAY['bc', 'ab', 'dc'], (x, y) -> IF(x < y, 1, IF(x = y, 0, -1)))", expected: ["dc", "bc", "ab"], source: `${ARRAY_DOC}#array_sort` },
  { sql: "array_sort(ARRAY['a', 'abcd', 'abc'], (x, y) -> IF(length(x) < length(y), -1, IF(length(x) = length(y), 0, 1)))", expected: ["a", "abc", "abcd"], source: `${ARRAY_DOC}#array_sort` },
  { sql: "array_sort(ARRAY[3, 2], (x, y) -> 5)", error: "Lambda comparator must return either -1, 0, or 1", source: `${ARRAY_OPS} testSort` },
  { sql: "array_sort(ARRAY[3, NULL, 1, 2])", expected: [1, 2, 3, null], source: `${ARRAY_DOC}#array_sort (NULLs last)` },
  { sql: "any_match(ARRAY[5, -6, 0], x -> x > 0)", expected: true, source: `${ARRAY_DOC}#any_match` },
  { sql: "any_match(ARRAY[NULL, -6], x -> x > 0)", expected: null, source: `${ARRAY_DOC}#any_match (NULL when no element is true and one is NULL)` },
  { sql: "all_match(ARRAY[5, -6, 0], x -> x > 0)", expected: false, source: `${ARRAY_DOC}#all_match` },
  { sql: "none_match(ARRAY[5, -6, 0], x -> x > 10)", expected: true, source: `${ARRAY_DOC}#none_match` },
  { sql: "SELECT transform(a, x -> x * 2) FROM (VALUES (ARRAY[1, 2])) AS t(a)", expected: [2, 4], source: `${LAMBDA_DOC}` },
  { sql: "SELECT x -> 1", refused: 'operator "->"', source: `${LAMBDA_DOC} (a lambda is only a function argument)` },
  { sql: "sequence(DATE '2016-04-12', DATE '2016-06-12', INTERVAL '1' MONTH)", refused: 'function "sequence"', source: `${ARRAY_DOC}#sequence` },

  // UNNEST in FROM, CROSS JOIN UNNEST, WITH ORDINALITY, several arrays.
  { sql: "SELECT x FROM UNNEST(ARRAY[1, 2, 3]) AS t(x) ORDER BY x DESC", expected: 3, type: "integer", source: UNNEST_DOC },
  { sql: "SELECT count(*) FROM (VALUES (ARRAY[1, 2]), (ARRAY[3])) AS v(a) CROSS JOIN UNNEST(a) AS t(x)", expected: "3", source: `${UNNEST_DOC} (CROSS JOIN UNNEST reads the row's array)` },
  { sql: "SELECT sum(x) FROM (VALUES (ARRAY[1, 2]), (ARRAY[3])) AS v(a) CROSS JOIN UNNEST(a) AS t(x)", expected: "6", type: "bigint", source: UNNEST_DOC },
  { sql: "SELECT n FROM UNNEST(ARRAY['a', 'b']) WITH ORDINALITY AS t(x, n) WHERE x = 'b'", expected: "2", type: "bigint", source: `${UNNEST_DOC} (WITH ORDINALITY counts from 1)` },
  { sql: "SELECT y FROM UNNEST(ARRAY[1, 2], ARRAY['a']) AS t(x, y) WHERE x = 2", expected: null, source: `${UNNEST_DOC} (several arrays: the shorter padded with NULLs)` },
  { sql: "SELECT count(*) FROM (VALUES (1)) AS v(q) CROSS JOIN UNNEST(ARRAY[]) AS t(x)", expected: "0", source: `${UNNEST_DOC} (an empty array gives no rows)` },
  { sql: "SELECT count(*) FROM (VALUES (CAST(NULL AS ARRAY(INTEGER)))) AS v(a) CROSS JOIN UNNEST(a) AS t(x)", refused: 'type "ARRAY"', source: `${UNNEST_DOC} (ARRAY types in CAST are not supported on the twin)` },
  { sql: "SELECT x FROM (VALUES (1)) AS v(q), UNNEST(ARRAY[7, 8]) t(x) ORDER BY x", expected: 7, source: `${UNNEST_DOC} (comma join)` },
  { sql: "SELECT t.x FROM (VALUES (1)) AS v(q) LEFT JOIN UNNEST(ARRAY[7]) AS t(x) ON true", expected: 7, source: "https://trino.io/docs/current/sql/select.html#lateral (LEFT JOIN UNNEST … ON true)" },
  { sql: "SELECT * FROM UNNEST(ARRAY[1])", refused: 'syntax "UNNEST"', source: `${UNNEST_DOC} (the twin wants the columns named)` },
  { sql: "SELECT * FROM UNNEST(ARRAY[1]) AS t(x, y)", refused: 'syntax "UNNEST"', source: `${UNNEST_DOC} (one column per array; rows and maps are not spread)` },

  // JSON functions.
  { sql: `json_extract_scalar('{"a": {"b": "x"}}', '$.a.b')`, expected: "x", type: "varchar", source: `${JSON_DOC}#json_extract_scalar` },
  { sql: `json_extract_scalar('{"a": 12.3}', '$.a')`, expected: "12.3", source: `${JSON_EXTRACT} (a number's text)` },
  { sql: `json_extract_scalar('{"a": 7}', '$.a')`, expected: "7", source: JSON_EXTRACT },
  { sql: `json_extract_scalar('{"a": true}', '$.a')`, expected: "true", source: JSON_EXTRACT },
  { sql: `json_extract_scalar('{"a": [1, 2]}', '$.a')`, expected: null, source: `${JSON_EXTRACT} (not a scalar)` },
  { sql: `json_extract_scalar('{"a": null}', '$.a')`, expected: null, source: JSON_EXTRACT },
  { sql: `json_extract_scalar('{"a": 1}', '$.b')`, expected: null, source: `${JSON_EXTRACT} (missing)` },
  { sql: `json_extract_scalar('[1, "two"]', '$[1]')`, expected: "two", source: JSON_EXTRACT },
  { sql: `json_extract_scalar('{"a b": 1}', '$["a b"]')`, expected: "1", source: `${JSON_EXTRACT} (bracket key)` },
  { sql: `json_extract_scalar('not json', '$.a')`, expected: null, source: "trinodb/trino core/trino-main/src/main/java/io/trino/operator/scalar/JsonExtract.java (null when parsing fails)" },
  { sql: `json_extract_scalar('{"a": 1.50}', '$.a')`, error: "not supported on the twin", source: `${JSON_EXTRACT} (Trino: '1.50', the source text)` },
  { sql: `json_extract_scalar('{"a": 1}', '$.*')`, refused: 'function "json_extract_scalar"', source: `${JSON_DOC}#json_extract (no wildcards in Trino's JSON path)` },
  { sql: `json_format(json_extract('{"a": {"b": [1, 2]}}', '$.a'))`, expected: '{"b":[1,2]}', type: "varchar", source: `${JSON_DOC}#json_extract` },
  { sql: `json_format(json_extract('{"a": 1}', '$.b'))`, expected: null, source: `${JSON_DOC}#json_extract` },
  { sql: `json_format(json_extract('{"a": 1e10}', '$.a'))`, error: "not supported on the twin", source: `${JSON_DOC}#json_extract (Trino writes 1.0E10)` },
  { sql: `json_format(json_parse('[1, 2,  3]'))`, expected: "[1,2,3]", source: `${JSON_FUNCTIONS} testJsonParse` },
  { sql: `json_format(JSON '["a", "b"]')`, expected: '["a","b"]', source: `${JSON_FUNCTIONS} testJsonFormat` },
  { sql: `json_parse('{bad')`, error: "Cannot convert value to JSON", source: `${JSON_FUNCTIONS} testJsonParse` },
  { sql: `json_array_length('[1, "foo", null]')`, expected: "3", type: "bigint", source: `${JSON_FUNCTIONS} testJsonArrayLength` },
  { sql: `json_array_length('[2, 4, {"a": [8, 9]}, [], [5], 4]')`, expected: "6", source: `${JSON_FUNCTIONS} testJsonArrayLength` },
  { sql: `json_array_length('{}')`, expected: null, source: `${JSON_DOC}#json_array_length (not an array)` },
  { sql: `json_array_contains('[1, 2, 3]', 2)`, expected: true, type: "boolean", source: `${JSON_FUNCTIONS} testJsonArrayContainsLong` },
  { sql: `json_array_contains('[1.0]', 1)`, expected: false, source: `${JSON_FUNCTIONS} testJsonArrayContainsLong` },
  { sql: `json_array_contains('[1, "foo", null, "8"]', 8)`, expected: false, source: `${JSON_FUNCTIONS} testJsonArrayContainsLong` },
  { sql: `json_array_contains('[1.5]', 1.5)`, expected: true, source: `${JSON_FUNCTIONS} testJsonArrayContainsDouble` },
  { sql: `json_array_contains('[1]', 1.0)`, expected: false, source: `${JSON_FUNCTIONS} testJsonArrayContainsDouble` },
  { sql: `json_array_contains('[1, "foo", null]', 'foo')`, expected: true, source: `${JSON_FUNCTIONS} testJsonArrayContainsString` },
  { sql: `json_array_contains('[1, 5]', '5')`, expected: false, source: `${JSON_FUNCTIONS} testJsonArrayContainsString` },
  { sql: `json_array_contains('[1, "foo", null, "true"]', true)`, expected: false, source: `${JSON_FUNCTIONS} testJsonArrayContainsBoolean` },
  { sql: `json_array_contains('[2, 4, {"a": [8, 9]}, [], [5], false]', false)`, expected: true, source: `${JSON_FUNCTIONS} testJsonArrayContainsBoolean` },
  { sql: `json_array_contains('[3]', CAST(NULL AS BIGINT))`, expected: null, source: `${JSON_FUNCTIONS} testJsonArrayContainsLong` },
  { sql: `json_size('{"x": {"a" : 1, "b" : 2} }', '$')`, expected: "1", type: "bigint", source: `${JSON_FUNCTIONS} testJsonSize` },
  { sql: `json_size('{"x": {"a" : 1, "b" : 2} }', '$.x')`, expected: "2", source: `${JSON_FUNCTIONS} testJsonSize` },
  { sql: `json_size('{"x": {"a" : 1, "b" : 2} }', '$.x.a')`, expected: "0", source: `${JSON_FUNCTIONS} testJsonSize` },
  { sql: `json_size('[1,2,3]', '$')`, expected: "3", source: `${JSON_FUNCTIONS} testJsonSize` },
  { sql: `json_size('INVALID_JSON', '$')`, expected: null, source: `${JSON_FUNCTIONS} testJsonSize` },
  { sql: `CAST(json_extract('{"a": "x"}', '$.a') AS VARCHAR)`, expected: "x", source: "trinodb/trino core/trino-main/src/test/java/io/trino/type/TestJsonOperators.java testCastToVarchar (a JSON string's text, unquoted)" },
  { sql: `CAST(json_extract('{"a": [1]}', '$.a') AS VARCHAR)`, error: "Cannot cast to varchar", source: "trinodb/trino core/trino-main/src/test/java/io/trino/type/TestJsonOperators.java testCastToVarchar (objects and arrays fail)" },
];

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
      // The message a user reads (sluice query, --format jsonl): Trino's error name, then its text.
      expect(athenaWording(String((outcome as { error: Error }).error.message))).toContain(c.error);
    } else {
      if (!outcome.ok) throw outcome.error;
      expect(outcome.value, c.source).toEqual(c.expected);
      if (c.type !== undefined) expect(typeMatches(outcome.type, c.type), `${c.source}: type ${outcome.type}, Trino ${c.type}`).toBe(true);
    }
  });
});
