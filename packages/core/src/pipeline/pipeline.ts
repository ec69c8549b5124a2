import type { DatasetDefinition, PipelineDefinition } from "./types";
import { airQualityDataset } from "./air-quality";
import { stocksDataset } from "./stocks";
import { weatherDataset } from "./weather";

/** The one pipeline definition: the stacks, the local twin and the docs all read this. */
export const pipeline: PipelineDefinition = {
  app: "sluice",
  glueDatabase: "sluice",
  buckets: { raw: "raw", processed: "processed", prod: "prod", athenaResults: "athena-results" },
  datasets: { weather: weatherDataset, stocks: stocksDataset, air_quality: airQualityDataset },
};

/** A dataset by name, or an error that lists the known ones. */
export function datasetOf(name: string, definition: PipelineDefinition = pipeline): DatasetDefinition {
  const dataset = definition.datasets[name];
  if (!dataset) {
    throw new Error(`unknown dataset "${name}"; known: ${Object.keys(definition.datasets).join(", ")}`);
  }
  return dataset;
}
