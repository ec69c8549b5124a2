import { jodaFields, jodaPatternToStrftime, mysqlFields, mysqlFormatToStrftime, type DateFields } from "./datetime-formats";
import { UnsupportedSqlError, type SqlPosition } from "./errors";
import { trinoJsonPathToDuckDb } from "./json-path";
import { javaPatternToRe2, javaReplacement, mayMatchEmpty, regexGroups } from "./regex";
import { significant, type SqlNode } from "./tree";
import { withWindowsBound, type TranslatedLambda } from "./translator";

/** A function call as the translator sees it: Athena name, translated arguments, raw argument nodes. */
export interface FunctionCall {
  /** The name as the user typed it. */
  readonly name: string;
  /** Each argument already translated to DuckDB SQL. */
  readonly args: readonly string[];
  /** Each argument's original nodes, to read literals (formats, units) at translation time. */
  readonly rawArgs: readonly (readonly SqlNode[])[];
  readonly at: SqlPosition;
  /** The lambda arguments, by index (for a spec that takes lambdas). */
  readonly lambdas?: readonly (TranslatedLambda | undefined)[];
  /** True inside TRY(…): a call gives NULL where it would fail, if it can. */
  readonly inTry?: boolean;
  /** The translated `ORDER BY …` of a `WITHIN GROUP (…)` clause (listagg). */
  readonly withinGroup?: string;
}

/** How one Athena function is run on DuckDB. */
export interface FunctionSpec {
  /** Inclusive argument count range Athena accepts for the forms the twin supports. */
  readonly arity: readonly [min: number, max: number];
  readonly translate: (call: FunctionCall) => string;
  /**
   * Wraps the whole call (a result-type fix): `call` is the translated call, `clauses` its FILTER and
   * OVER clauses, to be appended to it (and to any companion aggregate the fix needs).
   */
  readonly wrap?: (call: string, clauses: string, c: FunctionCall) => string;
  /** The function takes lambda arguments (`x -> …`). */
  readonly lambdas?: boolean;
  /** The function takes `WITHIN GROUP (ORDER BY …)` (passed to wrap). */
  readonly withinGroup?: boolean;
}

const MANY = Number.POSITIVE_INFINITY;

/** substr(s, start[, length]) with Trino's empty results (athena_substr). */
const athenaSubstr = (args: readonly string[]): string => `athena_substr(${args[0]}, ${args[1]}, ${args[2] ?? `length(${args[0]})`})`;

/** Trino's count_if is BIGINT; DuckDB's is HUGEINT. */
const bigintAggregate = (call: string, clauses: string): string => `CAST(${call}${clauses} AS BIGINT)`;

/**
 * Trino's sum of an integer type is BIGINT (an overflow fails); DuckDB's is HUGEINT. The result is
 * cast to the type athena_sum_type derives from min() over the same rows: BIGINT for integers,
 * DECIMAL(38, s) for decimals, the input type for floats.
 */
const trinoSumType = (call: string, clauses: string, c: FunctionCall): string =>
  `cast_to_type(${call}${clauses}, athena_sum_type(min(${c.args.join(", ")})${clauses}))`;

/** Same name and semantics on both engines. */
const same = (min: number, max: number = min): FunctionSpec => ({
  arity: [min, max],
  translate: (c) => `${c.name}(${c.args.join(", ")})`,
});

/** Same semantics, different DuckDB name (or a sluice macro from athenaMacrosSql). */
const renamed = (duckdb: string, min: number, max: number = min): FunctionSpec => ({
  arity: [min, max],
  translate: (c) => `${duckdb}(${c.args.join(", ")})`,
});

/** A spec written as a template over the translated arguments. */
const template = (min: number, max: number, build: (args: readonly string[], call: FunctionCall) => string): FunctionSpec => ({
  arity: [min, max],
  translate: (c) => build(c.args, c),
});

/** SQL text of a string literal. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** The value of argument `index` if it is a plain string literal, else undefined. */
export function literalArg(call: FunctionCall, index: number): string | undefined {
  const nodes = significant(call.rawArgs[index] ?? []);
  const only = nodes[0];
  return nodes.length === 1 && only !== undefined && only.kind === "string" ? only.value : undefined;
}

