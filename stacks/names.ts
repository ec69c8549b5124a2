import type { App } from "sst/constructs";
import { analyticsViewsOf } from "../packages/core/src/analytics";
import type { DatasetDefinition } from "../packages/core/src/pipeline/types";

/**
 * A Glue/Athena-safe per-stage name (lowercase letters, digits, `_`): `<stage>_<name>`. Athena
 * needs quoting for `-` in database names, so stages like `pr-12` become `pr_12_sluice`.
 */
export function glueName(app: App, name: string): string {
  return `${app.stage}_${name}`.toLowerCase().replace(/[^a-z0-9_]/g, "_");
}

/**
 * Every Glue table or view a dataset's run creates and reads: the five tables (the stage holds a run's new raw objects), the production
 * version tables (a wildcard: one per publish) and the analytics views over production.
 */
export function datasetGlueTables(dataset: DatasetDefinition): string[] {
  const { raw, clean, parquet, prod, stage } = dataset.tables;
  return [raw, clean, parquet, prod, stage, `${prod}_v*`, ...analyticsViewsOf(dataset.name).map((v) => v.name)];
}
