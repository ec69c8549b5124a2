import { parseRuleset } from "../dq/parser";
import type { Condition, LeafRule } from "../dq/ast";
import { columnValuesPredicate } from "../dq/predicates";
import { UnevaluableRuleError } from "../dq/unevaluable";
import { printRule } from "../dq/printer";
import { severityOf } from "../dq/severity";
import type { ColumnType, DatasetDefinition } from "../pipeline/types";

/** One column of the live data-quality table: a rule's row check, counted per subject. */
export interface DqColumn {
  /** The rule as written (DQDL), for the panel's description. */
  readonly rule: string;
  readonly sql: string;
  readonly alias: string;
}

/**
 * The row-level checks of a dataset's DQ rules that Athena can count per subject over the
 * dashboard's range: `IsComplete` and `Completeness` (missing values), `ColumnValues` (rows failing
 * its condition, by the gate's own predicate), and `IsPrimaryKey`/`IsUnique` on the held
 * columns plus one more (duplicate keys). `heldColumns` are the ones every panel groups by or holds
 * to one value (the subject, air quality's parameter and unit): checks of those alone say nothing.
 * Rules with a `where`, composite rules and dataset-level rules (`RowCount`, `DataFreshness`,
 * `Mean`…) have no per-row count and are left to the run's DQ report.
 * The rules are the dataset's as a run of one subject and one day would check them.
 */
export function dqColumnsOf(dataset: DatasetDefinition, heldColumns: readonly string[]): DqColumn[] {
  const ruleset = parseRuleset(dataset.dqRules({ locationCount: 1, from: "2000-01-01", to: "2000-01-01" }));
  const columns: DqColumn[] = [];
  const types = new Map(dataset.recordSchema.map((c) => [c.name, c.type]));
  const leaves = ruleset.rules.filter((r): r is LeafRule => r.kind === "rule" && r.where === undefined);
  for (const rule of leaves) {
    const [column, ...more] = rule.parameters;
    if (column === undefined || !types.has(column)) continue;
    const text = `${printRule(rule)} (${severityOf(rule)})`;
    if ((rule.ruleType === "IsComplete" || rule.ruleType === "Completeness") && more.length === 0 && !heldColumns.includes(column)) {
      columns.push({ rule: text, sql: `count(*) - count(${column})`, alias: `${column}_missing` });
    } else if (rule.ruleType === "ColumnValues" && more.length === 0 && rule.condition && rule.threshold === undefined) {
      const predicate = rowPredicateOf(rule.condition, column, types.get(column)!);
      // A row fails as the gate fails it: NULL fails a comparison (deequ's translation, dq/predicates.ts).
      if (predicate) columns.push({ rule: text, sql: `count_if(NOT coalesce(${predicate}, false))`, alias: `${column}_outside` });
    } else if (rule.ruleType === "IsPrimaryKey" || rule.ruleType === "IsUnique") {
      // Per subject (and held value), a key of those and one more column is unique when that column is.
      const rest = rule.parameters.filter((p) => !heldColumns.includes(p));
      if (rest.length === 1 && types.has(rest[0]!)) columns.push({ rule: text, sql: `count(*) - count(DISTINCT ${rest[0]})`, alias: `duplicate_${rest[0]}` });
    }
  }
  // One column per alias: two rules on the same check count the same rows.
  return columns.filter((c, i) => columns.findIndex((d) => d.alias === c.alias) === i);
}

/**
 * The predicate a row passes `ColumnValues` by, as the DQ gate evaluates it on Athena
 * (`columnValuesPredicate`); a condition on `now()` (its instant is the run's, not the
 * dashboard's) or one the column's type cannot take is left out.
 */
function rowPredicateOf(condition: Condition, column: string, type: ColumnType): string | undefined {
  const operands = "value" in condition ? [condition.value] : "low" in condition ? [condition.low, condition.high] : "values" in condition ? condition.values : [];
  if (operands.some((v) => v.kind === "now")) return undefined;
  try {
    return columnValuesPredicate(condition, { column, type, dialect: "athena", now: new Date(0) });
  } catch (error) {
    if (error instanceof UnevaluableRuleError) return undefined;
    throw error;
  }
}
