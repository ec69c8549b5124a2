import type { App } from "sst/constructs";
import { stackProject } from "./project";

/**
 * What a stage keeps when it is removed. Production stages hold the lake for good: their buckets
 * and logs are retained by `sst remove`. Any other stage (a personal `sst dev` stage, a CI stage) is
 * disposable: `sst remove` empties and deletes its buckets, so it leaves nothing behind. The
 * config's `productionStages` names them; these are the default.
 */
export const PRODUCTION_STAGES: readonly string[] = ["prod", "production"];

/** The production stages of the project the stacks deploy. */
export function productionStages(): readonly string[] {
  return stackProject().config?.productionStages ?? PRODUCTION_STAGES;
}

export function isProductionStage(stage: string): boolean {
  return productionStages().includes(stage);
}

/** The stage's removal policy for everything the stacks create (buckets read it through `retainsData`). */
export function applyStagePolicy(app: App): void {
  if (!isProductionStage(app.stage)) app.setDefaultRemovalPolicy("destroy");
}

/** Whether this stage's buckets outlive `sst remove`. */
export function retainsData(app: App): boolean {
  return isProductionStage(app.stage);
}
