import type { SqlDialect } from "../query/query-engine";
import type { CompositeRule, LeafRule, Rule, Ruleset } from "./ast";
import { constraintMessage, rowsPassedMessage, satisfies } from "./metric-check";
import { columnValuesPredicate, freshnessPredicate } from "./predicates";
import type { DqRelation, RelationColumn } from "./relation";
import { aggregateWhere, and, countWhere, isNumeric, quoteIdent } from "./sql";
import { UnevaluableRuleError } from "./unevaluable";

/** How to compile: the engine's dialect and the instant `now()` means for this run. */
export interface CompileOptions {
  readonly dialect: SqlDialect;
  readonly now: Date;
}

/** The verdict on one rule, in Glue's terms. */
export interface RuleOutcome {
  readonly result: "PASS" | "FAIL" | "ERROR";
  readonly message?: string;
  readonly metrics: Readonly<Record<string, number>>;
}

/** What the queries of a plan answered: the one aggregate row, and each custom query's rows or error. */
export interface QueryAnswers {
  readonly aggregate: { readonly row: Readonly<Record<string, unknown>> } | { readonly error: string };
  readonly custom: ReadonlyMap<string, { readonly rows: readonly Readonly<Record<string, unknown>>[] } | { readonly error: string }>;
}

/** One top-level rule of the plan. */
export interface PlannedRule {
  readonly rule: Rule;
  evaluate(answers: QueryAnswers): RuleOutcome;
  /** A query for up to `limit` failing rows (or duplicate keys), where that makes sense for the rule. */
  sampleSql(limit: number): string | undefined;
}

/** A compiled ruleset: one aggregate query for every metric, one query per CustomSql, and how to judge each rule. */
export interface DqPlan {
  readonly aggregateSql: string;
  /** CustomSql queries, each with the index of the top-level rule it serves. */
  readonly customQueries: readonly { readonly key: string; readonly sql: string; readonly ruleIndex: number }[];
  readonly rules: readonly PlannedRule[];
  /** Aggregate columns behind Glue's `TotalRowsProcessed` and `TotalRowsFailed` (rows failing a row-level rule). */
  readonly rowsProcessedColumn: string;
  readonly rowsFailedColumn?: string;
}

interface LeafPlan {
  evaluate(answers: QueryAnswers): RuleOutcome;
  sampleSql?(limit: number): string;
  /** A predicate true for rows this rule fails (row-level rules only). */
  readonly failingRow?: string;
}

/**
 * Compiles a ruleset against a relation. Every metric of every aggregate-based rule goes into ONE
 * `SELECT … FROM relation` (deduplicated: `count(*)` is computed once however many rules need it).
 * IsUnique / IsPrimaryKey use `count(DISTINCT key)`; Uniqueness (Glue's exactly-once fraction) adds a
 * `count(*) OVER (PARTITION BY key)` column in a subquery of that same scan, never a second pass. `CustomSql` runs as its own query.
 */
export function compileRuleset(ruleset: Ruleset, relation: DqRelation, options: CompileOptions): DqPlan {
  const builder = new PlanBuilder(relation, options);
  const rowsProcessedColumn = builder.slot("count(*)");
  const planned = ruleset.rules.map((rule, index) => builder.topLevel(rule, index));
  const failing = planned.flatMap((p) => (p.failingRow ? [p.failingRow] : []));
  const rowsFailedColumn = failing.length > 0 ? builder.slot(countWhere(failing.map((f) => `(${f})`).join(" OR "))) : undefined;
  return {
    aggregateSql: builder.aggregateSql(),
    customQueries: builder.customQueries,
    rules: planned.map(({ rule, plan }) => ({
      rule,
      evaluate: (answers) => guarded(() => plan.evaluate(answers)),
      sampleSql: (limit) => plan.sampleSql?.(limit),
    })),
    rowsProcessedColumn,
    ...(rowsFailedColumn ? { rowsFailedColumn } : {}),
  };
}

class PlanBuilder {
  private readonly slots = new Map<string, string>();
  private readonly windows = new Map<string, string>();
  readonly customQueries: { key: string; sql: string; ruleIndex: number }[] = [];
  private ruleIndex = 0;

  constructor(
    private readonly relation: DqRelation,
    private readonly options: CompileOptions,
  ) {}

  /** The alias of an aggregate expression in the one aggregate query. */
  slot(expression: string): string {
    let alias = this.slots.get(expression);
    if (!alias) this.slots.set(expression, (alias = `m${this.slots.size}`));
    return alias;
  }

