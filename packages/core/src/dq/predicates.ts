import type { ColumnType } from "../pipeline/types";
import type { SqlDialect } from "../query/query-engine";
import type { Condition, DurationUnit, Value } from "./ast";
import { printValue } from "./printer";
import { isNumeric, isTemporal, quoteIdent, regexMatch, sqlString, timestampLiteral } from "./sql";
import { UnevaluableRuleError } from "./unevaluable";

/** What a row predicate needs to know about the column and the run. */
export interface PredicateContext {
  readonly column: string;
  readonly type: ColumnType;
  readonly dialect: SqlDialect;
  /** The instant `now()` stands for; bound as a literal so DuckDB and Athena agree. */
  readonly now: Date;
}

const UNIT_MS: Readonly<Record<DurationUnit, number>> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 };

/**
 * The SQL predicate a row must satisfy for `ColumnValues <col> <condition>`. NULL semantics follow
 * Glue (deequ's DQDL translation): a NULL fails comparisons, `=`, `in` and `matches` unless NULL is
 * listed; it passes `!=` and `not in`. `between` excludes its bounds, as DQDL's `between` does.
 */
export function columnValuesPredicate(condition: Condition, ctx: PredicateContext): string {
  const c = quoteIdent(ctx.column);
  switch (condition.op) {
    case "matches":
    case "not matches": {
      if (ctx.type !== "string") throw mismatch(ctx, "matches needs a string column");
      const match = regexMatch(ctx.dialect, c, condition.pattern);
      return condition.op === "matches" ? match : `NOT coalesce(${match}, false)`;
    }
    case "between":
      return `${c} > ${literal(condition.low, ctx)} AND ${c} < ${literal(condition.high, ctx)}`;
    case "not between":
      return `${c} <= ${literal(condition.low, ctx)} OR ${c} >= ${literal(condition.high, ctx)}`;
    case "in":
      return membership(condition.values, ctx);
    case "not in":
      return `NOT coalesce(${membership(condition.values, ctx)}, false)`;
    case "=":
      return condition.value.kind === "keyword" ? keywordTest(condition.value.keyword, ctx) : `${c} = ${literal(condition.value, ctx)}`;
    case "!=":
      return condition.value.kind === "keyword"
        ? `NOT coalesce(${keywordTest(condition.value.keyword, ctx)}, false)`
        : `${c} IS NULL OR ${c} <> ${literal(condition.value, ctx)}`;
    default:
      if (condition.value.kind === "keyword") throw mismatch(ctx, `${condition.op} cannot compare with ${condition.value.keyword}`);
      return `${c} ${condition.op} ${literal(condition.value, ctx)}`;
  }
}

/**
 * The predicate of `DataFreshness <col> <duration condition>`: a row is fresh when `now - col`
 * satisfies the condition, rewritten as a comparison of the column with a literal instant so
 * that it needs no date functions (the same text runs on DuckDB and Trino). NULL rows fail.
 */
export function freshnessPredicate(condition: Condition, ctx: PredicateContext): string {
  if (!isTemporal(ctx.type)) throw mismatch(ctx, "DataFreshness needs a timestamp or date column");
  const c = quoteIdent(ctx.column);
  const ago = (value: Value): string => {
    if (value.kind !== "duration") throw mismatch(ctx, "DataFreshness compares with durations such as 24 hours");
    return timestampLiteral(new Date(ctx.now.getTime() - value.amount * UNIT_MS[value.unit]));
  };
  // age op d  <=>  col flipped(op) (now - d)
  const flipped: Record<string, string> = { ">": "<", ">=": "<=", "<": ">", "<=": ">=", "=": "=", "!=": "<>" };
  switch (condition.op) {
    case "between":
      return `${c} > ${ago(condition.high)} AND ${c} < ${ago(condition.low)}`;
    case "not between":
      return `${c} >= ${ago(condition.low)} OR ${c} <= ${ago(condition.high)}`;
    case "in":
      return `${c} IN (${condition.values.map(ago).join(", ")})`;
    case "not in":
      return `${c} NOT IN (${condition.values.map(ago).join(", ")})`;
    case "matches":
    case "not matches":
      throw mismatch(ctx, "DataFreshness takes a duration condition");
    default:
      return `${c} ${flipped[condition.op]} ${ago(condition.value)}`;
  }
}

function membership(values: readonly Value[], ctx: PredicateContext): string {
  const c = quoteIdent(ctx.column);
  const plain = values.filter((v) => v.kind !== "keyword");
  const tests = values.flatMap((v) => (v.kind === "keyword" ? [keywordTest(v.keyword, ctx)] : []));
  if (plain.length > 0) tests.unshift(`${c} IN (${plain.map((v) => literal(v, ctx)).join(", ")})`);
  return tests.length === 1 ? tests[0]! : tests.map((t) => `(${t})`).join(" OR ");
}

function keywordTest(keyword: "NULL" | "EMPTY" | "WHITESPACES_ONLY", ctx: PredicateContext): string {
  const c = quoteIdent(ctx.column);
  if (keyword === "NULL") return `${c} IS NULL`;
  if (ctx.type !== "string") throw mismatch(ctx, `${keyword} applies to string columns`);
  return keyword === "EMPTY" ? `${c} = ''` : `length(trim(${c})) = 0 AND length(${c}) > 0`;
}

/** An operand as an SQL literal of the column's type. */
function literal(value: Value, ctx: PredicateContext): string {
  if (value.kind === "number") {
    if (!isNumeric(ctx.type)) throw mismatch(ctx, `${printValue(value)} is a number`);
    return String(value.value);
  }
  if (value.kind === "now") {
    if (!isTemporal(ctx.type)) throw mismatch(ctx, "now() needs a timestamp or date column");
    const offset = value.offset ? (value.offset.sign === "-" ? -1 : 1) * value.offset.amount * UNIT_MS[value.offset.unit] : 0;
    return timestampLiteral(new Date(ctx.now.getTime() + offset));
  }
  if (value.kind === "string") {
    if (ctx.type === "string") return sqlString(value.value);
    if (isTemporal(ctx.type)) return temporalLiteral(value.value, ctx);
    throw mismatch(ctx, `${printValue(value)} is a string`);
  }
  throw mismatch(ctx, `${printValue(value)} cannot be used here`);
}

function temporalLiteral(text: string, ctx: PredicateContext): string {
  const match = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?))?$/.exec(text);
  if (!match) throw mismatch(ctx, `"${text}" is not a date (YYYY-MM-DD) or date-time`);
  if (ctx.type === "date") return `DATE '${match[1]}'`;
  const time = match[2] ?? "00:00:00";
  return `TIMESTAMP '${match[1]} ${time.length === 5 ? `${time}:00` : time}'`;
}

function mismatch(ctx: PredicateContext, reason: string): UnevaluableRuleError {
  return new UnevaluableRuleError(`Column "${ctx.column}" has type ${ctx.type}: ${reason}`);
}
