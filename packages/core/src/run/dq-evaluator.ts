import { evaluateRuleset, parseRuleset } from "../dq";
import type { DqRelation } from "../dq/relation";
import type { QueryEngine } from "../query/query-engine";
import type { DqOutcome } from "./dq-port";

/** Parses the dataset's DQDL and evaluates it (one aggregate scan plus per-rule extras). */
export async function evaluateDqdl(engine: QueryEngine, relation: DqRelation, rules: string): Promise<DqOutcome> {
  const report = await evaluateRuleset(engine, relation, parseRuleset(rules));
  const failed = report.RuleResults.filter((r) => r.blocking && r.Result !== "PASS");
  return {
    gate: report.gate,
    score: report.Score,
    failedRules: failed.map((r) => `${r.Description} → ${r.Result}${r.EvaluationMessage ? `: ${r.EvaluationMessage}` : ""}`),
    rowsProcessed: report.AggregatedMetrics.TotalRowsProcessed,
    bytesScanned: report.bytesScanned,
    queries: report.queryCount,
    report,
  };
}
