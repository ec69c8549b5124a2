import { mysqlFormatToStrftime, jodaPatternToStrftime } from "./datetime-formats";
import { UnsupportedSqlError, type SqlPosition } from "./errors";
import { significant, type SqlNode } from "./tree";

/** A function call as the translator sees it: Athena name, translated arguments, raw argument nodes. */
export interface FunctionCall {
  /** The name as the user typed it. */
  readonly name: string;
  /** Each argument already translated to DuckDB SQL. */
  readonly args: readonly string[];
  /** Each argument's original nodes, to read literals (formats, units) at translation time. */
  readonly rawArgs: readonly (readonly SqlNode[])[];
  readonly at: SqlPosition;
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
}

const MANY = Number.POSITIVE_INFINITY;

/** substr(s, start[, length]) with Trino's empty result for start 0. */
const athenaSubstr = (args: readonly string[]): string => `(CASE WHEN (${args[1]}) = 0 THEN '' ELSE substring(${args.join(", ")}) END)`;

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

/** Java regex replacement (`$1`, `\$`) → RE2 rewrite (`\1`, `$`). */
function javaReplacementToRe2(replacement: string): string {
  let out = "";
  for (let i = 0; i < replacement.length; i += 1) {
    const ch = replacement[i]!;
    const next = replacement[i + 1];
    if (ch === "\\" && next !== undefined) {
      out += next === "\\" ? "\\\\" : next;
      i += 1;
    } else if (ch === "$" && next !== undefined && /[0-9]/.test(next)) {
      out += "\\";
    } else {
      out += ch;
    }
  }
  return out;
}

/**
 * The supported Athena (Trino) functions and how each runs on DuckDB 1.5. Anything not listed is
 * refused by name, including DuckDB-only functions (`strftime`, `list_value`…) that Athena would reject.
 */
export const ATHENA_FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  // Aggregates. stddev/variance are the sample versions on both engines.
  avg: same(1),
  // Open difference: DuckDB's sum of integers is HUGEINT where Trino's is BIGINT (same value).
  sum: { ...same(1), wrap: trinoSumType },
  count: same(0, 1),
  min: same(1),
  max: same(1),
  count_if: { ...same(1), wrap: bigintAggregate },
  approx_distinct: renamed("approx_count_distinct", 1),
  approx_percentile: renamed("approx_quantile", 2),
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
  nth_value: same(2),
  // Math. DuckDB's round is half away from zero like Trino's (round_even is the banker's one).
  abs: same(1),
  ceil: same(1),
  ceiling: same(1),
  floor: same(1),
  round: same(1, 2),
  truncate: renamed("trunc", 1),
  sqrt: same(1),
  cbrt: same(1),
  exp: same(1),
  ln: same(1),
  log: same(2), // log(base, x)
  log2: same(1),
  log10: same(1),
  power: same(2),
  pow: renamed("power", 2),
  mod: renamed("athena_modulus", 2),
  sign: same(1),
  rand: renamed("random", 0),
  random: same(0),
  pi: same(0),
  degrees: same(1),
  radians: same(1),
  sin: same(1),
  cos: same(1),
  tan: same(1),
  asin: same(1),
  acos: same(1),
  atan: same(1),
  atan2: same(2),
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
  concat: template(2, MANY, (args) => `(${args.map((a) => `(${a})`).join(" || ")})`),
  regexp_like: renamed("regexp_matches", 2),
  // Trino replaces every match; DuckDB only the first unless 'g'.
  regexp_replace: template(2, 3, (args, call) => {
    const replacement = args[2] === undefined ? "''" : literalArg(call, 2);
    const re2 = typeof replacement === "string" && args[2] !== undefined ? sqlString(javaReplacementToRe2(replacement)) : (args[2] ?? "''");
    return `regexp_replace(${args[0]}, ${args[1]}, ${re2}, 'g')`;
  }),
  // Trino returns NULL when nothing matches; DuckDB returns ''.
  regexp_extract: template(2, 3, (args) => `(CASE WHEN regexp_matches(${args[0]}, ${args[1]}) THEN regexp_extract(${args.join(", ")}) END)`),
  // Conditionals.
  coalesce: same(1, MANY),
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
  date_parse: template(2, 2, ([s], call) => `strptime(${s}, ${sqlString(mysqlFormatToStrftime(requireLiteral(call, 1, "format"), call.at))})`),
  format_datetime: template(2, 2, ([x], call) => `strftime(${x}, ${sqlString(jodaPatternToStrftime(requireLiteral(call, 1, "pattern"), call.at))})`),
  parse_datetime: template(2, 2, ([s], call) => `CAST(strptime(${s}, ${sqlString(jodaPatternToStrftime(requireLiteral(call, 1, "pattern"), call.at))}) AS TIMESTAMPTZ)`),
  from_iso8601_timestamp: template(1, 1, ([s]) => `CAST(${s} AS TIMESTAMPTZ)`),
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
  // Arrays and maps: both 1-based, out of range is NULL.
  element_at: template(2, 2, ([a, i]) => `(${a})[${i}]`),
  cardinality: renamed("len", 1),
};

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
