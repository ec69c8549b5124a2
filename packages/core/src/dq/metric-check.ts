import type { Condition, Value } from "./ast";

/**
 * Checks a metric against a numeric condition as DQDL's `NumberBasedCondition.evaluate` does:
 * `between` excludes both bounds, `=` is exact.
 */
export function satisfies(metric: number, condition: Condition): boolean {
  const n = (value: Value): number => {
    if (value.kind !== "number") throw new Error(`not a number operand: ${value.kind}`);
    return value.value;
  };
  switch (condition.op) {
    case ">":
      return metric > n(condition.value);
    case ">=":
      return metric >= n(condition.value);
    case "<":
      return metric < n(condition.value);
    case "<=":
      return metric <= n(condition.value);
    case "=":
      return metric === n(condition.value);
    case "!=":
      return metric !== n(condition.value);
    case "between":
      return metric > n(condition.low) && metric < n(condition.high);
    case "not between":
      return metric <= n(condition.low) || metric >= n(condition.high);
    case "in":
      return condition.values.some((v) => metric === n(v));
    case "not in":
      return !condition.values.some((v) => metric === n(v));
    default:
      return false;
  }
}

/** A number as Java prints a double (`4.0`, `0.95`), the way Glue's messages show values. */
export function formatMetric(value: number): string {
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

/** Glue's failure message for a metric outside its condition. */
export function constraintMessage(value: number): string {
  return `Value: ${formatMetric(value)} does not meet the constraint requirement!`;
}

/** Glue's failure message for a row-level rule (`80.00 % of rows passed the threshold`). */
export function rowsPassedMessage(fraction: number): string {
  return `${(fraction * 100).toFixed(2)} % of rows passed the threshold`;
}