function requireLiteral(call: FunctionCall, index: number, what: string): string {
  const value = literalArg(call, index);
  if (value === undefined) {
    throw new UnsupportedSqlError("function", call.name, call.at, `the ${what} must be a string literal on the twin`);
  }
  return value;
}

// Units Trino accepts in date_trunc / date_add / date_diff.
// https://trino.io/docs/current/functions/datetime.html#interval-functions
const TRINO_UNITS = new Set(["millisecond", "second", "minute", "hour", "day", "week", "month", "quarter", "year"]);

/** Checks a literal unit argument so a unit DuckDB knows but Trino does not (e.g. 'decade') is refused. */
function checkedUnit(call: FunctionCall): string {
  const unit = literalArg(call, 0);
  if (unit !== undefined && !TRINO_UNITS.has(unit.toLowerCase())) {
    throw new UnsupportedSqlError("unit", unit, call.at, `Trino's ${call.name.toLowerCase()} accepts ${[...TRINO_UNITS].join(", ")}`);
  }
  return call.args[0]!;
}

// Trino's greatest/least return NULL when any argument is NULL; DuckDB's skip NULLs.
const nullPropagating = (duckdb: string): FunctionSpec =>
  template(2, MANY, (args) => `(CASE WHEN ${args.map((a) => `(${a}) IS NULL`).join(" OR ")} THEN NULL ELSE ${duckdb}(${args.join(", ")}) END)`);

/**
 * Trino's date_parse and parse_datetime build a Joda parser: fields the format lacks default to
 * 1970-01-01 (DuckDB: 1900-01-01), a 12-hour clock without AM/PM is AM (12:30 is 00:30; DuckDB
 * keeps 12:30), and %y reads 70..99 as 19xx and 00..69 as 20xx (DuckDB reads 69 as 1969).
 */
function parsedLikeJoda(parsed: string, fields: DateFields): string {
  let out = parsed;
  if (!fields.year) out = `(${out} + INTERVAL 70 YEAR)`;
  if (fields.twoDigitYear) out = `(CASE WHEN year(${out}) = 1969 THEN ${out} + INTERVAL 100 YEAR ELSE ${out} END)`;
  if (fields.halfdayHour && !fields.halfday) out = `(CASE WHEN hour(${out}) = 12 THEN ${out} - INTERVAL 12 HOUR ELSE ${out} END)`;
  return out;
}

// The twin's macros that raise Trino's errors with error(), and the SQL of a failing call.
const ERROR_MACROS = /\b(error|athena_(?:divide|modulus|subscript|element_at|split_part|replace|lpad|rpad|plus_interval|minus_interval|extract_\w+|varchar_n|varchar|integral|boolean|from_iso8601_timestamp|width_bucket|to_base|from_base\w*|typeof|json_parse|json_checked|json_text|json_extract_scalar|approx_percentile|geometric_mean|slice|sequence\w*)|nth_value|regexp_\w+)\(/i;

/** The lambda at argument `index`, or a refusal naming the function. */
function lambdaArg(call: FunctionCall, index: number, arity: number): TranslatedLambda {
  const lambda = call.lambdas?.[index];
  if (lambda === undefined || lambda.params.length !== arity) {
    throw new UnsupportedSqlError("function", call.name, call.at, `argument ${index + 1} must be a lambda of ${arity} parameter(s)`);
  }
  return lambda;
}

/** A lambda applied to values: `(lambda x, y: body)(u, v)` spelled with list_transform (DuckDB has no lambda call). */
function applyLambda(lambda: TranslatedLambda, values: readonly string[]): string {
  return lambda.params.reduceRight(
    (inner, param, k) => `list_transform([${values[k]}], lambda ${param}: ${inner})[1]`,
    `(${lambda.body})`,
  );
}

/** Trino's lambda functions (https://trino.io/docs/current/functions/lambda.html). */
const LAMBDA_FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  transform: { arity: [2, 2], lambdas: true, translate: (c) => `list_transform(${c.args[0]}, ${lambdaText(lambdaArg(c, 1, 1))})` },
  // NULL from the predicate drops the element on both.
  filter: { arity: [2, 2], lambdas: true, translate: (c) => `list_filter(${c.args[0]}, ${lambdaText(lambdaArg(c, 1, 1))})` },
  any_match: { arity: [2, 2], lambdas: true, translate: (c) => matchCall(c, "any") },
  all_match: { arity: [2, 2], lambdas: true, translate: (c) => matchCall(c, "all") },
  none_match: { arity: [2, 2], lambdas: true, translate: (c) => matchCall(c, "none") },
  // reduce(a, initial, (s, x) -> …, s -> …): the output lambda applied to list_reduce's state.
  reduce: {
    arity: [4, 4],
    lambdas: true,
    translate: (c) => applyLambda(lambdaArg(c, 3, 1), [`list_reduce(${c.args[0]}, ${lambdaText(lambdaArg(c, 2, 2))}, ${c.args[1]})`]),
  },
  // zip_with pads the shorter array with NULLs (list_zip does too).
  zip_with: {
    arity: [3, 3],
    lambdas: true,
    translate: (c) => `list_transform(list_zip(${c.args[0]}, ${c.args[1]}), lambda athena_z: ${applyLambda(lambdaArg(c, 2, 2), ["athena_z[1]", "athena_z[2]"])})`,
  },
  // array_sort(a): ascending, NULLs last (the session's default_null_order); with a comparator
  // (x, y) -> -1/0/1 each element goes to the place the comparator gives it, ties kept in order.
  array_sort: {
    arity: [1, 2],
    lambdas: true,
    translate: (c) => (c.args.length === 1 ? `list_sort(${c.args[0]})` : comparatorSort(c.args[0]!, lambdaArg(c, 1, 2))),
  },
};

