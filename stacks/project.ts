import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import rootConfig from "../sluice.config";
import { ConfigError } from "../packages/core/src/config/load";
import { BUNDLED_CONFIG_FILE, projectOf, projectOfJsonFile, type Project } from "../packages/core/src/config/project";

export { BUNDLED_CONFIG_FILE } from "../packages/core/src/config/project";

const memo = new Map<string, Project>();

/**
 * The project the stacks deploy: `$SLUICE_CONFIG` (a `.json` file) when set, else the repository's
 * `sluice.config.ts`. A bad field stops synthesis with its path named (ConfigError).
 */
export function stackProject(env: NodeJS.ProcessEnv = process.env): Project {
  const named = env.SLUICE_CONFIG;
  const key = named ?? "sluice.config.ts";
  const known = memo.get(key);
  if (known) return known;
  let project: Project;
  if (named) {
    const path = resolve(named);
    if (extname(path) !== ".json") throw new ConfigError(path, [{ path: "(file)", message: "a deploy reads SLUICE_CONFIG as .json (or edit sluice.config.ts)" }]);
    project = projectOfJsonFile(path);
  } else project = projectOf(rootConfig, "sluice.config.ts");
  memo.set(key, project);
  return project;
}

/**
 * The checked config as JSON under `.sst/`, named by its content (two syntheses of different
 * configs do not overwrite each other's): every function bundles it as {@link BUNDLED_CONFIG_FILE}
 * and reads it through `SLUICE_CONFIG` (core/config/project.ts `bundledProject`). Relative to the
 * project root, as SST's `copyFiles` wants.
 */
export function bundledConfigFile(project: Project = stackProject()): string {
  const { path: _path, ...config } = project.config ?? { datasets: {} };
  const text = JSON.stringify(config, null, 2) + "\n";
  const file = join(".sst", `sluice-config-${createHash("sha256").update(text).digest("hex").slice(0, 12)}.json`);
  mkdirSync(".sst", { recursive: true });
  writeFileSync(file, text);
  return file;
}

export const FUNCTION_CONFIG_ENV = { SLUICE_CONFIG: BUNDLED_CONFIG_FILE } as const;
