import type { Location } from "../../pipeline/types";
import { REQUIRED_WEATHER_VARIABLE, weatherColumnOf } from "../../pipeline/weather";
import { SourceError } from "../source";
import { parseDay } from "../synthetic/range";
import type { FetchRequest, IngestMode } from "../source";

/** A request that passed validation: day bounds in ms and the hourly variables to ask for. */
export interface ValidatedRequest {
  readonly from: string;
  readonly to: string;
  readonly fromMs: number;
  readonly toMs: number;
  /** `temperature_2m` first, then the others in request order, without duplicates. */
  readonly variables: readonly string[];
  readonly mode: IngestMode;
  /** Hours (or quarter hours) to ask for instead of whole days. */
  readonly window?: { readonly startMs: number; readonly endMs: number };
}

const VARIABLE = /^[a-z0-9_]+$/;
/** Columns every weather record has; a variable stored under one of these names would overwrite it. */
const FIXED_COLUMNS = new Set(["city", "latitude", "longitude", "measurement_time", "temperature", "collection_time", "source"]);

/** Checks dates, variables and locations up front, so a bad request fails before any HTTP call. */
export function validateRequest(request: FetchRequest): ValidatedRequest {
  const fromMs = parseDay(request.from, "from");
  const toMs = parseDay(request.to, "to");
  if (fromMs > toMs) throw new SourceError(`from (${request.from}) is after to (${request.to})`);
  for (const location of request.locations) validateLocation(location);
  const window = request.window;
  if (window && !(window.startMs <= window.endMs && window.startMs >= fromMs && window.endMs < toMs + 86_400_000)) {
    throw new SourceError(`window ${new Date(window.startMs).toISOString()}..${new Date(window.endMs).toISOString()} is not inside ${request.from}..${request.to}`);
  }
  return { from: request.from, to: request.to, fromMs, toMs, variables: validateVariables(request.variables), mode: request.mode ?? "hourly", ...(window ? { window } : {}) };
}

function validateVariables(requested: readonly string[]): string[] {
  const bad = requested.filter((v) => !VARIABLE.test(v));
  if (bad.length > 0) {
    throw new SourceError(
      `invalid Open-Meteo variable name(s) ${bad.map((v) => `"${v}"`).join(", ")}: names are lower-case letters, digits and "_" (e.g. relative_humidity_2m)`,
    );
  }
  const extra = [...new Set(requested)].filter((v) => v !== REQUIRED_WEATHER_VARIABLE);
  const clashing = extra.filter((v) => FIXED_COLUMNS.has(weatherColumnOf(v)));
  if (clashing.length > 0) {
    throw new SourceError(
      `variable(s) ${clashing.map((v) => `"${v}"`).join(", ")} would be stored in a fixed column (${[...FIXED_COLUMNS].join(", ")})`,
    );
  }
  return [REQUIRED_WEATHER_VARIABLE, ...extra];
}

function validateLocation(location: Location): void {
  const where = `location "${location.name}"`;
  if (location.name.trim() === "") throw new SourceError("a location has an empty name", location);
  if (!(Math.abs(location.latitude) <= 90)) throw new SourceError(`${where}: latitude ${location.latitude} is outside −90..90`, location);
  if (!(Math.abs(location.longitude) <= 180)) throw new SourceError(`${where}: longitude ${location.longitude} is outside −180..180`, location);
}

/** `2024-11-24T13:00`: the time form Open-Meteo's `start_hour`/`end_hour` and `start_minutely_15` take. */
function minuteOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16);
}

/** The range parameters of a mode (https://open-meteo.com/en/docs: `start_hour`/`end_hour`, `start_minutely_15`/`end_minutely_15`). */
function rangeParams(request: ValidatedRequest): Array<[string, string]> {
  if (request.mode === "current") return []; // the current conditions take no range
  if (request.window) {
    const [start, end] = request.mode === "minutely_15" ? ["start_minutely_15", "end_minutely_15"] : ["start_hour", "end_hour"];
    return [
      [start, minuteOf(request.window.startMs)],
      [end, minuteOf(request.window.endMs)],
    ];
  }
  return [
    ["start_date", request.from],
    ["end_date", request.to],
  ];
}

/** The GET URL for a batch of locations; one coordinate pair per location, in order. */
export function buildRequestUrl(endpoint: string, request: ValidatedRequest, locations: readonly Location[]): string {
  // Every value is a number, a validated date or a validated variable name: nothing to escape,
  // and keeping the commas literal makes the URL readable in logs and errors.
  const params: Array<[string, string]> = [
    ["latitude", locations.map((l) => String(l.latitude)).join(",")],
    ["longitude", locations.map((l) => String(l.longitude)).join(",")],
    [request.mode, request.variables.join(",")],
    ...rangeParams(request),
    // Times then come back in UTC; the response still carries utc_offset_seconds, which we check.
    ["timezone", "GMT"],
  ];
  return `${endpoint}?${params.map(([k, v]) => `${k}=${v}`).join("&")}`;
}