function lambdaText(lambda: TranslatedLambda): string {
  return `lambda ${lambda.params.join(", ")}: ${lambda.body}`;
}

/**
 * any_match/all_match/none_match with Trino's three-valued logic: any_match is true if one element
 * gives true, false if all give false, else NULL (all_match and none_match alike).
 */
function matchCall(call: FunctionCall, kind: "any" | "all" | "none"): string {
  const results = `list_transform(${call.args[0]}, ${lambdaText(lambdaArg(call, 1, 1))})`;
  const has = (value: string): string => `list_contains(list_transform(${results}, lambda athena_r: athena_r IS NOT DISTINCT FROM ${value}), true)`;
  if (kind === "any") return `(CASE WHEN ${has("true")} THEN true WHEN ${has("NULL")} THEN NULL ELSE false END)`;
  if (kind === "all") return `(CASE WHEN ${has("false")} THEN false WHEN ${has("NULL")} THEN NULL ELSE true END)`;
  return `(CASE WHEN ${has("true")} THEN false WHEN ${has("NULL")} THEN NULL ELSE true END)`;
}

/** Sorts by a comparator: the place of a[i] is the count of elements before it in the comparator's order. */
function comparatorSort(array: string, comparator: TranslatedLambda): string {
  // ArraySortComparatorFunction: anything but -1, 0, 1 (NULL included) fails.
  const cmp = (u: string, v: string): string =>
    `list_transform([${applyLambda(comparator, [u, v])}], lambda athena_r: CASE WHEN athena_r IN (-1, 0, 1) THEN athena_r ELSE CAST(error('Lambda comparator must return either -1, 0, or 1') AS INTEGER) END)[1]`;
  const place = `list_transform(athena_a, lambda athena_x, athena_i: len(list_filter(list_zip(athena_a, range(1, len(athena_a) + 1)),
    lambda athena_p: ${cmp("athena_p[1]", "athena_x")} < 0 OR (${cmp("athena_p[1]", "athena_x")} = 0 AND athena_p[2] < athena_i))) + 1)`;
  return `list_transform([${array}], lambda athena_a: list_transform([${place}], lambda athena_places:
    list_transform(range(1, len(athena_a) + 1), lambda athena_k: athena_a[list_position(athena_places, athena_k)]))[1])[1]`;
}

/** The DuckDB JSONPath of a literal Trino path argument. */
function jsonPathArg(call: FunctionCall, index: number): string {
  return sqlString(trinoJsonPathToDuckDb(requireLiteral(call, index, "JSON path"), call.at, call.name));
}