  aggregateSql(): string {
    const select = [...this.slots].map(([expression, alias]) => `  ${expression} AS ${quoteIdent(alias)}`).join(",\n");
    const from =
      this.windows.size === 0
        ? this.relation.sql
        : `(SELECT *, ${[...this.windows].map(([expression, alias]) => `${expression} AS ${quoteIdent(alias)}`).join(", ")} FROM ${this.relation.sql}) AS "primary"`;
    return `SELECT\n${select}\nFROM ${from}`;
  }

  topLevel(rule: Rule, index: number): { rule: Rule; plan: LeafPlan; failingRow?: string } {
    this.ruleIndex = index;
    const plan = this.rule(rule);
    return { rule, plan, ...(plan.failingRow ? { failingRow: plan.failingRow } : {}) };
  }

  private rule(rule: Rule): LeafPlan {
    if (rule.kind === "composite") return this.composite(rule);
    try {
      return this.leaf(rule);
    } catch (error) {
      if (!(error instanceof UnevaluableRuleError)) throw error;
      return { evaluate: () => ({ result: "ERROR", message: error.message, metrics: {} }) };
    }
  }

  private composite(rule: CompositeRule): LeafPlan {
    const children = rule.rules.map((inner) => this.rule(inner));
    return {
      evaluate: (answers) => {
        const outcomes = children.map((child) => guarded(() => child.evaluate(answers)));
        const metrics = Object.assign({}, ...outcomes.map((o) => o.metrics)) as Record<string, number>;
        const results = outcomes.map((o) => o.result);
        const result =
          rule.operator === "and"
            ? results.includes("ERROR") ? "ERROR" : results.includes("FAIL") ? "FAIL" : "PASS"
            : results.includes("PASS") ? "PASS" : results.includes("ERROR") ? "ERROR" : "FAIL";
        const messages = outcomes.flatMap((o, i) => (o.result !== "PASS" && o.message ? [`rule ${i + 1}: ${o.message}`] : []));
        return { result, ...(result !== "PASS" && messages.length > 0 ? { message: messages.join("; ") } : {}), metrics };
      },
    };
  }

