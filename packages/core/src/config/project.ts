import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { datasetModule } from "../datasets/registry";
import { pipeline as builtIn } from "../pipeline/pipeline";
import type { DatasetDefinition, Location, PipelineDefinition } from "../pipeline/types";
import type { SluiceConfig } from "./config";
import { ConfigError, parseConfig } from "./load";
import { BUILT_IN_DATASETS, pipelineFromConfig } from "./pipeline-from-config";

/** The checked config and the pipeline it describes (the built-in pipeline without a config). */
export interface Project {
  readonly pipeline: PipelineDefinition;
  readonly config?: SluiceConfig;
}

/** The name under which the stacks bundle the checked config into every function (beside its handler). */
export const BUNDLED_CONFIG_FILE = "sluice.config.json";

/** A config already read (a module's default export, parsed JSON): checked, and its pipeline built. Throws ConfigError naming each bad field. */
export function projectOf(input: unknown, file: string): Project {
  const config = parseConfig(input, BUILT_IN_DATASETS, file);
  return { config, pipeline: pipelineFromConfig(config) };
}

/** A JSON config file, checked: a file that cannot be read or parsed is a ConfigError naming it. */
export function projectOfJsonFile(path: string): Project {
  let input: unknown;
  try {
    input = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ConfigError(path, [{ path: "(file)", message: `cannot be read: ${error instanceof Error ? error.message : String(error)}` }]);
  }
  return projectOf(input, path);
}

let bundled: Project | undefined;

/**
 * In a Lambda: the project the stacks bundled (`SLUICE_CONFIG` names a JSON file, relative to
 * `LAMBDA_TASK_ROOT`); without it, the built-in pipeline. Read once per container.
 */
export function bundledProject(env: NodeJS.ProcessEnv = process.env): Project {
  if (bundled) return bundled;
  const named = env.SLUICE_CONFIG;
  if (!named) return (bundled = { pipeline: builtIn });
  const path = isAbsolute(named) ? named : join(env.LAMBDA_TASK_ROOT ?? process.cwd(), named);
  bundled = projectOfJsonFile(path);
  return bundled;
}

/** Forgets the bundled project (tests that change SLUICE_CONFIG). */
export function resetBundledProject(): void {
  bundled = undefined;
}

/** The subjects a scheduled producer asks for when its event names none: the config's, else the built-in module's scheduled defaults (weather's three cities, the seeds' tickers); undefined: none (OpenAQ stations, a config dataset without subjects). */
export function scheduledSubjectsOf(dataset: Pick<DatasetDefinition, "name" | "rest" | "files" | "defaults">): readonly (string | Location)[] | undefined {
  if (dataset.defaults?.subjects && dataset.defaults.subjects.length > 0) return dataset.defaults.subjects;
  if (dataset.rest || dataset.files) return undefined;
  return datasetModule(dataset.name)?.subjects.scheduledDefaults;
}

/** The project config's subjects of a dataset as names (a place with coordinates as `Name=lat,lon`); undefined when it sets none. */
export function configuredSubjectNames(dataset: Pick<DatasetDefinition, "defaults">): string[] | undefined {
  const subjects = dataset.defaults?.subjects;
  if (!subjects || subjects.length === 0) return undefined;
  return subjects.map((s) => (typeof s === "string" ? s : `${s.name}=${s.latitude},${s.longitude}`));
}

/** The secrets (SST `Config.Secret` names) a dataset's real source needs: a built-in module's API keys, a REST source's auth secret. */
export function datasetSecretNames(dataset: DatasetDefinition): string[] {
  if (dataset.rest) return dataset.rest.config.client.auth ? [dataset.rest.config.client.auth.secret] : [];
  if (dataset.files) return [];
  return [...(datasetModule(dataset.name)?.secrets ?? [])];
}

/** The variables a run asks for when it names none: the config's, else the built-in module's defaults (weather temperature_2m, the four air-quality parameters, none). */
export function defaultVariablesOf(dataset: Pick<DatasetDefinition, "name" | "rest" | "files" | "defaults">): string[] {
  if (dataset.defaults?.variables) return [...dataset.defaults.variables];
  if (dataset.rest || dataset.files) return [];
  return [...(datasetModule(dataset.name)?.variables.defaults ?? [])];
}