/** listagg's separator is a literal; ON OVERFLOW ERROR is Trino's default, TRUNCATE is refused. */
function listagg(call: FunctionCall, clauses: string): string {
  const raw = significant(call.rawArgs[1] ?? []);
  const overflow = raw.findIndex((node) => isWordNode(node, "ON"));
  const tail = overflow === -1 ? [] : raw.slice(overflow).map((node) => ("text" in node ? node.text.toUpperCase() : ""));
  if (overflow !== -1 && tail.join(" ") !== "ON OVERFLOW ERROR") {
    throw new UnsupportedSqlError("function", "listagg … ON OVERFLOW TRUNCATE", call.at, "only ON OVERFLOW ERROR (Trino's default) runs on the twin");
  }
  const separator = raw[0]?.kind === "string" && (overflow === -1 ? raw.length === 1 : overflow === 1) ? sqlString(raw[0].value) : undefined;
  if (call.args.length === 2 && separator === undefined) {
    throw new UnsupportedSqlError("function", call.name, call.at, "the separator must be a string literal");
  }
  const x = call.args[0]!;
  const orderBy = call.withinGroup === undefined ? "" : ` ${call.withinGroup}`;
  return `string_agg(${x}, ${separator ?? "''"}${orderBy})${clauses}`;
}

function isWordNode(node: SqlNode, word: string): boolean {
  return node.kind === "word" && node.text.toUpperCase() === word;
}

/** The value of argument `index` if it is a plain integer literal (with an optional sign), else undefined. */
function integerArg(call: FunctionCall, index: number): number | undefined {
  const text = significant(call.rawArgs[index] ?? [])
    .map((node) => ("text" in node ? node.text : "(")) 
    .join("");
  return /^[+-]?\d+$/.test(text) ? Number(text) : undefined;
}

/** A query-time failure with Trino's message, typed as `type` so it fits where a value would. */
const failWith = (message: string, type = "VARCHAR"): string => `CAST(error(${sqlString(message)}) AS ${type})`;

/**
 * regexp_replace(s, p[, r]): Trino replaces every match (DuckDB only the first unless 'g') and reads
 * `r` the Java way (`$1`, `${name}`, `$10` as the longest existing group); a bad reference fails the
 * query when something matches.
 */
function regexpReplace(call: FunctionCall): string {
  const [s, p, r] = call.args as [string, string, string | undefined];
  const pattern = literalArg(call, 1);
  const re2 = pattern === undefined ? p : sqlString(javaPatternToRe2(pattern));
  if (r === undefined) return `regexp_replace(${s}, ${re2}, '', 'g')`;
  const replacement = literalArg(call, 2);
  if (replacement === undefined || pattern === undefined) {
    throw new UnsupportedSqlError("function", call.name, call.at, "the pattern and replacement must be string literals on the twin (Java's $n references are translated at translation time)");
  }
  const groups = regexGroups(pattern);
  if (groups.insideRepetition.some(Boolean) && /[$\\]/.test(replacement)) {
    throw new UnsupportedSqlError("function", call.name, call.at, "the replacement refers to groups of a pattern with a group inside a repeated group: Trino's Joni and DuckDB's RE2 may report different captures for it");
  }
  const read = javaReplacement(replacement, groups);
  if (read === undefined) throw new UnsupportedSqlError("function", call.name, call.at, "DuckDB's RE2 refers to groups 0 to 9 only");
  if ("error" in read) return `(CASE WHEN regexp_matches(${s}, ${re2}) THEN ${failWith(read.error)} ELSE ${s} END)`;
  return `regexp_replace(${s}, ${re2}, ${sqlString(read.rewrite)}, 'g')`;
}

/**
 * regexp_extract(s, p[, g]): NULL when nothing matches or group g took no part in the match (Trino);
 * DuckDB gives '' for both. A group that can be skipped and can match '' cannot be told apart, so
 * it is refused.
 */
