import { DATASET_MODULES } from "../datasets/registry";
import type { DatasetDefinition, PipelineDefinition } from "./types";

/** The one pipeline definition: the stacks, the local twin and the docs all read this. */
export const pipeline: PipelineDefinition = {
  app: "sluice",
  glueDatabase: "sluice",
  buckets: { raw: "raw", processed: "processed", prod: "prod", athenaResults: "athena-results" },
  // The built-in datasets, from their modules (datasets/registry.ts).
  datasets: Object.fromEntries(DATASET_MODULES.map((m) => [m.definition.name, m.definition])),
};

/** A dataset by name, or an error that lists the known ones. */
export function datasetOf(name: string, definition: PipelineDefinition = pipeline): DatasetDefinition {
  const dataset = definition.datasets[name];
  if (!dataset) {
    throw new Error(`unknown dataset "${name}"; known: ${Object.keys(definition.datasets).join(", ")}`);
  }
  return dataset;
}
