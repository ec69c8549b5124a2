import { airQuality } from "./air_quality/index";
import type { DatasetModule } from "./module";
import { stocks } from "./stocks/index";
import { weather } from "./weather/index";

/** The built-in datasets, in the pipeline's order: a new one is a folder under datasets/ and a line here. */
export const DATASET_MODULES: readonly DatasetModule[] = [weather, stocks, airQuality];

/** The module of a built-in dataset, if `name` is one. */
export function datasetModule(name: string): DatasetModule | undefined {
  return DATASET_MODULES.find((m) => m.definition.name === name);
}