function regexpExtract(call: FunctionCall): string {
  const s = call.args[0]!;
  const pattern = literalArg(call, 1);
  const group = call.args.length === 3 ? integerArg(call, 2) : 0;
  if (pattern === undefined || group === undefined) {
    throw new UnsupportedSqlError("function", call.name, call.at, "the pattern and group must be literals on the twin");
  }
  const re2 = sqlString(javaPatternToRe2(pattern));
  const groups = regexGroups(pattern);
  // JoniRegexpFunctions.validateGroup: checked before matching.
  if (group < 0) return `(CASE WHEN ${s} IS NOT NULL THEN ${failWith("Group cannot be negative")} END)`;
  if (group > groups.count) return `(CASE WHEN ${s} IS NOT NULL THEN ${failWith(`Pattern has ${groups.count} groups. Cannot access group ${group}`)} END)`;
  if (group > 0 && groups.insideRepetition[group - 1]) {
    throw new UnsupportedSqlError("function", call.name, call.at, `group ${group} is inside a repeated group: when the last repetition skips it, Trino's Joni and DuckDB's RE2 may report different captures`);
  }
  const extract = `regexp_extract(${s}, ${re2}, ${group})`;
  let value = extract;
  if (group > 0 && groups.optional[group - 1]) {
    if (mayMatchEmpty(groups.bodies[group - 1] ?? "")) {
      throw new UnsupportedSqlError("function", call.name, call.at, `group ${group} can be skipped and can match '': DuckDB cannot tell the two apart (Trino gives NULL for a skipped group)`);
    }
    value = `nullif(${extract}, '')`;
  }
  return `(CASE WHEN regexp_matches(${s}, ${re2}) THEN ${value} END)`;
}

/**
 * The supported Athena (Trino) functions and how each runs on DuckDB 1.5. Anything not listed is
 * refused by name, including DuckDB-only functions (`strftime`, `list_value`…) that Athena would reject.
 */
