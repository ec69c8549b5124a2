import type { QueryEngine } from "../query/query-engine";

/** The DQ step's outcome as the run engine needs it; `report` is persisted as is. */
export interface DqOutcome {
  readonly gate: "PASS" | "FAIL";
  readonly score: number;
  /** Names (rule text) and metric of each failed blocking rule. */
  readonly failedRules: readonly string[];
  readonly rowsProcessed?: number;
  readonly bytesScanned: number;
  readonly queries: number;
  readonly report: unknown;
}

/** Evaluates DQDL rules against a relation through a query engine. */
export type DqEvaluator = (engine: QueryEngine, relation: string, rules: string) => Promise<DqOutcome>;
