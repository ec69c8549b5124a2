import { datasetSecretNames } from "../packages/core/src/config/project";
import type { PipelineDefinition } from "../packages/core/src/pipeline/types";

/**
 * The secrets (SST `Config.Secret` names) each dataset's real source needs: the built-in API keys
 * (runtime/aws.ts's SST_BINDINGS names; the infra tests check they agree) and a config dataset's
 * REST auth secret. A dataset not listed needs none.
 */
export function datasetSecrets(pipeline: PipelineDefinition): Readonly<Record<string, readonly string[]>> {
  return Object.fromEntries(Object.values(pipeline.datasets).map((dataset) => [dataset.name, datasetSecretNames(dataset)]));
}

/** Every source secret of the pipeline, once. */
export function sourceSecretNames(pipeline: PipelineDefinition): string[] {
  return [...new Set(Object.values(datasetSecrets(pipeline)).flat())];
}