export const ATHENA_FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  // Aggregates. stddev/variance are the sample versions on both engines.
  // Trino's avg keeps a decimal's type (exact, half up) and a real's; athena_avg picks by min()'s type.
  avg: {
    ...same(1),
    wrap: (call, clauses, c) =>
      withWindowsBound([`${call}${clauses}`, ...["sum", "count", "min"].map((f) => `${f}(${c.args.join(", ")})${clauses}`)], (a) => `athena_avg(${a.join(", ")}, athena_avg_type(${a[3]}))`),
  },
  // Trino's sum of integers is BIGINT (DuckDB: HUGEINT): trinoSumType casts it.
  sum: { ...same(1), wrap: trinoSumType },
  count: same(0, 1),
  min: same(1),
  max: same(1),
  count_if: { ...same(1), wrap: bigintAggregate },
  approx_distinct: renamed("approx_count_distinct", 1),
  approx_percentile: {
    arity: [2, 2],
    translate: () => "",
    wrap: (_call, clauses, c) => {
      if (/^\s*ARRAY\b/i.test(c.args[1]!)) throw new UnsupportedSqlError("function", c.name, c.at, "the array-of-percentiles form is not supported on the twin");
      const x = c.args[0]!;
      return withWindowsBound(
        [`list_filter(array_agg(${x})${clauses}, lambda athena_v: athena_v IS NOT NULL)`, `count(${x})${clauses}`, c.args[1]!, `min(${x})${clauses}`],
        ([vals, n, q, m]) => `athena_approx_percentile(${vals}, ${n}, ${q}, ${m}, athena_percentile_type(${m}))`,
      );
    },
  },
  arbitrary: renamed("any_value", 1),
  any_value: same(1),
  // Trino keeps a NULL x of the row with the extreme y (https://trino.io/docs/current/functions/aggregate.html#max_by);
  // DuckDB's min_by/max_by skip NULL x, its arg_min_null/arg_max_null do not.
  min_by: renamed("arg_min_null", 2),
  max_by: renamed("arg_max_null", 2),
  stddev: same(1),
  stddev_samp: same(1),
  stddev_pop: same(1),
  variance: same(1),
  var_samp: same(1),
  var_pop: same(1),
  bool_and: same(1),
  bool_or: same(1),
  every: renamed("bool_and", 1),
  array_agg: same(1),
  // Trino: exp(avg(ln x)) with ln 0 = -Infinity (a zero gives 0) and ln of a negative NaN; DuckDB's
  // geometric_mean fails on both.
  geometric_mean: {
    arity: [1, 1],
    translate: () => "",
    wrap: (_call, clauses, c) =>
      withWindowsBound(
        [`exp(avg(CASE WHEN (${c.args[0]}) > 0 THEN ln(${c.args[0]}) WHEN (${c.args[0]}) = 0 THEN CAST('-Infinity' AS DOUBLE) WHEN (${c.args[0]}) < 0 THEN CAST('NaN' AS DOUBLE) END)${clauses})`, `min(${c.args[0]})${clauses}`],
        ([mean, m]) => `athena_geometric_mean(${mean}, ${m}, athena_mean_type(${m}))`,
      ),
  },
  // listagg(x[, separator]) WITHIN GROUP (ORDER BY …): NULLs are skipped on both.
  listagg: { arity: [1, 2], translate: () => "", withinGroup: true, wrap: (_call, clauses, c) => listagg(c, clauses) },
  corr: same(2),
  covar_samp: same(2),
  covar_pop: same(2),
  // Window functions.
  row_number: same(0),
  rank: same(0),
  dense_rank: same(0),
  percent_rank: same(0),
  cume_dist: same(0),
  ntile: same(1),
  lag: same(1, 3),
  lead: same(1, 3),
  first_value: same(1),
  last_value: same(1),
  // Trino fails on an offset below 1 (NthValueFunction: "Offset must be at least 1"); DuckDB gives NULL.
  nth_value: template(2, 2, ([x, n]) => `nth_value(${x}, CASE WHEN (${n}) < 1 THEN CAST(error('Offset must be at least 1') AS BIGINT) ELSE ${n} END)`),
  // Math. DuckDB's round is half away from zero like Trino's (round_even is the banker's one).
  abs: same(1),
  ceil: same(1),
  ceiling: same(1),
  floor: same(1),
  round: template(1, 2, ([x, n]) => (n === undefined ? `athena_round1(${x})` : `athena_round(${x}, ${n})`)),
  truncate: template(1, 2, ([x, n]) => (n === undefined ? `trunc(${x})` : `cast_to_type(trunc(${x}, ${n}), ${x})`)),
  sqrt: renamed("athena_sqrt", 1),
  cbrt: same(1),
  exp: same(1),
  ln: renamed("athena_ln", 1),
  log: renamed("athena_log", 2), // log(base, x)
  log2: renamed("athena_log2", 1),
  log10: renamed("athena_log10", 1),
  power: same(2),
  pow: renamed("power", 2),
  mod: { arity: [2, 2], translate: (c) => `${c.inTry ? "athena_try_modulus" : "athena_modulus"}(${c.args.join(", ")})` },
  sign: renamed("athena_sign", 1),
  rand: renamed("random", 0),
  random: same(0),
  pi: same(0),
  degrees: same(1),
  radians: same(1),
  sin: same(1),
  cos: same(1),
  tan: same(1),
  asin: renamed("athena_asin", 1),
  acos: renamed("athena_acos", 1),
  atan: same(1),
  atan2: same(2),
  // Constants: https://trino.io/docs/current/functions/math.html
  nan: template(0, 0, () => "CAST('NaN' AS DOUBLE)"),
  infinity: template(0, 0, () => "CAST('Infinity' AS DOUBLE)"),
  e: template(0, 0, () => "exp(1)"),
  // truncate(x, n) keeps x's type (TestMathFunctions testTruncate: DECIMAL '1234.56', 1 is 1234.50).
  // width_bucket(x, bound1, bound2, n): MathFunctions.widthBucket.
  width_bucket: renamed("athena_width_bucket", 4),
  to_base: renamed("athena_to_base", 2),
  from_base: renamed("athena_from_base", 2),
  is_nan: renamed("isnan", 1),
  is_finite: renamed("isfinite", 1),
  is_infinite: renamed("isinf", 1),
  // Strings.
  length: same(1),
  lower: same(1),
  upper: same(1),
  trim: same(1, 2),
  ltrim: same(1, 2),
  rtrim: same(1, 2),
  reverse: same(1),
  // Trino: a start of 0 gives '' (DuckDB counts it as before the first character).
  substr: template(2, 3, (args) => athenaSubstr(args)),
  substring: template(2, 3, (args) => athenaSubstr(args)),
  strpos: same(2),
  position: same(1), // position(needle IN haystack): one argument at the comma level
  replace: template(2, 3, ([s, from, to]) => `athena_replace(${s}, ${from}, ${to ?? "''"})`),
  lpad: renamed("athena_lpad", 3),
  rpad: renamed("athena_rpad", 3),
  starts_with: same(2),
  chr: same(1),
  levenshtein_distance: renamed("levenshtein", 2),
  split: renamed("string_split", 2),
  split_part: renamed("athena_split_part", 3),
  // Trino's concat is NULL if any argument is NULL; DuckDB's concat skips NULLs but || does not.
  // Trino's concat takes varchar (or arrays) only: athena_concat_operand fails for a number or date.
  concat: template(2, MANY, (args) => `(${args.map((a) => `athena_concat_operand(${a})`).join(" || ")})`),
  regexp_like: template(2, 2, ([s, p], call) => {
    const pattern = literalArg(call, 1);
    return `regexp_matches(${s}, ${pattern === undefined ? p : sqlString(javaPatternToRe2(pattern))})`;
  }),
  regexp_replace: template(2, 3, (_args, call) => regexpReplace(call)),
  regexp_extract: template(2, 3, (_args, call) => regexpExtract(call)),
  // Conditionals.
  coalesce: same(1, MANY),
  // TRY(x): NULL where x fails. DuckDB's TRY cannot hold error(), which the twin's macros use for
  // Trino's errors, so TRY around one of those is refused by name.
  try: template(1, 1, ([x], call) => {
    const failing = ERROR_MACROS.exec(x!);
    if (failing) throw new UnsupportedSqlError("function", call.name, call.at, `TRY cannot catch the error of ${failing[1]} on the twin (DuckDB's TRY refuses error())`);
    return `TRY(${x})`;
  }),
  typeof: renamed("athena_typeof", 1),
  nullif: same(2),
  if: template(2, 3, ([cond, a, b]) => `(CASE WHEN ${cond} THEN ${a}${b === undefined ? "" : ` ELSE ${b}`} END)`),
  greatest: nullPropagating("greatest"),
  least: nullPropagating("least"),
  // Date and time.
  date: template(1, 1, ([x]) => `CAST(${x} AS DATE)`),
  date_trunc: template(2, 2, ([, x], call) => `athena_date_trunc(${checkedUnit(call)}, ${x})`),
  date_add: template(3, 3, ([, n, x], call) => `athena_date_add(${checkedUnit(call)}, ${n}, ${x})`),
  // Trino's date_diff counts whole units elapsed (x2 - x1) like DuckDB's date_sub; DuckDB's date_diff counts boundaries.
  date_diff: template(3, 3, ([, a, b], call) => `date_sub(${checkedUnit(call)}, ${a}, ${b})`),
  date_format: template(2, 2, ([x], call) => `strftime(${x}, ${sqlString(mysqlFormatToStrftime(requireLiteral(call, 1, "format"), call.at))})`),
  date_parse: template(2, 2, ([s], call) => {
    const format = requireLiteral(call, 1, "format");
    return parsedLikeJoda(`strptime(${s}, ${sqlString(mysqlFormatToStrftime(format, call.at))})`, mysqlFields(format));
  }),
  format_datetime: template(2, 2, ([x], call) => `strftime(${x}, ${sqlString(jodaPatternToStrftime(requireLiteral(call, 1, "pattern"), call.at))})`),
  parse_datetime: template(2, 2, ([s], call) => {
    const pattern = requireLiteral(call, 1, "pattern");
    const fields = jodaFields(pattern);
    if (fields.twoDigitYear) {
      throw new UnsupportedSqlError("format specifier", "yy", call.at, "Joda parses a two-digit year around the current year minus 30; DuckDB's window is fixed");
    }
    return `CAST(${parsedLikeJoda(`strptime(${s}, ${sqlString(jodaPatternToStrftime(pattern, call.at))})`, fields)} AS TIMESTAMPTZ)`;
  }),
  // Trino keeps the text's UTC offset as the value's zone (hour() reads the local hour); the twin's
  // TIMESTAMPTZ is UTC only, so a text with another offset fails by name.
  from_iso8601_timestamp: template(1, 1, ([s]) => `athena_from_iso8601_timestamp(${s})`),
  from_iso8601_date: template(1, 1, ([s]) => `CAST(${s} AS DATE)`),
  to_iso8601: renamed("athena_to_iso8601", 1),
  to_unixtime: renamed("epoch", 1),
  from_unixtime: renamed("to_timestamp", 1),
  now: same(0),
  year: same(1),
  quarter: same(1),
  month: same(1),
  week: same(1),
  week_of_year: renamed("week", 1),
  day: same(1),
  day_of_month: renamed("day", 1),
  // Trino's day_of_week is ISO (1 = Monday … 7 = Sunday); DuckDB's dayofweek starts at Sunday = 0.
  day_of_week: renamed("isodow", 1),
  dow: renamed("isodow", 1),
  day_of_year: renamed("dayofyear", 1),
  doy: renamed("dayofyear", 1),
  year_of_week: renamed("isoyear", 1),
  yow: renamed("isoyear", 1),
  hour: same(1),
  minute: same(1),
  second: same(1),
  // DuckDB's millisecond includes the seconds (0–59999); Trino's is 0–999.
  millisecond: template(1, 1, ([x]) => `(millisecond(${x}) % 1000)`),
  last_day_of_month: renamed("last_day", 1),
  ...LAMBDA_FUNCTIONS,
  // JSON (https://trino.io/docs/current/functions/json.html): text that is not JSON gives NULL
  // (JsonExtract returns null when parsing fails), paths are literals.
  json_extract_scalar: template(2, 2, ([j], call) => `athena_json_extract_scalar(${j}, ${jsonPathArg(call, 1)})`),
  json_extract: template(2, 2, ([j], call) => `athena_json_extract(${j}, ${jsonPathArg(call, 1)})`),
  json_size: template(2, 2, ([j], call) => `athena_json_size(${j}, ${jsonPathArg(call, 1)})`),
  json_parse: renamed("athena_json_parse", 1),
  json_format: template(1, 1, ([j]) => `CAST(athena_json_checked(CAST(${j} AS JSON)) AS VARCHAR)`),
  json_array_length: renamed("athena_json_array_length", 1),
  json_array_contains: renamed("athena_json_array_contains", 2),
  // Arrays: 1-based, negative from the end, out of range NULL (the subscript operator fails instead);
  // an index of 0 fails as in Trino (TestArrayOperators testElementAt).
  element_at: template(2, 2, ([a, i]) => `athena_element_at(${a}, ${i})`),
  cardinality: renamed("len", 1),
  contains: renamed("athena_contains", 2),
  array_position: renamed("athena_array_position", 2),
  array_distinct: renamed("athena_array_distinct", 1),
  array_join: template(2, 3, (args) => (args.length === 2 ? `athena_array_join(${args.join(", ")})` : `athena_array_join_null(${args.join(", ")})`)),
  slice: renamed("athena_slice", 3),
  flatten: same(1),
  // sequence over integers and dates; the interval-step forms over dates and timestamps are refused.
  sequence: template(2, 3, (args, call) => {
    if (args.length === 2) return `athena_sequence(${args.join(", ")})`;
    if (/^INTERVAL\b/i.test(args[2]!)) throw new UnsupportedSqlError("function", call.name, call.at, "sequence with an interval step is not supported on the twin");
    return `athena_sequence3(${args.join(", ")})`;
  }),
  concat_ws: template(2, MANY, (args) => (args.length === 2 ? `athena_concat_ws(${args.join(", ")})` : `concat_ws(${args.join(", ")})`)),
  array_max: renamed("athena_array_max", 1),
  array_min: renamed("athena_array_min", 1),
};

