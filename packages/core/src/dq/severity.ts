import type { Rule } from "./ast";

/**
 * sluice's severity extension. DQDL has no severity, but it has rule labels
 * (`labels=["key"="value"]`, returned by Glue in each rule result's `Labels`), so a rule's
 * severity is the label `severity`: `"error"` (the default) blocks publishing when the rule
 * fails or errors, `"warning"` is reported only. Glue accepts and carries the label unchanged.
 */
export type Severity = "error" | "warning";

/** The label key that carries a rule's severity. */
export const SEVERITY_LABEL = "severity";

/** True for the severities sluice knows. */
export function isSeverity(value: string): value is Severity {
  return value === "error" || value === "warning";
}

/** A rule's severity: its `severity` label, or `error` when it has none. */
export function severityOf(rule: Rule): Severity {
  const label = rule.labels?.[SEVERITY_LABEL];
  return label !== undefined && isSeverity(label) ? label : "error";
}

/** Only error-severity rules stop publication (dbt/Dagster: a failed blocking check stops promotion). */
export function isBlocking(severity: Severity): boolean {
  return severity === "error";
}
