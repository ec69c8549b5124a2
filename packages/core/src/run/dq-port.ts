import type { DqRelation } from "../dq/relation";
import type { QueryEngine } from "../query/query-engine";

/** The DQ step's outcome as the run engine needs it; `report` is persisted as is. */
export interface DqOutcome {
  readonly gate: "PASS" | "FAIL";
  readonly score: number;
  /** Each failed blocking rule: its DQDL text and why. */
  readonly failedRules: readonly string[];
  readonly rowsProcessed?: number;
  readonly bytesScanned: number;
  readonly queries: number;
  readonly report: unknown;
}

/** Evaluates DQDL rules against a relation through a query engine. */
export type DqEvaluator = (engine: QueryEngine, relation: DqRelation, rules: string) => Promise<DqOutcome>;
