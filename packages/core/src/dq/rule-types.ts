import type { RuleType } from "./ast";

/** What a rule type takes, as the DQDL rule-type reference describes it. */
export interface RuleTypeSpec {
  /** How many quoted parameters (columns, or the SQL statement) it takes. */
  readonly minParameters: number;
  readonly maxParameters: number;
  /** `none`: no condition; `number`: numeric condition on a metric; `value`: any ColumnValues condition; `duration`: `<= 24 hours`. */
  readonly condition: "none" | "number" | "value" | "duration";
  /** CustomSql without a condition is the row-level form. */
  readonly conditionOptional: boolean;
  readonly where: boolean;
  readonly threshold: boolean;
}

const MANY = Number.POSITIVE_INFINITY;

/** The supported rule types (https://docs.aws.amazon.com/glue/latest/dg/dqdl.html#dqdl-rule-types). */
export const RULE_TYPES: Readonly<Record<RuleType, RuleTypeSpec>> = {
  RowCount: { minParameters: 0, maxParameters: 0, condition: "number", conditionOptional: false, where: true, threshold: false },
  IsComplete: { minParameters: 1, maxParameters: 1, condition: "none", conditionOptional: false, where: true, threshold: false },
  Completeness: { minParameters: 1, maxParameters: 1, condition: "number", conditionOptional: false, where: true, threshold: false },
  ColumnValues: { minParameters: 1, maxParameters: 1, condition: "value", conditionOptional: false, where: true, threshold: true },
  IsUnique: { minParameters: 1, maxParameters: MANY, condition: "none", conditionOptional: false, where: true, threshold: false },
  IsPrimaryKey: { minParameters: 1, maxParameters: MANY, condition: "none", conditionOptional: false, where: true, threshold: false },
  Uniqueness: { minParameters: 1, maxParameters: MANY, condition: "number", conditionOptional: false, where: true, threshold: false },
  DistinctValuesCount: { minParameters: 1, maxParameters: 1, condition: "number", conditionOptional: false, where: true, threshold: false },
  DataFreshness: { minParameters: 1, maxParameters: 1, condition: "duration", conditionOptional: false, where: true, threshold: true },
  Mean: { minParameters: 1, maxParameters: 1, condition: "number", conditionOptional: false, where: true, threshold: false },
  StandardDeviation: { minParameters: 1, maxParameters: 1, condition: "number", conditionOptional: false, where: true, threshold: false },
  CustomSql: { minParameters: 1, maxParameters: 1, condition: "number", conditionOptional: true, where: false, threshold: true },
};

/** True when `name` is a rule type sluice supports. */
export function isRuleType(name: string): name is RuleType {
  return Object.prototype.hasOwnProperty.call(RULE_TYPES, name);
}
