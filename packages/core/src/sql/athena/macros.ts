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
    // Trino: an index below 1 fails the query (DuckDB counts from the end or gives '').
    `CREATE OR REPLACE MACRO athena_split_part(s, delimiter, i) AS
      CASE WHEN i <= 0 THEN error('Index must be greater than zero')
      WHEN i > len(string_split(s, delimiter)) THEN NULL ELSE split_part(s, delimiter, i) END`,
    // Trino: replace(s, '', t) puts t before every character and at the end; DuckDB leaves s as is.
    `CREATE OR REPLACE MACRO athena_replace(s, search, t) AS
      CASE WHEN search = '' THEN t || array_to_string(string_split(s, ''), t) || (CASE WHEN s = '' THEN '' ELSE t END)
      ELSE replace(s, search, t) END`,
    // Trino's lpad/rpad fail on a negative target length (DuckDB returns '') or an empty padding
    // string (DuckDB only fails when padding is needed).
    ...["lpad", "rpad"].map(
      (pad) => `CREATE OR REPLACE MACRO athena_${pad}(s, n, p) AS
      CASE WHEN n < 0 OR n > 2147483647 THEN error('Target length must be in the range [0..2147483647]')
      WHEN p = '' THEN error('Padding string must not be empty') ELSE ${pad}(s, CAST(n AS INTEGER), p) END`,
    ),
    // Trino's ISO-8601 text: date only for DATE, milliseconds, 'Z' for UTC instants.
    `CREATE OR REPLACE MACRO athena_to_iso8601(x DATE) AS strftime(x, '%Y-%m-%d'),
      (x TIMESTAMP) AS strftime(x, '%Y-%m-%dT%H:%M:%S.%g'),
      (x TIMESTAMPTZ) AS strftime(x, '%Y-%m-%dT%H:%M:%S.%g') || 'Z'`,
    // Division and modulus (the translator turns every `a / b` and `a % b` into these calls).
    // https://trino.io/docs/current/functions/math.html#mathematical-operators: an exact type
    // (integer, decimal) divided by zero fails the query; DOUBLE/REAL follow IEEE (1.0E0/0 is
    // Infinity, 0.0E0/0.0E0 NaN). DuckDB returns NULL for all of them (with integer_division its `/`
    // is `//`, so x / 0 for a float is computed as x * power(0, -1): ±Infinity, or NaN for 0 and NaN).
    // athena_zero(a, b) is a zero of the type Trino's arithmetic gives a and b (same rules as DuckDB's
    // addition for integers, floats and decimals); athena_wide_zero keeps that type for integers and
    // floats and widens a DECIMAL(p, s) to DECIMAL(38, s), so any quotient Trino can hold fits.
    "CREATE OR REPLACE MACRO athena_zero(a, b) AS a * 0 + b * 0",
    `CREATE OR REPLACE MACRO athena_wide_zero(z) AS
      trunc(z) * trunc(z) * trunc(z) * trunc(z) * trunc(z) * trunc(z) * trunc(z) * trunc(z) + z`,
    // A DECIMAL's digits without the point (scale-s fixed point as an integer), and 10^s.
    "CREATE OR REPLACE MACRO athena_unscaled(d) AS CAST(replace(CAST(d AS VARCHAR), '.', '') AS HUGEINT)",
    "CREATE OR REPLACE MACRO athena_scale(z) AS length(split_part(CAST(z AS VARCHAR), '.', 2))",
    "CREATE OR REPLACE MACRO athena_pow10(s) AS CAST('1' || repeat('0', s) AS HUGEINT)",
    // x / y for unscaled x, y at scale s, rounded half up (Trino's decimal division), as decimal text.
    `CREATE OR REPLACE MACRO athena_decimal_text(q, s) AS
      (CASE WHEN q < 0 THEN '-' ELSE '' END) || CAST(abs(q) // athena_pow10(s) AS VARCHAR)
      || (CASE WHEN s > 0 THEN '.' || lpad(CAST(abs(q) % athena_pow10(s) AS VARCHAR), CAST(s AS INTEGER), '0') ELSE '' END)`,
    `CREATE OR REPLACE MACRO athena_decimal_quotient(x, y, s) AS
      athena_decimal_text(sign(x) * sign(y) * ((2 * abs(x) * athena_pow10(s) + abs(y)) // (2 * abs(y))), s)`,
    `CREATE OR REPLACE MACRO athena_decimal_divide(a, b, w) AS
      cast_to_type(athena_decimal_quotient(athena_unscaled(a + w), athena_unscaled(b + w), athena_scale(w)), w)`,
    // Inside TRY(…) the translator calls the athena_try_* versions, which give NULL where the others
    // fail: DuckDB's TRY refuses an expression holding error().
    ...(
      [
        ["athena_", "error('Division by zero')"],
        ["athena_try_", "NULL"],
      ] as const
    ).flatMap(([prefix, onZero]) => [
      `CREATE OR REPLACE MACRO ${prefix}divide_as(a, b, z) AS CASE
      WHEN typeof(z) IN ('DOUBLE', 'FLOAT') THEN cast_to_type(CASE WHEN b = 0 THEN a * power(b, -1) ELSE a // b END, z)
      WHEN b = 0 THEN ${onZero}
      WHEN typeof(z) LIKE 'DECIMAL%' THEN athena_decimal_divide(a, b, athena_wide_zero(z))
      ELSE cast_to_type(a // b, z) END`,
      // The lambda binds each operand once: a nested a / b / c would otherwise copy its operands into
      // every use of a, b and z and grow exponentially.
      `CREATE OR REPLACE MACRO ${prefix}divide(a, b) AS list_transform([{'a': a, 'b': b}],
      lambda athena_v: ${prefix}divide_as(athena_v.a, athena_v.b, athena_zero(athena_v.a, athena_v.b)))[1]`,
      `CREATE OR REPLACE MACRO ${prefix}modulus(a, b) AS CASE
      WHEN typeof(athena_zero(a, b)) NOT IN ('DOUBLE', 'FLOAT') AND b = 0 THEN ${onZero}
      ELSE a % b END`,
    ]),
    // avg (https://trino.io/docs/current/functions/aggregate.html#avg): a DOUBLE for integers and
    // doubles, a REAL for reals, decimal(p, s) for decimal(p, s) (DuckDB: DOUBLE). The decimal average
    // is the exact sum over the count rounded half up at scale s (DecimalAverageAggregation.average,
    // TestDecimalAverageAggregation: divide(count, scale, HALF_UP)). m is min() over the same rows:
    // a value of the argument's type. Integer types are the typed overloads; others keep their type.
    `CREATE OR REPLACE MACRO athena_avg_type(m TINYINT) AS CAST(0 AS DOUBLE), (m SMALLINT) AS CAST(0 AS DOUBLE),
      (m INTEGER) AS CAST(0 AS DOUBLE), (m BIGINT) AS CAST(0 AS DOUBLE), (m HUGEINT) AS CAST(0 AS DOUBLE),
      (m) AS cast_to_type(0, m)`,
    `CREATE OR REPLACE MACRO athena_decimal_avg_text(total, n) AS
      athena_decimal_text(sign(athena_unscaled(total)) * ((2 * abs(athena_unscaled(total)) + n) // (2 * n)), athena_scale(total))`,
    // z is athena_avg_type(m): a macro body cannot call a typed overload of an untyped parameter.
    `CREATE OR REPLACE MACRO athena_avg(a, total, n, m, z) AS CASE
      WHEN typeof(m) LIKE 'DECIMAL%' THEN (CASE WHEN n > 0 THEN cast_to_type(athena_decimal_avg_text(total, n), z) END)
      ELSE cast_to_type(a, z) END`,
    // geometric_mean (computed in DOUBLE) is a REAL for REAL values, else a DOUBLE
    // (https://trino.io/docs/current/functions/aggregate.html#geometric_mean). A zero of that type:
    // integers by overload, then DOUBLE + REAL is DOUBLE and REAL + REAL is REAL. DuckDB's DECIMAL +
    // REAL is a REAL where Trino would read a decimal as a DOUBLE: that one fails by name.
    `CREATE OR REPLACE MACRO athena_mean_type(m TINYINT) AS CAST(0 AS DOUBLE), (m SMALLINT) AS CAST(0 AS DOUBLE),
      (m INTEGER) AS CAST(0 AS DOUBLE), (m BIGINT) AS CAST(0 AS DOUBLE), (m HUGEINT) AS CAST(0 AS DOUBLE),
      (m) AS cast_to_type(0, m) + CAST(0 AS FLOAT)`,
    `CREATE OR REPLACE MACRO athena_geometric_mean(mean, m, z) AS CASE
      WHEN typeof(m) LIKE 'DECIMAL%' THEN error('geometric_mean of a DECIMAL is not supported on the twin: cast the argument to DOUBLE')
      ELSE cast_to_type(mean, z) END`,
    // approx_percentile(x, p): Trino's digests (qdigest for bigint, t-digest for double and real) keep a
    // small input exactly and then answer the input value at 0-based rank floor(p * n) (clamped to the
    // last); DuckDB's approx_quantile interpolates (2.5 for 1, 2, 3, 4 where Trino says 3). The twin
    // sorts the values and takes that rank, which is also what a digest approximates on large inputs.
    // The type: bigint for integers, else the input's (real, double); Trino reads a decimal as a
    // double, which DuckDB's decimal + real (a real) cannot say, so a decimal fails by name.
    `CREATE OR REPLACE MACRO athena_percentile_type(m TINYINT) AS CAST(0 AS BIGINT), (m SMALLINT) AS CAST(0 AS BIGINT),
      (m INTEGER) AS CAST(0 AS BIGINT), (m BIGINT) AS CAST(0 AS BIGINT), (m HUGEINT) AS CAST(0 AS BIGINT),
      (m) AS cast_to_type(0, m) + CAST(0 AS FLOAT)`,
    `CREATE OR REPLACE MACRO athena_approx_percentile(vals, n, q, m, z) AS CASE
      WHEN q < 0 OR q > 1 THEN error('Percentile must be between 0 and 1')
      WHEN typeof(m) LIKE 'DECIMAL%' THEN error('approx_percentile of a DECIMAL is not supported on the twin: cast the argument to DOUBLE')
      WHEN n = 0 THEN NULL
      ELSE cast_to_type(list_sort(vals)[CAST(least(floor(q * n), n - 1) AS BIGINT) + 1], z) END`,
    // A zero of the type of Trino's sum over values of m's type (see trinoSumType in functions.ts).
    "CREATE OR REPLACE MACRO athena_sum_type(m) AS athena_wide_zero(CAST(0 AS BIGINT) + m * 0)",
    // Trino's CAST(DOUBLE AS VARCHAR) is scientific with the shortest round-trip digits (3.77E1,
    // 1.2E3, 4.0E0, 0E0, -0E0, NaN, Infinity); DuckDB writes 37.7, 1200.0, 1e+20. athena_sci builds
    // d[1].d[2…]E<e> from significant digits d and exponent e, read off DuckDB's shortest text.
    // DoubleOperators' FORMAT is DecimalFormat("0.0###################E0"): one fraction digit at least
    // (4.0E0, 1.0E20; TestArrayFunctions testArrayJoin: 1.0E0x2.1E0x3.3E0); zero alone is 0E0.
    `CREATE OR REPLACE MACRO athena_sci(d, e) AS
      left(rtrim(d, '0'), 1) || '.' || (CASE WHEN length(rtrim(d, '0')) > 1 THEN substr(rtrim(d, '0'), 2) ELSE '0' END)
      || 'E' || CAST(e AS VARCHAR)`,
    `CREATE OR REPLACE MACRO athena_sci_text(t) AS CASE
      WHEN contains(t, 'e') THEN athena_sci(replace(split_part(t, 'e', 1), '.', ''), CAST(split_part(t, 'e', 2) AS INTEGER))
      WHEN split_part(t, '.', 1) <> '0' THEN athena_sci(replace(t, '.', ''), length(split_part(t, '.', 1)) - 1)
      ELSE athena_sci(ltrim(split_part(t, '.', 2), '0'),
        length(ltrim(split_part(t, '.', 2), '0')) - length(split_part(t, '.', 2)) - 1) END`,
    `CREATE OR REPLACE MACRO athena_double_text(x) AS CASE
      WHEN isnan(x) THEN 'NaN'
      WHEN isinf(x) THEN (CASE WHEN x > 0 THEN 'Infinity' ELSE '-Infinity' END)
      WHEN x = 0 THEN (CASE WHEN CAST(x AS VARCHAR) LIKE '-%' THEN '-0E0' ELSE '0E0' END)
      ELSE (CASE WHEN x < 0 THEN '-' ELSE '' END) || athena_sci_text(CAST(abs(x) AS VARCHAR)) END`,
    // DuckDB writes a DECIMAL(p, p) without its leading zero (.0034, -.5); Trino writes 0.0034.
    `CREATE OR REPLACE MACRO athena_decimal_text_zero(t) AS CASE
      WHEN starts_with(t, '.') THEN '0' || t WHEN starts_with(t, '-.') THEN '-0' || substr(t, 2) ELSE t END`,
    // CAST(JSON AS VARCHAR): a scalar's text (a string unquoted), NULL for JSON null; an object or
    // array fails (Trino: "Cannot cast to varchar").
    `CREATE OR REPLACE MACRO athena_json_text(j) AS CASE
      WHEN json_type(j) IN ('OBJECT', 'ARRAY') THEN error('Cannot cast to varchar: ' || CAST(j AS VARCHAR))
      ELSE json_extract_string(j, '$') END`,
    // Trino's CAST(REAL AS VARCHAR) is scientific with 7 significant digits, trailing zeros dropped
    // (TestRealOperators testCastToVarchar: 7.541985E2, 1.234568E7, 1.2E3); printf's %.6e rounds the
    // same way.
    `CREATE OR REPLACE MACRO athena_real_sci(t) AS
      athena_sci(replace(split_part(t, 'e', 1), '.', ''), CAST(split_part(t, 'e', 2) AS INTEGER))`,
    `CREATE OR REPLACE MACRO athena_real_text(x) AS CASE
      WHEN isnan(x) THEN 'NaN'
      WHEN isinf(x) THEN (CASE WHEN x > 0 THEN 'Infinity' ELSE '-Infinity' END)
      WHEN x = 0 THEN (CASE WHEN CAST(x AS VARCHAR) LIKE '-%' THEN '-0E0' ELSE '0E0' END)
      ELSE (CASE WHEN x < 0 THEN '-' ELSE '' END) || athena_real_sci(printf('%.6e', abs(CAST(x AS DOUBLE)))) END`,
    // The translator sends every CAST(… AS VARCHAR) through this; only DOUBLE, REAL and DECIMAL values
    // change. Trino has no cast from an array, row or map to varchar (DuckDB prints '[1, 2]', '(1, a)').
    // A column compared with a number (the translator's checkNumericComparison): Trino refuses a
    // varchar or boolean there ("Cannot apply operator: varchar = integer"); m has %s for the type.
    `CREATE OR REPLACE MACRO athena_numeric(x, m) AS CASE
      WHEN typeof(x) IN ('VARCHAR', 'BOOLEAN') THEN error(replace(m, '%s', lower(typeof(x)))) ELSE x END`,
    // A column compared with a string literal: only a varchar compares with one in Trino (a date or
    // timestamp wants DATE '…' / TIMESTAMP '…'; DuckDB casts the text).
    `CREATE OR REPLACE MACRO athena_textual(x, m) AS CASE
      WHEN typeof(x) IN ('VARCHAR', 'NULL') THEN x ELSE error(replace(m, '%s', lower(typeof(x)))) END`,
    // An operand of || or concat (the translator's concatenation): Trino concatenates varchar,
    // varbinary and arrays only; DuckDB would cast a number, date or boolean to text.
    `CREATE OR REPLACE MACRO athena_concat_operand(x) AS CASE
      WHEN typeof(x) IN ('VARCHAR', 'BLOB', 'NULL') OR typeof(x) LIKE '%[]' THEN x
      ELSE error('Cannot apply operator: || to ' || lower(typeof(x))) END`,
    // CAST(text AS BOOLEAN) takes t, f, 1, 0, true, false in any case (VarcharOperators castToBoolean),
    // else "Cannot cast 'yes' to BOOLEAN"; DuckDB also takes yes/no and spaces.
    ...(
      [
        ["athena_boolean", "error('Cannot cast ''' || x || ''' to BOOLEAN')"],
        ["athena_try_boolean", "NULL"],
      ] as const
    ).map(
      ([name, fail]) => `CREATE OR REPLACE MACRO ${name}(x VARCHAR) AS CASE
      WHEN x IS NULL OR lower(x) IN ('t', 'f', '1', '0', 'true', 'false') THEN x ELSE ${fail} END,
      (x) AS x`,
    ),
    // CAST(x AS DECIMAL(p, s)) reads a DOUBLE by its shortest text, then rounds half up
    // (DecimalConversions: BigDecimal.valueOf(double), new BigDecimal(String.valueOf(float)),
    // setScale(s, HALF_UP)): 1.005E0 is 1.01 where DuckDB's binary rounding gives 1.00. The twin casts
    // the text (DuckDB's shortest text, rounded half away from zero); a boolean goes as 0 or 1.
    `CREATE OR REPLACE MACRO athena_decimal_source(x) AS CASE
      WHEN typeof(x) = 'BOOLEAN' THEN CAST(CAST(x AS INTEGER) AS VARCHAR) ELSE CAST(x AS VARCHAR) END`,
    // A timestamp's text has its precision's digits in Trino: a Glue timestamp column is timestamp(3)
    // (2025-01-05 10:00:00.000; DuckDB writes 2025-01-05 10:00:00), six digits when the value has
    // microseconds below the millisecond; timestamp with time zone ends with its zone (UTC here).
    `CREATE OR REPLACE MACRO athena_timestamp_text(t) AS CASE
      WHEN microsecond(t) % 1000 <> 0 THEN strftime(t, '%Y-%m-%d %H:%M:%S.%f') ELSE strftime(t, '%Y-%m-%d %H:%M:%S.%g') END`,
    // athena_try_varchar is the one used inside TRY(…), where DuckDB refuses error(): a JSON object or
    // array (a runtime error in Trino) gives NULL, and so does an array, row or map, which Trino
    // rejects before running (TRY(CAST(ARRAY[1] AS VARCHAR)) fails there; NULL on the twin).
    ...(
      [
        ["athena_varchar", "athena_json_text(TRY_CAST(x AS JSON))", (what: string) => `error('Cannot cast ${what} to varchar')`],
        ["athena_try_varchar", "(CASE WHEN json_type(TRY_CAST(x AS JSON)) NOT IN ('OBJECT', 'ARRAY') THEN json_extract_string(TRY_CAST(x AS JSON), '$') END)", () => "NULL"],
      ] as const
    ).map(
      ([name, json, fail]) => `CREATE OR REPLACE MACRO ${name}(x) AS CASE
      WHEN typeof(x) = 'DOUBLE' THEN athena_double_text(TRY_CAST(x AS DOUBLE))
      WHEN typeof(x) = 'FLOAT' THEN athena_real_text(TRY_CAST(x AS FLOAT))
      WHEN typeof(x) = 'JSON' THEN ${json}
      WHEN typeof(x) LIKE 'DECIMAL%' THEN athena_decimal_text_zero(CAST(x AS VARCHAR))
      WHEN typeof(x) = 'TIMESTAMP' THEN athena_timestamp_text(TRY_CAST(x AS TIMESTAMP))
      WHEN typeof(x) = 'TIMESTAMP WITH TIME ZONE' THEN athena_timestamp_text(CAST(TRY_CAST(x AS TIMESTAMPTZ) AS TIMESTAMP)) || ' UTC'
      WHEN typeof(x) LIKE '%[]' OR typeof(x) LIKE '%]' THEN ${fail("array")}
      WHEN typeof(x) LIKE 'STRUCT(%' THEN ${fail("row")}
      WHEN typeof(x) LIKE 'MAP(%' THEN ${fail("map")}
      ELSE CAST(x AS VARCHAR) END`,
    ),
    // CAST(x AS VARCHAR(n)): Trino cuts text to n characters but fails for any other type whose text
    // is longer (TestRealOperators testCastToVarchar: "Value 1200.0 (1.2E3) cannot be represented as
    // varchar(4)").
    // Java's Double.toString / Float.toString (Trino's error messages print a double with it): plain
    // digits with a decimal for 10^-3 <= |x| < 10^7 (DuckDB's own text there), else d.dddE±n.
    `CREATE OR REPLACE MACRO athena_java_text(x) AS CASE
      WHEN isnan(x) OR isinf(x) THEN athena_varchar(x)
      WHEN x = 0 OR (abs(x) >= 0.001 AND abs(x) < 10000000) THEN CAST(x AS VARCHAR)
      ELSE regexp_replace(athena_varchar(x), '^(-?[0-9])E', '\\1.0E') END`,
    // DoubleOperators/RealOperators castToVarchar: "Value 1200.0 (1.2E3) cannot be represented as varchar(4)".
    `CREATE OR REPLACE MACRO athena_varchar_n(x, n) AS CASE
      WHEN typeof(x) = 'VARCHAR' THEN left(CAST(x AS VARCHAR), n)
      WHEN length(athena_varchar(x)) > n THEN error('Value '
        || (CASE WHEN typeof(x) = 'DOUBLE' THEN athena_java_text(TRY_CAST(x AS DOUBLE)) || ' (' || athena_varchar(x) || ')'
          WHEN typeof(x) = 'FLOAT' THEN athena_java_text(TRY_CAST(x AS FLOAT)) || ' (' || athena_varchar(x) || ')'
          ELSE athena_varchar(x) END)
        || ' cannot be represented as varchar(' || CAST(n AS VARCHAR) || ')')
      ELSE athena_varchar(x) END`,
    `CREATE OR REPLACE MACRO athena_try_varchar_n(x, n) AS CASE
      WHEN typeof(x) = 'VARCHAR' THEN left(CAST(x AS VARCHAR), n)
      WHEN length(athena_varchar(x)) > n THEN NULL
      ELSE athena_varchar(x) END`,
    // from_iso8601_timestamp: Trino keeps the text's offset as the value's zone; the twin's TIMESTAMPTZ
    // is UTC only, so only Z, +00:00 or no offset (the UTC session zone) are read.
    `CREATE OR REPLACE MACRO athena_from_iso8601_timestamp(s) AS CASE
      WHEN regexp_matches(s, 'T.*[+-][0-9]{2}(:?[0-9]{2})?$') AND NOT regexp_matches(s, 'T.*[+-]00(:?00)?$')
      THEN error('from_iso8601_timestamp with a UTC offset other than Z is not supported on the twin: ' || s)
      ELSE CAST(s AS TIMESTAMPTZ) END`,
    // round(x, n) keeps x's type; a DECIMAL(p, s) becomes decimal(min(38, p + 1), s) (MathFunctions
    // roundN: "rp = min(38, p + 1)"; round(DECIMAL '3.450', 1) is 3.500; DuckDB: 3.5 as DECIMAL(4,1)).
    // A zero of x's type added to itself has that type: DuckDB's decimal addition is
    // (max(p1 - s1, p2 - s2) + max(s1, s2) + 1, max(s1, s2)), integers and floats keep theirs.
    // A DOUBLE or REAL is rounded as MathFunctions.round(double, n) does: Math.round(x * 10^n) / 10^n
    // with the sign set aside, Math.round being floor(v + 0.5) saturated at Long.MAX_VALUE
    // (round(2.675E0, 2) is 2.67 there: 267.49999999999997 rounds down; DuckDB gives 2.68).
    // (least() would skip a NULL.)
    `CREATE OR REPLACE MACRO athena_math_round(v) AS CASE
      WHEN floor(v + 0.5) > CAST(9223372036854775807 AS DOUBLE) THEN CAST(9223372036854775807 AS DOUBLE) ELSE floor(v + 0.5) END`,
    `CREATE OR REPLACE MACRO athena_java_round(d, n) AS CASE
      WHEN isnan(d) OR isinf(d) THEN d
      WHEN d < 0 THEN -(athena_math_round(-d * power(10, n)) / power(10, n))
      ELSE athena_math_round(d * power(10, n)) / power(10, n) END`,
    `CREATE OR REPLACE MACRO athena_round(x, n) AS CASE
      WHEN typeof(x) IN ('DOUBLE', 'FLOAT') THEN cast_to_type(athena_java_round(TRY_CAST(x AS DOUBLE), n), cast_to_type(0, x) + cast_to_type(0, x))
      ELSE cast_to_type(round(x, n), cast_to_type(0, x) + cast_to_type(0, x)) END`,
    `CREATE OR REPLACE MACRO athena_round1(x) AS CASE
      WHEN typeof(x) IN ('DOUBLE', 'FLOAT') THEN cast_to_type(athena_java_round(TRY_CAST(x AS DOUBLE), 0), round(x))
      ELSE round(x) END`,
    // sign(x) has x's type (DECIMAL(p,0) for decimals: trunc keeps the type and drops the scale) and
    // sign(NaN) is NaN; DuckDB's is a TINYINT and 0.
    `CREATE OR REPLACE MACRO athena_sign(x) AS CASE
      WHEN isnan(CAST(x AS DOUBLE)) THEN cast_to_type(x, trunc(x)) ELSE cast_to_type(sign(x), trunc(x)) END`,
    // Trino's math functions are Java's Math: a square root or logarithm out of the domain is NaN, the
    // logarithm of 0 is -Infinity, acos/asin outside [-1, 1] NaN (TestMathFunctions testSqrt, testLn,
    // testAcos…); DuckDB fails the query on all of them.
    `CREATE OR REPLACE MACRO athena_sqrt(x) AS CASE WHEN x < 0 THEN CAST('NaN' AS DOUBLE) ELSE sqrt(x) END`,
    // log2 is Math.log(x) / Math.log(2) in MathFunctions (the same double arithmetic here).
    ...(
      [
        ["ln", "ln(x)"],
        ["log2", "ln(x) / ln(2)"],
        ["log10", "log10(x)"],
      ] as const
    ).map(
      ([fn, value]) => `CREATE OR REPLACE MACRO athena_${fn}(x) AS CASE
      WHEN x < 0 THEN CAST('NaN' AS DOUBLE) WHEN x = 0 THEN CAST('-Infinity' AS DOUBLE) ELSE ${value} END`,
    ),
    "CREATE OR REPLACE MACRO athena_log(b, x) AS athena_divide(athena_ln(x), athena_ln(b))",
    ...["acos", "asin"].map(
      (fn) => `CREATE OR REPLACE MACRO athena_${fn}(x) AS CASE WHEN x < -1 OR x > 1 THEN CAST('NaN' AS DOUBLE) ELSE ${fn}(x) END`,
    ),
    // substr(s, start[, length]) (StringFunctions.substr): '' for start 0, a length <= 0, or a negative
    // start before the beginning; DuckDB counts a negative length backwards and clips the start.
    `CREATE OR REPLACE MACRO athena_substr(s, start, n) AS CASE
      WHEN start = 0 OR n <= 0 OR (start < 0 AND start + length(s) < 0) THEN '' ELSE substring(s, start, n) END`,
    // width_bucket(x, bound1, bound2, n) (MathFunctions.widthBucket): 0 below the range, n + 1 above
    // it, bounds in either order; DuckDB has no width_bucket.
    `CREATE OR REPLACE MACRO athena_width_bucket(x, b1, b2, n) AS CASE
      WHEN n <= 0 THEN error('bucketCount must be greater than 0')
      WHEN isnan(x) THEN error('operand must not be NaN')
      WHEN isinf(b1) THEN error('first bound must be finite')
      WHEN isinf(b2) THEN error('second bound must be finite')
      WHEN b1 = b2 THEN error('bounds cannot equal each other')
      WHEN b1 < b2 THEN (CASE WHEN x < b1 THEN 0 WHEN x >= b2 THEN n + 1
        ELSE CAST(floor(CAST(x - b1 AS DOUBLE) / CAST(b2 - b1 AS DOUBLE) * n) AS BIGINT) + 1 END)
      ELSE (CASE WHEN x > b1 THEN 0 WHEN x <= b2 THEN n + 1
        ELSE CAST(floor(CAST(b1 - x AS DOUBLE) / CAST(b1 - b2 AS DOUBLE) * n) AS BIGINT) + 1 END) END`,
    // to_base/from_base: Java's Long.toString/parseLong in a radix, lower-case digits and a sign.
    `CREATE OR REPLACE MACRO athena_to_base(x, r) AS CASE
      WHEN r < 2 OR r > 36 THEN error('Radix must be between 2 and 36')
      WHEN x < 0 THEN '-' || lower(to_base(-CAST(x AS BIGINT), CAST(r AS INTEGER)))
      ELSE lower(to_base(CAST(x AS BIGINT), CAST(r AS INTEGER))) END`,
    `CREATE OR REPLACE MACRO athena_from_base_digits(s, r) AS
      list_transform(string_split(lower(s), ''), athena_c -> position(athena_c IN left('0123456789abcdefghijklmnopqrstuvwxyz', CAST(r AS INTEGER))) - 1)`,
    `CREATE OR REPLACE MACRO athena_from_base_unsigned(s, r) AS CASE
      WHEN s = '' OR list_contains(athena_from_base_digits(s, r), -1) THEN error('Not a valid base-' || CAST(r AS VARCHAR) || ' number: ' || s)
      ELSE list_reduce(list_transform(athena_from_base_digits(s, r), athena_d -> CAST(athena_d AS BIGINT)), (athena_a, athena_d) -> athena_a * r + athena_d) END`,
    `CREATE OR REPLACE MACRO athena_from_base(s, r) AS CASE
      WHEN r < 2 OR r > 36 THEN error('Radix must be between 2 and 36')
      WHEN starts_with(s, '-') THEN -athena_from_base_unsigned(substr(s, 2), r)
      WHEN starts_with(s, '+') THEN athena_from_base_unsigned(substr(s, 2), r)
      ELSE athena_from_base_unsigned(s, r) END`,
    // typeof(x) in Trino's names for the types whose name is the same whatever the value; a VARCHAR
    // (Trino: varchar(n) for a literal), TIMESTAMP (timestamp(p)) or composite type fails by name.
    `CREATE OR REPLACE MACRO athena_typeof(x) AS CASE typeof(x)
      WHEN 'TINYINT' THEN 'tinyint' WHEN 'SMALLINT' THEN 'smallint' WHEN 'INTEGER' THEN 'integer'
      WHEN 'BIGINT' THEN 'bigint' WHEN 'DOUBLE' THEN 'double' WHEN 'FLOAT' THEN 'real'
      WHEN 'BOOLEAN' THEN 'boolean' WHEN 'DATE' THEN 'date'
      ELSE (CASE WHEN typeof(x) LIKE 'DECIMAL(%' THEN lower(replace(typeof(x), ' ', ''))
        ELSE error('typeof of a ' || typeof(x) || ' value is not supported on the twin') END) END`,
    // Array functions (https://trino.io/docs/current/functions/array.html).
    // contains: NULL when the element is missing but the array holds a NULL (DuckDB: false).
    `CREATE OR REPLACE MACRO athena_contains(a, e) AS CASE
      WHEN a IS NULL OR e IS NULL THEN NULL
      WHEN list_contains(a, e) THEN true
      WHEN list_contains(list_transform(a, lambda athena_x: athena_x IS NULL), true) THEN NULL
      ELSE false END`,
    // array_position: 0 when missing (DuckDB: NULL).
    `CREATE OR REPLACE MACRO athena_array_position(a, e) AS CASE
      WHEN a IS NULL OR e IS NULL THEN NULL ELSE coalesce(CAST(list_position(a, e) AS BIGINT), 0) END`,
    // array_distinct keeps the first of each value in order, one NULL included (DuckDB's
    // list_distinct drops NULLs and does not keep the order).
    `CREATE OR REPLACE MACRO athena_array_distinct(a) AS list_filter(a, lambda athena_x, athena_i:
      len(list_filter(a[1:athena_i - 1], lambda athena_y: athena_y IS NOT DISTINCT FROM athena_x)) = 0)`,
    // array_join: elements as CAST(… AS VARCHAR) gives them (3.77E1 for a double), NULLs skipped or
    // replaced.
    `CREATE OR REPLACE MACRO athena_array_join(a, sep) AS
      array_to_string(list_transform(a, lambda athena_x: athena_varchar(athena_x)), sep)`,
    `CREATE OR REPLACE MACRO athena_array_join_null(a, sep, r) AS
      array_to_string(list_transform(a, lambda athena_x: coalesce(athena_varchar(athena_x), r)), sep)`,
    // slice(a, start, length): ArraySliceFunction (negative start from the end, empty outside).
    `CREATE OR REPLACE MACRO athena_slice_from(a, s) AS CASE WHEN s < 0 THEN len(a) + s + 1 ELSE s END`,
    `CREATE OR REPLACE MACRO athena_slice(a, s, n) AS CASE
      WHEN n < 0 THEN error('length must be greater than or equal to 0')
      WHEN s = 0 THEN error('SQL array indices start at 1')
      WHEN athena_slice_from(a, s) < 1 THEN a[1:0]
      ELSE list_slice(a, athena_slice_from(a, s), least(athena_slice_from(a, s) + n, len(a) + 1) - 1) END`,
    // sequence(start, stop[, step]): inclusive, the step defaults to -1 when stop < start (DuckDB's
    // generate_series gives []), a step of the wrong sign fails, at most 10000 entries.
    `CREATE OR REPLACE MACRO athena_sequence_check(a, b, step, n) AS CASE
      WHEN step = 0 THEN error('step must not be zero')
      WHEN (step > 0 AND a > b) OR (step < 0 AND a < b) THEN error('sequence stop value should be greater than or equal to start value if step is greater than zero otherwise stop should be less than or equal to start')
      WHEN n > 10000 THEN error('result of sequence function must not have more than 10000 entries')
      ELSE true END`,
    `CREATE OR REPLACE MACRO athena_sequence3(a, b, step) AS CASE
      WHEN athena_sequence_check(a, b, step, (CAST(b AS HUGEINT) - a) // step + 1) THEN generate_series(CAST(a AS BIGINT), CAST(b AS BIGINT), CAST(step AS BIGINT)) END`,
    `CREATE OR REPLACE MACRO athena_sequence(a DATE, b DATE) AS
      list_transform(athena_sequence3(0, b - a, CASE WHEN a <= b THEN 1 ELSE -1 END), lambda athena_d: CAST(a + CAST(athena_d AS INTEGER) AS DATE)),
      (a, b) AS athena_sequence3(a, b, CASE WHEN a <= b THEN 1 ELSE -1 END)`,
    // array_max/array_min: NULL if any element is NULL (DuckDB's list_max skips NULLs).
    ...["max", "min"].map(
      (fn) => `CREATE OR REPLACE MACRO athena_array_${fn}(a) AS CASE
      WHEN list_contains(list_transform(a, lambda athena_x: athena_x IS NULL), true) THEN NULL ELSE list_${fn}(a) END`,
    ),
    // concat_ws(sep, array(varchar)) joins the array; DuckDB would print the list.
    `CREATE OR REPLACE MACRO athena_concat_ws(sep, x VARCHAR[]) AS CASE WHEN sep IS NULL THEN NULL ELSE array_to_string(x, sep) END,
      (sep, x) AS concat_ws(sep, x)`,
    // JSON. Trino renders a JSON double with Java's Double.toString (1.0E7, 1.0E-4 outside
    // [1e-3, 1e7)); DuckDB writes 10000000.0: a JSON value holding such a number fails by name.
    `CREATE OR REPLACE MACRO athena_json_checked(j) AS CASE
      WHEN regexp_matches(CAST(j AS VARCHAR), '(^|[\\[:,])-?([0-9]{8,}\\.[0-9]|0\\.00[0-9]|[0-9.]+[eE])')
      THEN CAST(error('a JSON number outside [1e-3, 1e7) is rendered differently by Trino; not supported on the twin: ' || CAST(j AS VARCHAR)) AS JSON)
      ELSE j END`,
    // The JSON text, or NULL when it is not JSON: DuckDB's json_* fail on it, Trino gives NULL.
    "CREATE OR REPLACE MACRO athena_json_or_null(j) AS CASE WHEN json_valid(j) THEN j END",
    // json_extract_scalar: the scalar's text (a string unquoted), NULL for an object, array, JSON null,
    // a missing path or text that is not JSON. Trino returns a number's source text; DuckDB its
    // shortest form, so a double whose source text is not that form (1.50, 1e2) fails by name.
    `CREATE OR REPLACE MACRO athena_json_extract_scalar_valid(j, p) AS CASE
      WHEN j IS NULL OR NOT json_valid(j) THEN NULL
      WHEN json_type(j, p) IS NULL OR json_type(j, p) IN ('OBJECT', 'ARRAY', 'NULL') THEN NULL
      WHEN json_type(j, p) = 'DOUBLE' AND NOT regexp_matches(CAST(j AS VARCHAR),
        '[\\[:,]\\s*' || replace(replace(json_extract_string(j, p), '.', '\\.'), '+', '\\+') || '\\s*[,\\]}]')
      THEN error('json_extract_scalar of a number written other than in its shortest form is not supported on the twin: ' || CAST(json_extract(j, p) AS VARCHAR))
      ELSE json_extract_string(j, p) END`,
    `CREATE OR REPLACE MACRO athena_json_extract_valid(j, p) AS CASE
      WHEN j IS NULL OR NOT json_valid(j) THEN NULL ELSE athena_json_checked(json_extract(j, p)) END`,
    `CREATE OR REPLACE MACRO athena_json_size_valid(j, p) AS CASE
      WHEN j IS NULL OR NOT json_valid(j) OR json_type(j, p) IS NULL THEN NULL
      WHEN json_type(j, p) = 'ARRAY' THEN CAST(json_array_length(j, p) AS BIGINT)
      WHEN json_type(j, p) = 'OBJECT' THEN CAST(len(json_keys(j, p)) AS BIGINT)
      ELSE CAST(0 AS BIGINT) END`,
    `CREATE OR REPLACE MACRO athena_json_parse(s) AS CASE
      WHEN NOT json_valid(s) THEN CAST(error('Cannot convert value to JSON: ' || s) AS JSON)
      ELSE athena_json_checked(json(s)) END`,
    // json_array_length: NULL for anything but an array (DuckDB: 0).
    `CREATE OR REPLACE MACRO athena_json_array_length_valid(j) AS CASE
      WHEN j IS NULL OR NOT json_valid(j) OR json_type(j) <> 'ARRAY' THEN NULL
      ELSE CAST(json_array_length(j) AS BIGINT) END`,
    `CREATE OR REPLACE MACRO athena_json_extract_scalar(j, p) AS athena_json_extract_scalar_valid(athena_json_or_null(j), p)`,
    `CREATE OR REPLACE MACRO athena_json_extract(j, p) AS athena_json_extract_valid(athena_json_or_null(j), p)`,
    `CREATE OR REPLACE MACRO athena_json_size(j, p) AS athena_json_size_valid(athena_json_or_null(j), p)`,
    `CREATE OR REPLACE MACRO athena_json_array_length(j) AS athena_json_array_length_valid(athena_json_or_null(j))`,
    // json_array_contains (JsonFunctions.jsonArrayContains): a BIGINT matches integer elements, a
    // DOUBLE (or DECIMAL) non-integer numbers, a BOOLEAN true/false, a VARCHAR strings; NULL when j is not an array.
    `CREATE OR REPLACE MACRO athena_json_array_contains${(
      [
        ["BIGINT", "json_type(athena_e) IN ('BIGINT', 'UBIGINT') AND TRY_CAST(json_extract_string(athena_e, '$') AS BIGINT) = v"],
        ["DOUBLE", "json_type(athena_e) = 'DOUBLE' AND TRY_CAST(json_extract_string(athena_e, '$') AS DOUBLE) = v"],
        ["BOOLEAN", "json_type(athena_e) = 'BOOLEAN' AND TRY_CAST(json_extract_string(athena_e, '$') AS BOOLEAN) = v"],
        ["VARCHAR", "json_type(athena_e) = 'VARCHAR' AND json_extract_string(athena_e, '$') = v"],
      ] as const
    ).map(([type, match]) => `(j, v ${type}) AS CASE
      WHEN j IS NULL OR v IS NULL OR NOT json_valid(j) OR json_type(athena_json_or_null(j)) <> 'ARRAY' THEN NULL
      ELSE list_contains(list_transform(CAST(json(athena_json_or_null(j)) AS JSON[]), lambda athena_e: coalesce(${match}, false)), true) END`)
      .join(",\n      ")}`,
    // Trino's subscript fails outside the array (ArraySubscriptOperator: negative, 0, past the end);
    // DuckDB gives NULL or counts from the end. array_length also refuses a MAP or a string.
    `CREATE OR REPLACE MACRO athena_subscript(a, i) AS CASE
      WHEN i < 0 THEN error('Array subscript is negative: ' || CAST(i AS VARCHAR))
      WHEN i = 0 THEN error('SQL array indices start at 1')
      WHEN i > array_length(a) THEN error('Array subscript must be less than or equal to array length: ' || CAST(i AS VARCHAR) || ' > ' || CAST(array_length(a) AS VARCHAR))
      ELSE a[i] END`,
    `CREATE OR REPLACE MACRO athena_element_at(a, i) AS CASE
      WHEN i = 0 THEN error('SQL array indices start at 1') ELSE list_extract(a, i) END`,
    // Trino: DATE ± INTERVAL is a DATE, and an interval that is not whole days fails
    // (DateTimeOperators: "Cannot add hour, minutes or seconds to a date"); DuckDB gives a TIMESTAMP.
    `CREATE OR REPLACE MACRO athena_plus_interval(x DATE, i INTERVAL) AS CASE
      WHEN epoch(i) % 86400 <> 0 THEN error('Cannot add hour, minutes or seconds to a date') ELSE CAST(x + i AS DATE) END,
      (x, i) AS x + i`,
    `CREATE OR REPLACE MACRO athena_minus_interval(x DATE, i INTERVAL) AS CASE
      WHEN epoch(i) % 86400 <> 0 THEN error('Cannot subtract hour, minutes or seconds from a date') ELSE CAST(x - i AS DATE) END,
      (x, i) AS x - i`,
    // EXTRACT from an interval: Trino reads a day-to-second interval as one length (36 hours is day 1,
    // hour 12), DuckDB its stored days and microseconds apart (day 0, hour 36). Other inputs keep
    // DuckDB's extract.
    ...(
      [
        ["day", "trunc(epoch(x) / 86400)"],
        ["hour", "trunc((epoch(x) % 86400) / 3600)"],
        ["minute", "trunc((epoch(x) % 3600) / 60)"],
        ["second", "trunc(epoch(x) % 60)"],
      ] as const
    ).map(
      ([field, interval]) => `CREATE OR REPLACE MACRO athena_extract_${field}(x INTERVAL) AS CASE
      WHEN datepart('month', x) <> 0 OR datepart('year', x) <> 0 THEN error('Cannot extract ${field.toUpperCase()} from an interval year to month')
      ELSE CAST(${interval} AS BIGINT) END,
      (x) AS extract(${field} FROM x)`,
    ),
    ...["year", "month"].map(
      (field) => `CREATE OR REPLACE MACRO athena_extract_${field}(x INTERVAL) AS CASE
      WHEN x <> to_months(CAST(datepart('year', x) * 12 + datepart('month', x) AS INTEGER)) THEN error('Cannot extract ${field.toUpperCase()} from an interval day to second')
      ELSE datepart('${field}', x) END,
      (x) AS extract(${field} FROM x)`,
    ),
    // Trino rounds half away from zero when casting a DOUBLE/REAL to an integer type; DuckDB rounds
    // half to even. Text is read as Java's Integer.parseInt/Long.parseLong read it (VarcharOperators
    // castToInteger: digits with an optional sign, else "Cannot cast ' 12' to INT"); DuckDB also
    // takes spaces, '1.5', '1e2' and '1_000'. Exact integer and decimal inputs pass through; t is
    // Trino's name of the target type. The athena_try_ version gives NULL for bad text (TRY_CAST).
    ...(
      [
        ["athena_integral", "error('Cannot cast ''' || x || ''' to ' || t)"],
        ["athena_try_integral", "NULL"],
      ] as const
    ).map(
      ([name, fail]) => `CREATE OR REPLACE MACRO ${name}(x DOUBLE, t) AS round(x),
      (x FLOAT, t) AS round(x),
      (x BIGINT, t) AS x,
      (x HUGEINT, t) AS x,
      (x VARCHAR, t) AS CASE WHEN x IS NULL OR regexp_full_match(x, '[+-]?[0-9]+') THEN x ELSE ${fail} END,
      (x, t) AS x`,
    ),
  ];
}

/**
 * A call to one of the macros above that has typed overloads (`(x DATE) AS …, (x) AS …`): DuckDB
 * cannot bind those on an aggregate or window argument (the translator passes such arguments
 * through a lambda; see withArgumentsBound).
 */
export const TYPED_MACRO_CALL = new RegExp(
  `\\b(?:${athenaMacrosSql()
    .map((statement) => /^CREATE OR REPLACE MACRO (\w+)\(/.exec(statement))
    .filter((match, k) => match !== null && /[(,]\s*[a-z_]\w* [A-Z]+[\w[\]]*\s*[,)]/.test(athenaMacrosSql()[k]!))
    .map((match) => match![1])
    .join("|")})\\(`,
);
