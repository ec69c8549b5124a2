import type { Logger } from "../log/logger";
import { silentLogger } from "../log/logger";
import type { QueryEngine, QueryResult } from "../query/query-engine";
import type { Ruleset } from "./ast";
import { compileRuleset, type QueryAnswers } from "./compiler";
import { printRule } from "./printer";
import type { DqRelation } from "./relation";
import type { DataQualityReport, DqExecutedQuery, DqRuleResult } from "./report";
import { isBlocking, severityOf } from "./severity";

/** Options of one evaluation. */
export interface EvaluateOptions {
  /** Failing rows fetched per failed rule (default 5; 0 fetches none). */
  readonly sampleSize?: number;
  /** The instant `now()` and DataFreshness are measured from (default: the wall clock). */
  readonly now?: Date;
  readonly logger?: Logger;
}

/**
 * Evaluates a ruleset on a relation: one aggregate query for all aggregate-based rules, one
 * query per CustomSql, then one small query per FAILED rule for sample failing rows. Rules the
 * engine cannot evaluate are `ERROR` with the reason. The gate fails when a blocking rule is FAIL or ERROR.
 */
export async function evaluateRuleset(
  engine: QueryEngine,
  relation: DqRelation,
  ruleset: Ruleset,
  options: EvaluateOptions = {},
): Promise<DataQualityReport> {
  const started = new Date();
  const logger = options.logger ?? silentLogger;
  const plan = compileRuleset(ruleset, relation, { dialect: engine.dialect, now: options.now ?? started });
  const queries: DqExecutedQuery[] = [];
  const run = async (purpose: DqExecutedQuery["purpose"], sql: string, rule?: string): Promise<QueryResult | { error: string }> => {
    try {
      const result = await engine.query(sql);
      queries.push({ purpose, ...(rule ? { rule } : {}), sql, bytesScanned: result.bytesScanned });
      return result;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      logger.warn("dq query failed", { purpose, rule, error: message });
      queries.push({ purpose, ...(rule ? { rule } : {}), sql, bytesScanned: 0, error: message });
      return { error: message };
    }
  };

  const aggregate = await run("aggregate", plan.aggregateSql);
  const custom = new Map<string, { rows: readonly Record<string, unknown>[] } | { error: string }>();
  for (const query of plan.customQueries) {
    const answer = await run("custom-sql", query.sql, `Rule_${query.ruleIndex + 1}`);
    custom.set(query.key, "error" in answer ? answer : { rows: answer.rows });
  }
  const answers: QueryAnswers = {
    aggregate: "error" in aggregate ? { error: `The aggregate query failed: ${aggregate.error}` } : { row: aggregate.rows[0] ?? {} },
    custom,
  };

  const sampleSize = options.sampleSize ?? 5;
  const results: DqRuleResult[] = [];
  for (const [index, planned] of plan.rules.entries()) {
    const name = `Rule_${index + 1}`;
    const outcome = planned.evaluate(answers);
    const severity = severityOf(planned.rule);
    let sampleFailingRows: readonly Record<string, unknown>[] | undefined;
    const sampleSql = outcome.result === "FAIL" && sampleSize > 0 ? planned.sampleSql(sampleSize) : undefined;
    if (sampleSql) {
      const sample = await run("sample", sampleSql, name);
      if (!("error" in sample)) sampleFailingRows = sample.rows;
    }
    results.push({
      Name: name,
      Description: printRule(planned.rule),
      Result: outcome.result,
      ...(outcome.message ? { EvaluationMessage: outcome.message } : {}),
      EvaluatedMetrics: outcome.metrics,
      ...(planned.rule.labels ? { Labels: planned.rule.labels } : {}),
      severity,
      blocking: isBlocking(severity),
      ...(sampleFailingRows ? { sampleFailingRows } : {}),
    });
  }

  const passed = results.filter((r) => r.Result === "PASS").length;
  const row = "error" in aggregate ? undefined : aggregate.rows[0];
  const rowsProcessed = Number(row?.[plan.rowsProcessedColumn] ?? 0);
  const rowsFailed = plan.rowsFailedColumn && row ? Number(row[plan.rowsFailedColumn] ?? 0) : undefined;
  const gate = results.some((r) => r.blocking && r.Result !== "PASS") ? "FAIL" : "PASS";
  logger.info("dq evaluated", { rules: results.length, passed, gate, queries: queries.length });
  return {
    RuleResults: results,
    Score: results.length === 0 ? 1 : passed / results.length,
    AggregatedMetrics: {
      TotalRowsProcessed: rowsProcessed,
      ...(rowsFailed !== undefined ? { TotalRowsPassed: rowsProcessed - rowsFailed, TotalRowsFailed: rowsFailed } : {}),
      TotalRulesProcessed: results.length,
      TotalRulesPassed: passed,
      TotalRulesFailed: results.length - passed,
    },
    StartedOn: started.toISOString(),
    CompletedOn: new Date().toISOString(),
    gate,
    queries,
    queryCount: queries.length,
    bytesScanned: queries.reduce((sum, q) => sum + q.bytesScanned, 0),
  };
}
