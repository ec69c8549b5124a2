import { DEFAULT_TICKERS } from "../pipeline/stocks";
import type { Location } from "../pipeline/types";
import { resolveLocations, subjectNameProblem } from "./gazetteer";

/** Stations the synthetic air-quality source serves when none are named. */
export const DEFAULT_SYNTHETIC_STATIONS = ["Paris Centre", "London Marylebone", "Berlin Mitte"] as const;

/** What a run is asked about, as the CLI and the API name it. */
export interface SubjectRequest {
  /** weather: gazetteer city names. */
  readonly cities?: readonly string[];
  /** weather: custom `Name=lat,lon` places. */
  readonly custom?: readonly string[];
  /** stocks: ticker symbols. */
  readonly tickers?: readonly string[];
  /** air_quality: OpenAQ location ids (names for the synthetic source). */
  readonly stations?: readonly string[];
}

/** A subject that does not fit the dataset, naming the field (`tickers`, `stations`, …) and why. */
export class InvalidSubjectError extends Error {
  override readonly name = "InvalidSubjectError";
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

const TICKER_RE = /^[A-Z][A-Z0-9.-]{0,11}$/;

/**
 * The `Location`s a source is asked about, per dataset: cities (gazetteer or custom) for weather,
 * tickers for stocks, stations for air quality. Defaults: Paris, London, Berlin; the seven tickers
 * of seeds 001/004; the synthetic stations (OpenAQ needs ids).
 */
export function subjectsFor(dataset: string, source: string, request: SubjectRequest): Location[] {
  const given = (field: keyof SubjectRequest) => (request[field]?.length ?? 0) > 0;
  const refuse = (...fields: (keyof SubjectRequest)[]) => {
    for (const field of fields) if (given(field)) throw new InvalidSubjectError(field, `does not apply to dataset ${dataset}`);
  };
  const named = (field: keyof SubjectRequest, names: readonly string[]) => {
    const seen = new Set<string>();
    for (const name of names) {
      if (seen.has(name)) throw new InvalidSubjectError(field, `"${name}" is given twice; name each one once`);
      seen.add(name);
    }
    return names.map((name) => ({ name, latitude: 0, longitude: 0 }));
  };
  switch (dataset) {
    case "stocks": {
      refuse("cities", "custom", "stations");
      const tickers = given("tickers") ? request.tickers!.map((t) => t.trim().toUpperCase()) : [...DEFAULT_TICKERS];
      const bad = tickers.find((t) => !TICKER_RE.test(t));
      if (bad !== undefined) throw new InvalidSubjectError("tickers", `"${bad}" is not a ticker symbol`);
      return named("tickers", tickers);
    }
    case "air_quality": {
      refuse("cities", "custom", "tickers");
      if (!given("stations") && source !== "synthetic") throw new InvalidSubjectError("stations", `OpenAQ location ids are required with source ${source}`);
      const stations = given("stations") ? request.stations!.map((s) => s.trim()) : DEFAULT_SYNTHETIC_STATIONS;
      for (const station of stations) {
        const problem = subjectNameProblem(station);
        if (problem !== undefined) throw new InvalidSubjectError("stations", problem);
      }
      return named("stations", stations);
    }
    default: {
      refuse("tickers", "stations");
      const cities = request.cities !== undefined ? request.cities : given("custom") ? [] : ["Paris", "London", "Berlin"];
      return resolveLocations(cities, request.custom ?? []);
    }
  }
}
