import { Option, type Command } from "commander";
import { accessSync, constants, mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { configuredSubjectNames, defaultVariablesOf } from "../../core/src/config/project";
import { datasetModule } from "../../core/src/datasets/registry";
import { namedSubjects, subjectRequestOf } from "../../core/src/datasets/subject-rules";
import { DEFAULT_TICKERS } from "../../core/src/pipeline/stocks";
import type { DatasetDefinition, Location } from "../../core/src/pipeline/types";
import type { RunParameters } from "../../core/src/run/run-record";
import { sourcesOf } from "../../core/src/sources/factory";
import { dayProblem } from "../../core/src/sources/day";
import { InvalidSubjectError, subjectsFor, type SubjectRequest } from "../../core/src/sources/subjects";
import { locationsOrUsage } from "./context";
import { UsageError } from "./exit-codes";
import { project, projectDataset } from "./project";


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
    .option("--config <file>", "project config (sluice.config.ts, .mjs or .json): datasets, subjects, rules; env SLUICE_CONFIG, else sluice.config.* in the working directory")
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

/** Options shared by `ingest` and `run`; the datasets and sources are the project's (its config's). */
export function addIngestOptions(command: Command): Command {
  const datasets = Object.values(project().pipeline.datasets);
  const own = datasets.filter((d) => d.rest).map((d) => d.name);
  return command
    .addOption(new Option("--dataset <name>", "dataset of the pipeline (the built-in ones and the config's)").choices(datasets.map((d) => d.name)).default(datasets.some((d) => d.name === "weather") ? "weather" : datasets[0]?.name))
    .addOption(
      new Option(
        "--source <name>",
        `where records come from: weather open-meteo|synthetic, stocks polygon|synthetic, air_quality openaq|synthetic${own.length ? `, ${own.join("|")} rest` : ""} (default synthetic, rest for a config's REST dataset)`,
      ).choices([...new Set(datasets.flatMap((d) => sourcesOf(d)))]),
    )
    .option("--from <YYYY-MM-DD>", "first day (UTC), inclusive")
    .option("--to <YYYY-MM-DD>", "last day (UTC), inclusive")
    .option("--subjects <names>", "comma-separated subjects of any dataset: cities (weather), tickers (stocks), station ids (air_quality), a REST dataset's {subject} values; default: the config's subjects, else the dataset's")
    .option("--locations <names>", "weather: comma-separated gazetteer cities (default Paris,London,Berlin)")
    .option("--location <name=lat,lon>", "weather: a custom location; repeat for more", collect, [] as string[])
    .option("--tickers <symbols>", `stocks: comma-separated tickers (default ${DEFAULT_TICKERS.join(",")}); env POLYGON_API_KEY for polygon`)
    .option("--stations <ids>", "air_quality: comma-separated OpenAQ location ids (names for synthetic); env OPENAQ_API_KEY for openaq")
    .option("--variables <names>", "weather: Open-Meteo hourly variables (temperature_2m always included); air_quality: parameters (default pm25,pm10,no2,o3); default: the config's variables")
    .addOption(
      new Option("--endpoint <name>", "Open-Meteo endpoint").choices(["auto", "forecast", "historical-forecast", "archive"]).default("auto"),
    )
    .option("--base-url <url>", "the source's base URL (Open-Meteo: env OPEN_METEO_BASE_URL; a REST dataset: replaces client.base_url), for proxies and tests")
    .option("--seed <n>", "seed of the synthetic source", "42");
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Raw option values as commander gives them. */
export interface IngestOptionValues {
  dataset: string;
  source?: string;
  from?: string;
  to?: string;
  subjects?: string;
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
  dataset: DatasetDefinition;
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
  const dataset = projectDataset(values.dataset);
  const sources = sourcesOf(dataset);
  const source = values.source ?? (sources.includes("synthetic") ? "synthetic" : sources[0]!);
  if (!sources.includes(source)) throw new UsageError(`dataset ${dataset.name} has no source "${source}"; its sources: ${sources.join(", ")}`);
  return {
    parameters: { dataset: dataset.name, source, from: values.from, to: values.to, variables: variablesOf(values, dataset) },
    locations: subjectsOf(values, dataset, source),
    lake: resolve(values.lake),
    seed,
    dataset,
  };
}

function variablesOf(values: IngestOptionValues, dataset: DatasetDefinition): string[] {
  return values.variables !== undefined ? splitList(values.variables) : defaultVariablesOf(dataset);
}

/** The flag of each subject field, for messages. */
const SUBJECT_FLAGS: Record<string, string> = { cities: "--locations", custom: "--location", tickers: "--tickers", stations: "--stations", subjects: "--subjects" };

/**
 * What the source is asked about: `--subjects` (any dataset) or the dataset's own flags, else the
 * config's subjects, else the dataset's defaults. A REST dataset's subjects are plain names.
 */
function subjectsOf(values: IngestOptionValues, dataset: DatasetDefinition, source: string): Location[] {
  const generic = values.subjects !== undefined ? splitList(values.subjects) : undefined;
  const own = { cities: values.locations, tickers: values.tickers, stations: values.stations };
  const named = Object.entries(own).filter(([, value]) => value !== undefined).map(([field]) => SUBJECT_FLAGS[field]!);
  if (values.location.length > 0) named.push("--location");
  if (generic && named.length > 0) throw new UsageError(`--subjects and ${named.join(", ")} name the same thing: give one of them`);
  try {
    if (dataset.rest || dataset.files) {
      if (named.length > 0) throw new UsageError(`${named.join(", ")} do(es) not apply to dataset ${dataset.name}: give its subjects with --subjects`);
      const names = generic ?? configuredSubjectNames(dataset);
      // A files dataset without named subjects takes every subject its files hold (subjectsOfFiles).
      if ((!names || names.length === 0) && dataset.files) return [];
      if (!names || names.length === 0) throw new UsageError(`dataset ${dataset.name} has no subjects: give --subjects, or set datasets.${dataset.name}.subjects in the config`);
      return namedSubjects("subjects", names);
    }
    // --subjects, else the dataset's own flags, else the config's subjects (else subjectsFor's defaults).
    const configured = configuredSubjectNames(dataset);
    const base: SubjectRequest = generic ? subjectFieldOf(dataset.name, generic) : named.length > 0 || !configured ? {} : subjectFieldOf(dataset.name, configured);
    return locationsOrUsage(() =>
      subjectsFor(dataset.name, source, {
        ...base,
        ...(values.locations !== undefined ? { cities: splitList(values.locations) } : {}),
        ...(values.location.length > 0 ? { custom: values.location } : {}),
        ...(values.tickers !== undefined ? { tickers: splitList(values.tickers) } : {}),
        ...(values.stations !== undefined ? { stations: splitList(values.stations) } : {}),
      }),
    );
  } catch (error) {
    if (error instanceof InvalidSubjectError) throw new UsageError(`${(generic ? "--subjects" : SUBJECT_FLAGS[error.field]) ?? error.field} ${error.reason}`);
    throw error;
  }
}

/** Names as the built-in dataset's own subject field. */
function subjectFieldOf(dataset: string, names: readonly string[]): SubjectRequest {
  const field = datasetModule(dataset)?.subjects.field;
  if (!field) throw new UsageError(`dataset ${dataset} has no subject field`);
  return subjectRequestOf(field, names);
}

function splitList(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
