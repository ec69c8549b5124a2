import type { Condition, Rule, Ruleset, Value } from "./ast";

/**
 * Prints a ruleset in canonical form: `Rules = [`, one rule per line indented by four spaces,
 * `]`. Rules print as DQDL's own `DQRule.toString()` does: lists without spaces (`in [1,2]`),
 * `now()` offsets in parentheses, then `where`, `with threshold`, `labels=[...]` in that order.
 */
export function printRuleset(ruleset: Ruleset): string {
  if (ruleset.rules.length === 0) return "Rules = []";
  return `Rules = [\n${ruleset.rules.map((rule) => `    ${printRule(rule)}`).join(",\n")}\n]`;
}

/** Prints one rule on one line (the text Glue reports as a rule's `Description`). */
export function printRule(rule: Rule): string {
  const labels = rule.labels && Object.keys(rule.labels).length > 0 ? ` ${printLabels(rule.labels)}` : "";
  if (rule.kind === "composite") {
    return rule.rules.map((inner) => `(${printRule(inner)})`).join(` ${rule.operator} `) + labels;
  }
  const parts: string[] = [rule.ruleType, ...rule.parameters.map(quote)];
  if (rule.condition) parts.push(printCondition(rule.condition));
  if (rule.where !== undefined) parts.push(`where ${quote(rule.where)}`);
  if (rule.threshold) parts.push(`with threshold ${printCondition(rule.threshold)}`);
  return parts.join(" ") + labels;
}

/** Prints a condition (`between -90 and 60`, `in ["a","b"]`, `<= 24 hours`). */
export function printCondition(condition: Condition): string {
  switch (condition.op) {
    case "between":
    case "not between":
      return `${condition.op} ${printValue(condition.low)} and ${printValue(condition.high)}`;
    case "in":
    case "not in":
      return `${condition.op} [${condition.values.map(printValue).join(",")}]`;
    case "matches":
    case "not matches":
      return `${condition.op} ${quote(condition.pattern)}`;
    default:
      return `${condition.op} ${printValue(condition.value)}`;
  }
}

/** Prints one operand. */
export function printValue(value: Value): string {
  switch (value.kind) {
    case "number":
      return String(value.value);
    case "string":
      return quote(value.value);
    case "keyword":
      return value.keyword;
    case "duration":
      return `${value.amount} ${value.unit}`;
    case "now":
      return value.offset ? `(now() ${value.offset.sign} ${value.offset.amount} ${value.offset.unit})` : "now()";
  }
}

function printLabels(labels: Readonly<Record<string, string>>): string {
  return `labels=[${Object.entries(labels)
    .map(([key, value]) => `${quote(key)}=${quote(value)}`)
    .join(", ")}]`;
}

/** A DQDL double-quoted string; `"` and `\` are escaped with a backslash, as DQDL's lexer reads them. */
function quote(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}