// Aggregate and window functions: their arguments are evaluated per row inside the aggregate, so
// they are never moved out into a lambda (withArgumentsBound) and may start with DISTINCT.
const AGGREGATE_OR_WINDOW = new Set([
  "avg", "sum", "count", "min", "max", "count_if", "approx_distinct", "approx_percentile", "arbitrary", "any_value",
  "min_by", "max_by", "stddev", "stddev_samp", "stddev_pop", "variance", "var_samp", "var_pop", "bool_and", "bool_or",
  "every", "array_agg", "geometric_mean", "listagg", "corr", "covar_samp", "covar_pop", "row_number", "rank",
  "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead", "first_value", "last_value", "nth_value",
]);

/** True for an aggregate or window function (its arguments stay where they are). */
export function isAggregateOrWindow(name: string): boolean {
  return AGGREGATE_OR_WINDOW.has(name.toLowerCase());
}

/** The spec of an Athena function, or an UnsupportedSqlError naming it. */
export function lookupFunction(name: string, argCount: number, at: SqlPosition): FunctionSpec {
  const spec = ATHENA_FUNCTIONS[name.toLowerCase()];
  if (!spec) throw new UnsupportedSqlError("function", name, at);
  const [min, max] = spec.arity;
  if (argCount < min || argCount > max) {
    const expected = min === max ? `${min}` : max === MANY ? `at least ${min}` : `${min} to ${max}`;
    throw new UnsupportedSqlError("function", name, at, `takes ${expected} argument(s) on the twin, got ${argCount}`);
  }
  return spec;
}