  private leaf(rule: LeafRule): LeafPlan {
    const where = rule.where;
    const total = this.slot(countWhere(where));
    const read = (answers: QueryAnswers, alias: string): number | null => {
      if ("error" in answers.aggregate) throw new UnevaluableRuleError(answers.aggregate.error);
      const value = answers.aggregate.row[alias];
      return value === null || value === undefined ? null : Number(value);
    };
    const rows = (answers: QueryAnswers): number => {
      const n = read(answers, total) ?? 0;
      if (n === 0) throw new UnevaluableRuleError(where ? `No rows match the where clause "${where}"` : "The dataset has no rows");
      return n;
    };
    const byCondition = (metric: number, metrics: Record<string, number>): RuleOutcome =>
      satisfies(metric, rule.condition!) ? { result: "PASS", metrics } : { result: "FAIL", message: constraintMessage(metric), metrics };

    switch (rule.ruleType) {
      case "RowCount":
        return {
          evaluate: (answers) => {
            const count = read(answers, total) ?? 0;
            return byCondition(count, { "Dataset.*.RowCount": count });
          },
        };
      case "IsComplete":
      case "Completeness": {
        const column = this.column(rule.parameters[0]!);
        const pred = `${quoteIdent(column.name)} IS NOT NULL`;
        const complete = this.slot(countWhere(and(where, pred)));
        return {
          ...this.rowLevel(where, pred),
          evaluate: (answers) => {
            const completeness = (read(answers, complete) ?? 0) / rows(answers);
            const metrics = { [`Column.${column.name}.Completeness`]: completeness };
            if (rule.ruleType === "Completeness") return byCondition(completeness, metrics);
            return completeness === 1 ? { result: "PASS", metrics } : { result: "FAIL", message: constraintMessage(completeness), metrics };
          },
        };
      }
      case "ColumnValues":
      case "DataFreshness": {
        const column = this.column(rule.parameters[0]!);
        const ctx = { column: column.name, type: column.type, dialect: this.options.dialect, now: this.options.now };
        const pred = rule.ruleType === "ColumnValues" ? columnValuesPredicate(rule.condition!, ctx) : freshnessPredicate(rule.condition!, ctx);
        const passed = this.slot(countWhere(and(where, pred)));
        const metricName = `Column.${column.name}.${rule.ruleType === "ColumnValues" ? "ColumnValues" : "DataFreshness"}.Compliance`;
        return {
          ...this.rowLevel(where, pred),
          evaluate: (answers) => {
            const compliance = (read(answers, passed) ?? 0) / rows(answers);
            const metrics = { [metricName]: compliance };
            const ok = rule.threshold ? satisfies(compliance, rule.threshold) : compliance === 1;
            if (ok) return { result: "PASS", metrics };
            return { result: "FAIL", message: rule.threshold ? constraintMessage(compliance) : rowsPassedMessage(compliance), metrics };
          },
        };
      }
      case "IsUnique":
      case "IsPrimaryKey":
        return this.distinctKey(rule, total, read, rows);
      case "Uniqueness": {
        const columns = rule.parameters.map((name) => this.column(name));
        const key = columns.map((c) => quoteIdent(c.name)).join(", ");
        // Glue's Uniqueness is the fraction of rows whose key occurs exactly once: a window count
        // over the key, computed in a subquery of the same single scan.
        const window = this.window(
          where === undefined ? `count(*) OVER (PARTITION BY ${key})` : `sum(CASE WHEN ${where} THEN 1 ELSE 0 END) OVER (PARTITION BY ${key})`,
        );
        const unique = this.slot(countWhere(and(where, `${quoteIdent(window)} = 1`)));
        return {
          sampleSql: (limit) => this.duplicatesSql(columns, where, false, limit),
          evaluate: (answers) => {
            const uniqueness = (read(answers, unique) ?? 0) / rows(answers);
            return byCondition(uniqueness, { [`Column.${columns.map((c) => c.name).join(",")}.Uniqueness`]: uniqueness });
          },
        };
      }
      case "DistinctValuesCount": {
        const column = this.column(rule.parameters[0]!);
        const c = quoteIdent(column.name);
        const distinct = this.slot(where === undefined ? `count(DISTINCT ${c})` : `count(DISTINCT CASE WHEN ${where} THEN ${c} END)`);
        return {
          evaluate: (answers) => {
            const count = read(answers, distinct) ?? 0;
            return byCondition(count, { [`Column.${column.name}.DistinctValuesCount`]: count });
          },
        };
      }
      case "Mean":
      case "StandardDeviation": {
        const column = this.column(rule.parameters[0]!);
        if (!isNumeric(column.type)) throw new UnevaluableRuleError(`Column "${column.name}" has type ${column.type}: ${rule.ruleType} needs a numeric column`);
        const fn = rule.ruleType === "Mean" ? "avg" : "stddev_pop";
        const alias = this.slot(aggregateWhere(`${fn}(${quoteIdent(column.name)})`, where));
        return {
          evaluate: (answers) => {
            const value = read(answers, alias);
            if (value === null) throw new UnevaluableRuleError(`${rule.ruleType} of "${column.name}" is undefined: no non-null values`);
            return byCondition(value, { [`Column.${column.name}.${rule.ruleType}`]: value });
          },
        };
      }
      case "CustomSql":
        return this.customSql(rule, total, read);
    }
  }

  /**
   * IsUnique / IsPrimaryKey: the key is unique exactly when its distinct count equals the row
   * count, so `count(DISTINCT key)` decides the verdict in the shared scan. Measured on DuckDB
   * (2 M rows, 2 threads) it costs a third of a window count over the key (240 vs 711 ms).
   */
  private distinctKey(
    rule: LeafRule,
    total: string,
    read: (answers: QueryAnswers, alias: string) => number | null,
    rows: (answers: QueryAnswers) => number,
  ): LeafPlan {
    const where = rule.where;
    const columns = rule.parameters.map((name) => this.column(name));
    const key = columns.length === 1 ? quoteIdent(columns[0]!.name) : `(${columns.map((c) => quoteIdent(c.name)).join(", ")})`;
    const distinct = this.slot(where === undefined ? `count(DISTINCT ${key})` : `count(DISTINCT CASE WHEN ${where} THEN ${key} END)`);
    const primaryKey = rule.ruleType === "IsPrimaryKey";
    const complete = columns.map((c) => [c.name, this.slot(countWhere(and(where, `${quoteIdent(c.name)} IS NOT NULL`)))] as const);
    const keyName = columns.map((c) => c.name).join(",");
    return {
      sampleSql: (limit) => this.duplicatesSql(columns, where, primaryKey, limit),
      evaluate: (answers) => {
        const n = rows(answers);
        const distinctCount = read(answers, distinct) ?? 0;
        const metrics: Record<string, number> = { "Dataset.*.RowCount": read(answers, total) ?? 0, [`Column.${keyName}.DistinctValuesCount`]: distinctCount };
        let ratio = distinctCount / n;
        if (primaryKey) {
          for (const [name, alias] of complete) {
            const completeness = (read(answers, alias) ?? 0) / n;
            metrics[`Column.${name}.Completeness`] = completeness;
            ratio = Math.min(ratio, completeness);
          }
        }
        return ratio === 1 ? { result: "PASS", metrics } : { result: "FAIL", message: constraintMessage(ratio), metrics };
      },
    };
  }

