/**
 * The syntax tree of the DQDL subset sluice reads. Shapes follow the DQDL grammar
 * (awslabs/dqdl `DataQualityDefinitionLanguage.g4`): a rule is a type, quoted parameters, an
 * optional condition, an optional `where "<sql>"`, an optional `with threshold <condition>`
 * and optional `labels=[...]`; composite rules join parenthesised rules with `and` / `or`.
 */

/** Rule types sluice can parse, print and evaluate. */
export type RuleType =
  | "RowCount"
  | "IsComplete"
  | "Completeness"
  | "ColumnValues"
  | "IsUnique"
  | "IsPrimaryKey"
  | "Uniqueness"
  | "DistinctValuesCount"
  | "DataFreshness"
  | "Mean"
  | "StandardDeviation"
  | "CustomSql";

/** Units of a DQDL duration (`24 hours`) or a `now()` offset. */
export type DurationUnit = "days" | "hours" | "minutes";

/** DQDL keywords that stand for special string values. */
export type ValueKeyword = "NULL" | "EMPTY" | "WHITESPACES_ONLY";

/** One operand of a condition. Dates are written as strings (`"2024-01-31"`) and read by column type. */
export type Value =
  | { readonly kind: "number"; readonly value: number }
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "keyword"; readonly keyword: ValueKeyword }
  | { readonly kind: "now"; readonly offset?: { readonly sign: "+" | "-"; readonly amount: number; readonly unit: DurationUnit } }
  | { readonly kind: "duration"; readonly amount: number; readonly unit: DurationUnit };

/** Single-operand comparison operators. */
export type ComparisonOperator = ">" | ">=" | "<" | "<=" | "=" | "!=";

/** The expression a rule's metric (or each row, for row-level rules) is checked against. */
export type Condition =
  | { readonly op: ComparisonOperator; readonly value: Value }
  | { readonly op: "between" | "not between"; readonly low: Value; readonly high: Value }
  | { readonly op: "in" | "not in"; readonly values: readonly Value[] }
  | { readonly op: "matches" | "not matches"; readonly pattern: string };

/** One rule of one type. `parameters` are column names, or the SQL statement of `CustomSql`. */
export interface LeafRule {
  readonly kind: "rule";
  readonly ruleType: RuleType;
  readonly parameters: readonly string[];
  readonly condition?: Condition;
  /** `where "<sql predicate>"`: only rows matching it are evaluated. */
  readonly where?: string;
  /** `with threshold <condition>`: the fraction of passing rows must satisfy it. */
  readonly threshold?: Condition;
  /** DQDL `labels=["k"="v", ...]`; sluice reads `severity` from here. */
  readonly labels?: Readonly<Record<string, string>>;
}

/** `(A) and (B) ...` or `(A) or (B) ...`; one operator per level, nesting needs parentheses. */
export interface CompositeRule {
  readonly kind: "composite";
  readonly operator: "and" | "or";
  readonly rules: readonly Rule[];
  readonly labels?: Readonly<Record<string, string>>;
}

/** A rule as it appears in a ruleset. */
export type Rule = LeafRule | CompositeRule;

/** A parsed `Rules = [ ... ]` document. */
export interface Ruleset {
  readonly rules: readonly Rule[];
}
