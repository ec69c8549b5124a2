import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { ZodType } from "zod";
import { pathText } from "../sources/http/describe-zod";
import { builtInEntrySchema, filesEntrySchema, restEntrySchema, sluiceConfigSchema, type SluiceConfig } from "./config";
import { pipelineFromConfig } from "./pipeline-from-config";
import { ruleColumnIssues } from "./rule-checks";
import { builtInSubjectIssues, builtInVariableIssues, ownEntryIssues, scheduleIssues } from "./subject-checks";

/** One problem of the config: the path of the bad field and what is wrong with it. */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
}

/** A config that cannot be used, every issue naming its field; raised before anything runs. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    readonly file: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(`${file}: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ")}`);
  }
}

/** The files looked for in the working directory when no `--config` or `SLUICE_CONFIG` names one. */
export const DEFAULT_CONFIG_FILES = ["sluice.config.ts", "sluice.config.mjs", "sluice.config.js", "sluice.config.json"] as const;

/** Checks a config object: the built-in datasets take only the common settings, the others are REST datasets. */
export function parseConfig(input: unknown, builtIns: readonly string[], file = "config"): SluiceConfig {
  const issues: ConfigIssue[] = [];
  const check = <T>(schema: ZodType<T>, value: unknown, at: (string | number)[]): T | undefined => {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    for (const issue of result.error.issues) issues.push({ path: pathText([...at, ...issue.path]), message: issue.message });
    return undefined;
  };
  const top = check(sluiceConfigSchema, input, []);
  const datasets: Record<string, SluiceConfig["datasets"][string]> = {};
  // The datasets are checked even when something else at the top is wrong: every issue at once.
  const entries = top?.datasets ?? (isRecord(input) && isRecord(input.datasets) ? input.datasets : {});
  for (const [name, entry] of Object.entries(entries)) {
    const builtIn = builtIns.includes(name);
    if (!builtIn && (typeof entry !== "object" || entry === null || !("source" in entry))) {
      issues.push({ path: `datasets.${name}`, message: `is not a built-in dataset (${builtIns.join(", ")}): a dataset of your own needs source (type "rest" or "files"), schema, key and time` });
      continue;
    }
    const files = !builtIn && isRecord((entry as { source?: unknown }).source) && ((entry as { source: Record<string, unknown> }).source.type === "files");
    const parsed = check(builtIn ? builtInEntrySchema : files ? filesEntrySchema : restEntrySchema, entry, ["datasets", name]);
    if (parsed?.ingestMode !== undefined && parsed.ingestMode !== "hourly" && name !== "weather") {
      issues.push({ path: `datasets.${name}.ingestMode`, message: `"${parsed.ingestMode}" is an Open-Meteo mode (dataset weather only); ${name} collects "hourly"` });
    }
    if (parsed && builtIn) issues.push(...builtInSubjectIssues(name, parsed.subjects), ...builtInVariableIssues(name, parsed.variables));
    if (parsed && !builtIn) issues.push(...ownEntryIssues(name, parsed));
    if (parsed) issues.push(...scheduleIssues(name, parsed));
    if (parsed) datasets[name] = parsed;
  }
  // A rule's columns are checked against the dataset as the config builds it (its own schema too).
  if (issues.length === 0) {
    const built = pipelineFromConfig({ datasets });
    for (const [name, entry] of Object.entries(datasets)) if (built.datasets[name]) issues.push(...ruleColumnIssues(built.datasets[name], entry.rules));
  }
  if (issues.length > 0) throw new ConfigError(file, issues);
  return {
    ...(top?.productionStages ? { productionStages: top.productionStages } : {}),
    ...(top?.logRetentionDays !== undefined ? { logRetentionDays: top.logRetentionDays } : {}),
    datasets,
    path: file,
  };
}

/** Where the config comes from: `--config PATH`, else `$SLUICE_CONFIG`, else `sluice.config.*` in `cwd`; undefined: none. */
export function configPath(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string | undefined {
  const named = explicit ?? (env.SLUICE_CONFIG || undefined);
  if (named !== undefined) return resolve(cwd, named);
  const found = DEFAULT_CONFIG_FILES.map((name) => resolve(cwd, name)).find((path) => existsSync(path));
  return found;
}

/**
 * Reads and checks the config at `path` (JSON, or a module whose default export is the config:
 * `.ts` through tsx, `.mjs`/`.js` as they are); no path: the defaults (an empty config).
 */
export async function loadConfig(path: string | undefined, builtIns: readonly string[]): Promise<SluiceConfig> {
  if (path === undefined) return { datasets: {} };
  if (!existsSync(path)) throw new ConfigError(path, [{ path: "(file)", message: "does not exist" }]);
  const ext = extname(path);
  let input: unknown;
  try {
    if (ext === ".json") input = JSON.parse(await readFile(path, "utf8"));
    else if (ext === ".ts" || ext === ".mts") {
      const { tsImport } = await import("tsx/esm/api");
      input = esModuleDefault(((await tsImport(pathToFileURL(path).href, import.meta.url)) as { default?: unknown }).default);
    } else if (ext === ".mjs" || ext === ".js") input = ((await import(pathToFileURL(path).href)) as { default?: unknown }).default;
    else throw new ConfigError(path, [{ path: "(file)", message: "a config is .ts, .mjs, .js or .json" }]);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(path, [{ path: "(file)", message: `cannot be read: ${error instanceof Error ? error.message : String(error)}` }]);
  }
  if (input === undefined) throw new ConfigError(path, [{ path: "(file)", message: "has no default export (export default defineConfig({ … }))" }]);
  return parseConfig(input, builtIns, path);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A `.ts` config outside an ESM package is loaded as CommonJS, where `export default` arrives as
 * `{ default: … }` (plus `__esModule`): the config is the inner value.
 */
function esModuleDefault(value: unknown): unknown {
  if (isRecord(value) && "default" in value && Object.keys(value).every((key) => key === "default" || key === "__esModule")) return value.default;
  return value;
}
