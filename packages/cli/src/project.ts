import { statSync } from "node:fs";
import { ConfigError, configPath, loadConfig } from "../../core/src/config/load";
import { BUILT_IN_DATASETS, pipelineFromConfig } from "../../core/src/config/pipeline-from-config";
import type { SluiceConfig } from "../../core/src/config/config";
import { pipeline as builtIn } from "../../core/src/pipeline/pipeline";
import type { DatasetDefinition, PipelineDefinition } from "../../core/src/pipeline/types";
import { UsageError } from "./exit-codes";

/** The project a command works on: the pipeline the config describes (the built-in one without a config). */
export interface Project {
  readonly pipeline: PipelineDefinition;
  /** Undefined: no config file was found or named. */
  readonly config?: SluiceConfig;
}

let current: Project = { pipeline: builtIn };
const loaded = new Map<string, { stamp: number; project: Project }>();

/** The project loaded for this command (`loadProject`), else the built-in pipeline. */
export function project(): Project {
  return current;
}

/** `--config PATH` / `--config=PATH` in argv, before commander parses it (the options depend on the config). */
export function configArgument(argv: readonly string[]): string | undefined {
  for (const [index, arg] of argv.entries()) {
    if (arg === "--") return undefined;
    if (arg === "--config") {
      const value = argv[index + 1];
      if (value === undefined || value.startsWith("-")) throw new UsageError("--config needs a file: --config sluice.config.ts (or .mjs, .json)");
      return value;
    }
    if (arg.startsWith("--config=")) return arg.slice("--config=".length);
  }
  return undefined;
}

/**
 * Reads the project config the command names (`--config`, else `$SLUICE_CONFIG`, else
 * `sluice.config.*` in the working directory) and makes its pipeline the commands' pipeline. A
 * config with a bad field is a usage error naming every bad field, before anything runs.
 */
export async function loadProject(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<Project> {
  const path = configPath(configArgument(argv), env, cwd);
  if (path === undefined) return (current = { pipeline: builtIn });
  // One process may run many commands (tests, `serve`): an unchanged file is not read again.
  const stamp = statSync(path, { throwIfNoEntry: false })?.mtimeMs;
  const known = loaded.get(path);
  if (known && stamp !== undefined && known.stamp === stamp) return (current = known.project);
  try {
    const config = await loadConfig(path, BUILT_IN_DATASETS);
    current = { pipeline: pipelineFromConfig(config), config };
    if (stamp !== undefined) loaded.set(path, { stamp, project: current });
    return current;
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`bad config ${error.message}`);
    throw error;
  }
}

/** The dataset `name` of the project, or a usage error listing the ones it has. */
export function projectDataset(name: string): DatasetDefinition {
  const { pipeline, config } = project();
  const dataset = pipeline.datasets[name];
  if (dataset) return dataset;
  const disabled = config?.datasets[name]?.enabled === false ? ` (it is disabled in ${config.path})` : "";
  throw new UsageError(`unknown dataset "${name}"${disabled}; the datasets: ${Object.keys(pipeline.datasets).join(", ")}`);
}
