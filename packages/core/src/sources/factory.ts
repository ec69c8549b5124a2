import { datasetModule, DATASET_MODULES } from "../datasets/registry";
import type { Clock } from "../lake/clock";
import type { OpenMeteoEndpointChoice } from "./open-meteo/index";
import type { ObjectStore } from "../lake/object-store";
import { FilesSource } from "./files/files-source";
import type { Logger } from "../log/logger";
import type { DatasetDefinition } from "../pipeline/types";
import { envSecrets, type SecretResolver } from "./rest/secrets";
import { RestSource } from "./rest/rest-source";
import type { Source } from "./source";
import { SourceError } from "./source";

/** The sources each built-in dataset can be fed from (its module's); `synthetic` works offline for all of them. */
export const DATASET_SOURCES: Readonly<Record<string, readonly string[]>> = Object.fromEntries(DATASET_MODULES.map((m) => [m.definition.name, Object.keys(m.sources)]));

/** Settings any source may use; API keys come from the composition root (env or SST secrets). */
export interface SourceSettings {
  readonly endpoint?: OpenMeteoEndpointChoice;
  readonly baseUrl?: string;
  readonly seed?: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly polygonApiKey?: string;
  readonly openAqApiKey?: string;
  /** Looks up the secrets a REST dataset's auth names (environment variables by default; SST secrets on AWS). */
  readonly secrets?: SecretResolver;
  /** Reads a files dataset's `s3://` paths (the AWS runtime's store). */
  readonly objectStore?: ObjectStore;
}

/** The sources a dataset can be fed from: a config-defined dataset has its REST source only. */
export function sourcesOf(dataset: Pick<DatasetDefinition, "name" | "rest" | "files">): readonly string[] {
  return dataset.rest ? ["rest"] : dataset.files ? ["files"] : (DATASET_SOURCES[dataset.name] ?? []);
}

/** Builds the source `name` of `dataset` (the CLI, the API and the Lambdas share this); an unknown pair says what exists. */
export function sourceFor(definition: string | DatasetDefinition, name: string, settings: SourceSettings = {}): Source<object> {
  if (typeof definition !== "string" && definition.rest) {
    if (name !== "rest") throw new SourceError(`dataset ${definition.name} has no source "${name}"; its sources: rest`);
    return new RestSource({
      config: definition.rest.config,
      schema: definition.recordSchema,
      secrets: settings.secrets ?? envSecrets(),
      name: "rest",
      dataset: definition.name,
      ...(settings.baseUrl ? { baseUrl: settings.baseUrl } : {}),
      ...(settings.clock ? { clock: settings.clock } : {}),
      ...(settings.logger ? { logger: settings.logger } : {}),
    }) as Source<object>;
  }
  if (typeof definition !== "string" && definition.files) {
    if (name !== "files") throw new SourceError(`dataset ${definition.name} has no source "${name}"; its sources: files`);
    return new FilesSource({
      config: definition.files.config,
      schema: definition.recordSchema,
      ...(definition.files.baseDir ? { baseDir: definition.files.baseDir } : {}),
      ...(settings.objectStore ? { objectStore: settings.objectStore } : {}),
      ...(settings.clock ? { clock: settings.clock } : {}),
    }) as Source<object>;
  }
  const dataset = typeof definition === "string" ? definition : definition.name;
  const module = datasetModule(dataset);
  if (!module) throw new SourceError(`unknown dataset "${dataset}"; known: ${Object.keys(DATASET_SOURCES).join(", ")}`);
  const build = module.sources[name];
  if (!build) throw new SourceError(`dataset ${dataset} has no source "${name}"; its sources: ${Object.keys(module.sources).join(", ")}`);
  return build(settings);
}
