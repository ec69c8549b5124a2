import type { Severity } from "./severity";

/** One rule's result, shaped like Glue's `DataQualityRuleResult`, plus sluice's severity and samples. */
export interface DqRuleResult {
  /** `Rule_1`, `Rule_2`, … in ruleset order, as Glue names them. */
  readonly Name: string;
  /** The rule's DQDL text. */
  readonly Description: string;
  readonly Result: "PASS" | "FAIL" | "ERROR";
  /** Why the rule failed or could not be evaluated; absent on PASS. */
  readonly EvaluationMessage?: string;
  readonly EvaluatedMetrics: Readonly<Record<string, number>>;
  /** The rule's DQDL labels (Glue returns them as `Labels`). */
  readonly Labels?: Readonly<Record<string, string>>;
  readonly severity: Severity;
  /** A FAIL or ERROR of a blocking rule fails the gate. */
  readonly blocking: boolean;
  /** Up to N failing rows (or duplicate keys with `duplicate_count`) for a FAILED rule where that makes sense. */
  readonly sampleFailingRows?: readonly Readonly<Record<string, unknown>>[];
}

/** Glue's `DataQualityAggregatedMetrics`. Row counts cover row-level rules (IsComplete, Completeness, ColumnValues, DataFreshness). */
export interface DqAggregatedMetrics {
  readonly TotalRowsProcessed: number;
  readonly TotalRowsPassed?: number;
  readonly TotalRowsFailed?: number;
  readonly TotalRulesProcessed: number;
  readonly TotalRulesPassed: number;
  /** Rules whose result is FAIL or ERROR, so that passed + failed = processed. */
  readonly TotalRulesFailed: number;
}

/** One query the evaluation ran, with what it was for and what it read. */
export interface DqExecutedQuery {
  readonly purpose: "aggregate" | "custom-sql" | "sample";
  /** The rule it served (`Rule_3`), absent for the shared aggregate query. */
  readonly rule?: string;
  readonly sql: string;
  readonly bytesScanned: number;
  readonly error?: string;
}

/** A ruleset evaluation, shaped like Glue's `GetDataQualityResult` response, plus sluice's gate and query accounting. */
export interface DataQualityReport {
  readonly RuleResults: readonly DqRuleResult[];
  /** Fraction of rules that passed (0–1). */
  readonly Score: number;
  readonly AggregatedMetrics: DqAggregatedMetrics;
  readonly StartedOn: string;
  readonly CompletedOn: string;
  /** FAIL only when a blocking rule is FAIL or ERROR: the production table must not be published. */
  readonly gate: "PASS" | "FAIL";
  readonly queries: readonly DqExecutedQuery[];
  /** Number of queries run (each one scan of the relation). */
  readonly queryCount: number;
  /** Sum of `bytesScanned` over all queries. */
  readonly bytesScanned: number;
}