  /** Duplicate keys (and, for primary keys, NULL keys) with how often each occurs. */
  private duplicatesSql(columns: readonly RelationColumn[], where: string | undefined, nullKeys: boolean, limit: number): string {
    const key = columns.map((c) => quoteIdent(c.name)).join(", ");
    const nulls = nullKeys ? columns.map((c) => ` OR ${quoteIdent(c.name)} IS NULL`).join("") : "";
    return (
      `SELECT ${key}, count(*) AS "duplicate_count" FROM ${this.relation.sql}${where ? ` WHERE ${where}` : ""} ` +
      `GROUP BY ${key} HAVING count(*) > 1${nulls} ORDER BY count(*) DESC LIMIT ${limit}`
    );
  }

  private customSql(rule: LeafRule, total: string, read: (answers: QueryAnswers, alias: string) => number | null): LeafPlan {
    const key = `custom${this.customQueries.length}`;
    const statement = replacePrimary(rule.parameters[0]!, this.relation.sql);
    const rowLevel = rule.condition === undefined;
    this.customQueries.push({ key, ruleIndex: this.ruleIndex, sql: rowLevel ? `SELECT count(*) AS "passed" FROM (${statement}) AS "custom"` : statement });
    return {
      evaluate: (answers) => {
        const answer = answers.custom.get(key);
        if (!answer) throw new UnevaluableRuleError("CustomSql query was not run");
        if ("error" in answer) throw new UnevaluableRuleError(`CustomSql failed: ${answer.error}`);
        const values = answer.rows.length === 1 ? Object.values(answer.rows[0]!) : [];
        const value = values.length === 1 ? Number(values[0]) : Number.NaN;
        if (values.length !== 1 || values[0] === null || Number.isNaN(value)) {
          throw new UnevaluableRuleError(`CustomSql must return exactly one numeric value; it returned ${answer.rows.length} row(s)`);
        }
        if (!rowLevel) {
          const metrics = { "Dataset.*.CustomSQL": value };
          return satisfies(value, rule.condition!) ? { result: "PASS", metrics } : { result: "FAIL", message: constraintMessage(value), metrics };
        }
        const rows = read(answers, total) ?? 0;
        if (rows === 0) throw new UnevaluableRuleError("The dataset has no rows");
        const compliance = value / rows;
        const metrics = { "Dataset.*.CustomSQL.Compliance": compliance };
        const ok = rule.threshold ? satisfies(compliance, rule.threshold) : compliance >= 1;
        return ok ? { result: "PASS", metrics } : { result: "FAIL", message: rowsPassedMessage(compliance), metrics };
      },
    };
  }

  /** The failing-row predicate and sample query of a row-level rule. */
  private rowLevel(where: string | undefined, pred: string): Pick<LeafPlan, "failingRow" | "sampleSql"> {
    const failing = and(where, `NOT coalesce(${pred}, false)`)!;
    return {
      failingRow: failing,
      sampleSql: (limit) => `SELECT * FROM ${this.relation.sql} WHERE ${failing} LIMIT ${limit}`,
    };
  }

  private window(expression: string): string {
    let alias = this.windows.get(expression);
    if (!alias) this.windows.set(expression, (alias = `w${this.windows.size}`));
    return alias;
  }

  private column(name: string): RelationColumn {
    const column = this.relation.columns.find((c) => c.name === name);
    if (!column) throw new UnevaluableRuleError(`Input data does not include column ${name}!`);
    return column;
  }
}

/** Runs an evaluation, turning any error into an `ERROR` outcome with its reason (never a silent pass). */
function guarded(evaluate: () => RuleOutcome): RuleOutcome {
  try {
    return evaluate();
  } catch (error) {
    return { result: "ERROR", message: error instanceof Error ? error.message : String(error), metrics: {} };
  }
}

/** Replaces DQDL's `primary` (the dataset under test) with the relation, outside string literals. */
export function replacePrimary(statement: string, relationSql: string): string {
  return statement
    .split(/('(?:[^']|'')*')/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/\bprimary\b/gi, relationSql)))
    .join("");
}
