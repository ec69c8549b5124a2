import { AIR_QUALITY_PARAMETERS } from "../pipeline/air-quality";
import { DEFAULT_TICKERS } from "../pipeline/stocks";
import type { Location } from "../pipeline/types";
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

/** The event names no subject and the dataset has no default (air quality: which OpenAQ stations). */
export class NoSubjectsError extends Error {
  override readonly name = "NoSubjectsError";
  constructor(readonly dataset: string) {
    super(`an unattended ${dataset} ingest or run needs stations: start it with { "dataset": "${dataset}", "stations": ["<OpenAQ location id>", …] }`);
  }
}

/** Cities, tickers or stations as the sources' `Location`s, and the variables, per dataset (as the CLI's defaults). */
export function scheduledSubjects(dataset: string, input: ScheduledSubjects): Pick<RunParameters, "locations" | "variables"> {
  // Tickers and stations are names only: the stocks and air-quality sources ignore coordinates.
  const named = (names: readonly string[]): Location[] => [...new Set(names)].map((name) => ({ name, latitude: 0, longitude: 0 }));
  switch (dataset) {
    case "stocks":
      return { locations: named((input.tickers ?? DEFAULT_TICKERS).map((t) => t.toUpperCase())), variables: [...(input.variables ?? [])] };
    case "air_quality":
      if (!input.stations) throw new NoSubjectsError(dataset);
      return { locations: named(input.stations), variables: [...(input.variables ?? AIR_QUALITY_PARAMETERS)] };
    default:
      return {
        locations: (input.locations ?? ["Paris", "London", "Berlin"]).map((l) => (typeof l === "string" ? lookupCity(l) : l)),
        variables: [...(input.variables ?? ["temperature_2m"])],
      };
  }
}
