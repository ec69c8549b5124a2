import { Option, type Command } from "commander";
import { accessSync, constants, mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { AIR_QUALITY_PARAMETERS } from "../../core/src/pipeline/air-quality";
import { DEFAULT_TICKERS } from "../../core/src/pipeline/stocks";
import type { Location } from "../../core/src/pipeline/types";
import type { RunParameters } from "../../core/src/run/run-record";
import { DATASET_SOURCES } from "../../core/src/sources/factory";
import { dayProblem } from "../../core/src/sources/day";
import { InvalidSubjectError, subjectsFor } from "../../core/src/sources/subjects";
import { locationsOrUsage } from "./context";
import { UsageError } from "./exit-codes";


/** Default lake folder: `$SLUICE_LAKE`, else `.lake` in the current directory. */
export function defaultLake(): string {
  return process.env.SLUICE_LAKE ?? ".lake";
}

/**
 * Adds `--lake` (default `$SLUICE_LAKE`, else `.lake`), checked before the command runs: a lake the
 * command writes to must be a folder it can create and write, one it only reads must not be a file.
 */
export function addLakeOption(command: Command, access: LakeAccess = "read"): Command {
  return command
    .option("--lake <dir>", "lake folder (buckets raw/, processed/, prod/, athena-results/); env SLUICE_LAKE", defaultLake())
    .hook("preAction", (self) => {
      self.setOptionValue("lake", lakeDir(self.getOptionValue("lake") as string, access));
    });
}

/** Whether a command only reads the lake or also writes to it. */
export type LakeAccess = "read" | "write";

/**
 * The lake folder as an absolute path, or a usage error saying why it cannot be one: empty (which
 * would be the working directory), a file, or (to write) a folder that cannot be created or written.
 */
export function lakeDir(text: string, access: LakeAccess): string {
  if (text.trim() === "") throw new UsageError(`--lake is empty (SLUICE_LAKE too, if set): name the lake folder, e.g. --lake .lake`);
  const dir = resolve(text);
  const problem = (error: unknown): string => {
    const code = (error as { code?: string }).code;
    if (code === "ENOTDIR" || code === "EEXIST") return "a file, or a path through a file, not a folder";
    if (code === "EROFS") return "on a read-only filesystem";
    if (code === "EACCES" || code === "EPERM") return "not writable by this user";
    return (error as Error).message;
  };
  try {
    if (!statSync(dir).isDirectory()) throw new UsageError(`--lake ${dir} is a file, not a folder`);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if ((error as { code?: string }).code !== "ENOENT") throw new UsageError(`--lake ${dir} is ${problem(error)}`);
    if (access === "read") return dir; // no lake yet: an empty one
  }
  if (access === "write") {
    try {
      mkdirSync(dir, { recursive: true });
      accessSync(dir, constants.W_OK);
    } catch (error) {
      // A recursive mkdir on a read-only filesystem says ENOENT: the nearest existing folder says why.
      throw new UsageError(`--lake ${dir} cannot be written: it is ${problem(writeProblem(dir) ?? error)}`);
    }
  }
  return dir;
}

/** Why the nearest existing folder at or above `dir` cannot be written, if it cannot. */
function writeProblem(dir: string): unknown {
  for (let at = dir; ; at = dirname(at)) {
    try {
      statSync(at);
    } catch {
      if (dirname(at) === at) return undefined;
      continue;
    }
    try {
      accessSync(at, constants.W_OK);
      return undefined;
    } catch (error) {
      return error;
    }
  }
}

/** Options shared by `ingest` and `run`. */
export function addIngestOptions(command: Command): Command {
  return command
    .addOption(new Option("--dataset <name>", "dataset of the pipeline definition").choices(Object.keys(DATASET_SOURCES)).default("weather"))
    .addOption(
      new Option("--source <name>", "where records come from: weather open-meteo|synthetic, stocks polygon|synthetic, air_quality openaq|synthetic")
        .choices([...new Set(Object.values(DATASET_SOURCES).flat())])
        .default("synthetic"),
    )
    .option("--from <YYYY-MM-DD>", "first day (UTC), inclusive")
    .option("--to <YYYY-MM-DD>", "last day (UTC), inclusive")
    .option("--locations <names>", "weather: comma-separated gazetteer cities (default Paris,London,Berlin)")
    .option("--location <name=lat,lon>", "weather: a custom location; repeat for more", collect, [] as string[])
    .option("--tickers <symbols>", `stocks: comma-separated tickers (default ${DEFAULT_TICKERS.join(",")}); env POLYGON_API_KEY for polygon`)
    .option("--stations <ids>", "air_quality: comma-separated OpenAQ location ids (names for synthetic); env OPENAQ_API_KEY for openaq")
    .option("--variables <names>", "weather: Open-Meteo hourly variables (temperature_2m always included); air_quality: parameters (default pm25,pm10,no2,o3)")
    .addOption(
      new Option("--endpoint <name>", "Open-Meteo endpoint").choices(["auto", "forecast", "historical-forecast", "archive"]).default("auto"),
    )
    .option("--base-url <url>", "Open-Meteo base URL (env OPEN_METEO_BASE_URL), for proxies and tests")
    .option("--seed <n>", "seed of the synthetic source", "42");
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Raw option values as commander gives them. */
export interface IngestOptionValues {
  dataset: string;
  source: string;
  from?: string;
  to?: string;
  locations?: string;
  location: string[];
  tickers?: string;
  stations?: string;
  variables?: string;
  endpoint: string;
  baseUrl?: string;
  seed: string;
  lake: string;
}

/** Checks the options and turns them into run parameters (locations resolved by the caller). */
export function ingestRequestOf(values: IngestOptionValues): {
  parameters: Omit<RunParameters, "locations" | "skipIngest">;
  /** What the source is asked about: cities, tickers or stations, per dataset. */
  locations: Location[];
  lake: string;
  seed: number;
} {
  if (!values.from) throw new UsageError("--from YYYY-MM-DD is required");
  if (!values.to) throw new UsageError("--to YYYY-MM-DD is required");
  for (const [flag, value] of [["--from", values.from], ["--to", values.to]] as const) {
    const { problem } = dayProblem(value);
    if (problem !== undefined) throw new UsageError(`${flag} ${problem}`);
  }
  if (values.from > values.to) throw new UsageError(`--from ${values.from} is after --to ${values.to}`);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new UsageError(`--seed must be an integer, got "${values.seed}"`);
  const sources = DATASET_SOURCES[values.dataset] ?? [];
  if (!sources.includes(values.source)) throw new UsageError(`dataset ${values.dataset} has no source "${values.source}"; its sources: ${sources.join(", ")}`);
  return {
    parameters: { dataset: values.dataset, source: values.source, from: values.from, to: values.to, variables: variablesOf(values) },
    locations: subjectsOf(values),
    lake: resolve(values.lake),
    seed,
  };
}

function variablesOf(values: IngestOptionValues): string[] {
  if (values.variables !== undefined) return splitList(values.variables);
  if (values.dataset === "air_quality") return [...AIR_QUALITY_PARAMETERS];
  return values.dataset === "weather" ? ["temperature_2m"] : [];
}

/** Cities for weather, tickers for stocks, stations for air quality (as the source's `Location`s). */
function subjectsOf(values: IngestOptionValues): Location[] {
  const flags: Record<string, string> = { cities: "--locations", custom: "--location", tickers: "--tickers", stations: "--stations" };
  try {
    return locationsOrUsage(() =>
      subjectsFor(values.dataset, values.source, {
        cities: values.locations !== undefined ? splitList(values.locations) : undefined,
        custom: values.location,
        tickers: values.tickers !== undefined ? splitList(values.tickers) : undefined,
        stations: values.stations !== undefined ? splitList(values.stations) : undefined,
      }),
    );
  } catch (error) {
    if (error instanceof InvalidSubjectError) throw new UsageError(`${flags[error.field] ?? error.field} ${error.reason}`);
    throw error;
  }
}

function splitList(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
