import type { RejectedRecord } from "../delivery/error-sink";
import type { Location } from "../pipeline/types";

/** What a source is asked for: a UTC date range (inclusive), places and variables. */
export interface FetchRequest {
  /** First day, `YYYY-MM-DD`, UTC. */
  readonly from: string;
  /** Last day, `YYYY-MM-DD`, UTC, inclusive. */
  readonly to: string;
  readonly locations: readonly Location[];
  /** Source-specific variable names (Open-Meteo hourly variables for weather). */
  readonly variables: readonly string[];
  /**
   * An incremental ingest's hours, both ends inclusive, inside from..to (ms since the epoch, on the
   * hour): a source with hour precision asks for these only (Open-Meteo `start_hour`/`end_hour`);
   * the others fetch the days and the ingest drops the records outside.
   */
  readonly window?: { readonly startMs: number; readonly endMs: number };
  /** What to collect (Open-Meteo; the other sources know `hourly` only): see {@link IngestMode}. */
  readonly mode?: IngestMode;
}

/**
 * `hourly`: the hours of from..to (the default). `current`: Open-Meteo's current conditions, one
 * reading per subject, its time from the response (`current.time`, every `current.interval` s).
 * `minutely_15`: Open-Meteo's 15-minute values of the window.
 */
export type IngestMode = "hourly" | "current" | "minutely_15";

/** Every mode, for the config's and the CLI's validation. */
export const INGEST_MODES: readonly IngestMode[] = ["hourly", "current", "minutely_15"];

/** A failure that concerns one location (or a whole call when `location` is undefined). */
export class SourceError extends Error {
  override readonly name: string = "SourceError";
  constructor(
    message: string,
    readonly location?: Location,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The result for one location: its records, or why there are none. */
export type LocationOutcome<R, X extends RejectedRecord = RejectedRecord> =
  | {
      readonly location: Location;
      readonly records: readonly R[];
      readonly error?: undefined;
      /** Items the source could not turn into records (a required field missing…): they go to the stream's error output. */
      readonly rejected?: readonly X[];
    }
  | { readonly location: Location; readonly error: SourceError; readonly records?: undefined; readonly rejected?: undefined };

/** A source of records, one outcome per requested location, in any order. */
export interface Source<R> {
  readonly name: string;
  /** The modes it can collect (default `hourly` only). */
  readonly modes?: readonly IngestMode[];
  fetch(request: FetchRequest, signal?: AbortSignal): AsyncIterable<LocationOutcome<R>>;
}

/** A weather record as sent to Firehose: fixed columns plus one column per extra hourly variable. */
export interface WeatherRecord {
  city: string;
  latitude: number;
  longitude: number;
  /** UTC ISO-8601, e.g. `2024-11-24T13:00:00Z`. */
  measurement_time: string;
  temperature: number | null;
  collection_time: string;
  source: string;
  [variable: string]: string | number | null;
}
