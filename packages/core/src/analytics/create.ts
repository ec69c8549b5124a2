import type { DatasetDefinition } from "../pipeline/types";
import type { Warehouse } from "../query/warehouse";
import { DATASET_MODULES } from "../datasets/registry";
import { createViewSql, type AnalyticsView } from "./view";

/** Every analytics view, by dataset name (each built-in module's `views`). */
export const ANALYTICS_VIEWS: Readonly<Record<string, readonly AnalyticsView[]>> = Object.fromEntries(DATASET_MODULES.map((m) => [m.definition.name, m.views]));

/** The analytics views of a dataset (none for a dataset without any). */
export function analyticsViewsOf(dataset: string): readonly AnalyticsView[] {
  return ANALYTICS_VIEWS[dataset] ?? [];
}

/**
 * Creates (or replaces) the dataset's analytics views through the Warehouse port, one
 * `CREATE OR REPLACE VIEW` each: the same Athena SQL on Athena and on the twin. The views read
 * the production view by name, so they follow each publish and rollback without being recreated.
 * Returns the names created, in order.
 */
export async function createAnalyticsViews(warehouse: Warehouse, dataset: DatasetDefinition): Promise<string[]> {
  const created: string[] = [];
  for (const view of analyticsViewsOf(dataset.name)) {
    await warehouse.execute(createViewSql(view, dataset.tables));
    created.push(view.name);
  }
  return created;
}
