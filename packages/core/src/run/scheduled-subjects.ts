import { AIR_QUALITY_PARAMETERS } from "../pipeline/air-quality";
import { DEFAULT_TICKERS } from "../pipeline/stocks";
import type { DatasetDefaults, Location } from "../pipeline/types";
import { lookupCity } from "../sources/gazetteer";
import type { RunParameters } from "./run-record";

/** The source an unattended run (a schedule, the producer) uses: the real API of each dataset. */
export const SCHEDULED_SOURCE: Readonly<Record<string, string>> = { weather: "open-meteo", stocks: "polygon", air_quality: "openaq" };

/** What an unattended event may name; each field belongs to one dataset. */
export interface ScheduledSubjects {
  /** weather: gazetteer names or places (default Paris, London, Berlin). */
  readonly locations?: readonly (string | Location)[];
  /** stocks: ticker symbols (default the Magnificent 7). */
  readonly tickers?: readonly string[];
  /** air_quality: OpenAQ location ids; no default. */
  readonly stations?: readonly string[];
  readonly variables?: readonly string[];
}

/** The event names no subject and the dataset has no default (air quality: which OpenAQ stations; a config dataset without subjects). */
export class NoSubjectsError extends Error {
  override readonly name = "NoSubjectsError";
  constructor(readonly dataset: string) {
    super(
      dataset === "air_quality"
        ? `an unattended ${dataset} ingest or run needs stations: start it with { "dataset": "${dataset}", "stations": ["<OpenAQ location id>", …] }, or set the dataset's subjects in the project config`
        : `an unattended ${dataset} run needs subjects: start it with { "dataset": "${dataset}", "locations": [...] }, or set the dataset's subjects in the project config`,
    );
  }
}

/**
 * Cities, tickers or stations as the sources' `Location`s, and the variables, per dataset (as the
 * CLI's defaults). What the event leaves out comes from the dataset's `defaults` (the project
 * config's subjects and variables), then from the built-in defaults; a dataset of the config's
 * own (a REST source) takes its subjects as names, or places as given.
 */
export function scheduledSubjects(dataset: string, input: ScheduledSubjects, defaults: DatasetDefaults = {}): Pick<RunParameters, "locations" | "variables"> {
  // Tickers and stations are names only: the stocks and air-quality sources ignore coordinates.
  const named = (names: readonly string[]): Location[] => [...new Set(names)].map((name) => ({ name, latitude: 0, longitude: 0 }));
  const configured = defaults.subjects;
  const names = configured?.map((s) => (typeof s === "string" ? s : s.name));
  const variables = input.variables ?? defaults.variables;
  switch (dataset) {
    case "stocks":
      return { locations: named((input.tickers ?? names ?? DEFAULT_TICKERS).map((t) => t.toUpperCase())), variables: [...(variables ?? [])] };
    case "air_quality": {
      const stations = input.stations ?? names;
      if (!stations) throw new NoSubjectsError(dataset);
      return { locations: named(stations), variables: [...(variables ?? AIR_QUALITY_PARAMETERS)] };
    }
    case "weather":
      return {
        locations: (input.locations ?? configured ?? ["Paris", "London", "Berlin"]).map((l) => (typeof l === "string" ? lookupCity(l) : l)),
        variables: [...(variables ?? ["temperature_2m"])],
      };
    default: {
      const subjects = input.locations ?? configured;
      if (!subjects) throw new NoSubjectsError(dataset);
      return { locations: subjects.map((l) => (typeof l === "string" ? { name: l, latitude: 0, longitude: 0 } : l)), variables: [...(variables ?? [])] };
    }
  }
}
