import { Option, type Command } from "commander";
import { resolve } from "node:path";
import type { RunParameters } from "../../core/src/run/run-record";
import { UsageError } from "./exit-codes";

/** Default lake folder: `$SLUICE_LAKE`, else `.lake` in the current directory. */
export function defaultLake(): string {
  return process.env.SLUICE_LAKE ?? ".lake";
}

export function addLakeOption(command: Command): Command {
  return command.option("--lake <dir>", "lake folder (buckets raw/, processed/, prod/, athena-results/); env SLUICE_LAKE", defaultLake());
}

/** Options shared by `ingest` and `run`. */
export function addIngestOptions(command: Command): Command {
  return command
    .addOption(new Option("--dataset <name>", "dataset of the pipeline definition").default("weather"))
    .addOption(new Option("--source <name>", "where records come from").choices(["open-meteo", "synthetic"]).default("synthetic"))
    .option("--from <YYYY-MM-DD>", "first day (UTC), inclusive")
    .option("--to <YYYY-MM-DD>", "last day (UTC), inclusive")
    .option("--locations <names>", "comma-separated gazetteer cities (default Paris,London,Berlin)")
    .option("--location <name=lat,lon>", "a custom location; repeat for more", collect, [] as string[])
    .option("--variables <names>", "comma-separated Open-Meteo hourly variables (temperature_2m is always included)", "temperature_2m")
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
  variables: string;
  endpoint: string;
  baseUrl?: string;
  seed: string;
  lake: string;
}

/** Checks the options and turns them into run parameters (locations resolved by the caller). */
export function ingestRequestOf(values: IngestOptionValues): {
  parameters: Omit<RunParameters, "locations" | "skipIngest">;
  locationNames: string[];
  customLocations: string[];
  lake: string;
  seed: number;
} {
  if (!values.from) throw new UsageError("--from YYYY-MM-DD is required");
  if (!values.to) throw new UsageError("--to YYYY-MM-DD is required");
  for (const [flag, value] of [["--from", values.from], ["--to", values.to]] as const) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
      throw new UsageError(`${flag} must be a calendar date YYYY-MM-DD, got "${value}"`);
    }
  }
  if (values.from > values.to) throw new UsageError(`--from ${values.from} is after --to ${values.to}`);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new UsageError(`--seed must be an integer, got "${values.seed}"`);
  const names = values.locations !== undefined ? splitList(values.locations) : values.location.length > 0 ? [] : ["Paris", "London", "Berlin"];
  const variables = splitList(values.variables);
  return {
    parameters: { dataset: values.dataset, source: values.source, from: values.from, to: values.to, variables },
    locationNames: names,
    customLocations: values.location,
    lake: resolve(values.lake),
    seed,
  };
}

function splitList(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
