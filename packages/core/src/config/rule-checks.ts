import type { Rule } from "../dq/ast";
import { parseRule } from "../dq/parser";
import type { DatasetDefinition } from "../pipeline/types";
import { parquetBaseColumns } from "../transform/athena-sql";
import { RULE_PLACEHOLDERS, withFacts } from "./config";
import type { ConfigIssue } from "./load";

/**
 * The issues of a dataset's config `rules` that name a column its DQ gate does not see (the
 * Parquet table's columns and partitions): such a rule parses, but every run's gate would report
 * it as an error. CustomSql and `where` text are SQL and are not read here.
 */
export function ruleColumnIssues(dataset: DatasetDefinition, rules: readonly string[] | undefined): ConfigIssue[] {
  const columns = [...parquetBaseColumns(dataset), ...dataset.transform.partitionBy];
  return (rules ?? []).flatMap((text, index) => {
    const unknown = columnsOf(parseRule(withFacts(text, { ...RULE_PLACEHOLDERS, subjectCount: 1 }))).filter((c) => !columns.includes(c));
    return unknown.map((c) => ({ path: `datasets.${dataset.name}.rules[${index}]`, message: `"${c}" is not a column of dataset ${dataset.name}'s table (${columns.join(", ")})` }));
  });
}

function columnsOf(rule: Rule): string[] {
  if (rule.kind === "composite") return rule.rules.flatMap(columnsOf);
  return rule.ruleType === "CustomSql" || rule.ruleType === "RowCount" ? [] : [...rule.parameters];
}
