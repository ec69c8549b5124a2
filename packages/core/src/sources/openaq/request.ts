import { AIR_QUALITY_PARAMETERS } from "../../pipeline/air-quality";
import { parseDay } from "../synthetic/range";
import { SourceError } from "../source";
import type { FetchRequest } from "../source";

/** Default origin of the OpenAQ API. */
export const OPENAQ_BASE_URL = "https://api.openaq.org";
/** Hourly values per page; the API's documented default is 100. */
export const OPENAQ_PAGE_LIMIT = 1000;

const DAY_MS = 86_400_000;
const PARAMETER = /^[a-z0-9_.]+$/;

/** A checked air-quality request: the UTC window in ms and the parameters wanted. */
export interface ValidatedAirQualityRequest {
  readonly fromMs: number;
  /** Midnight UTC after the last day. */
  readonly endMs: number;
  /** OpenAQ parameter names (`pm25`, `no2`…), without duplicates. */
  readonly parameters: readonly string[];
}

/** Checks days and parameter names up front; no variables means {@link AIR_QUALITY_PARAMETERS}. */
export function validateAirQualityRequest(request: FetchRequest): ValidatedAirQualityRequest {
  const fromMs = parseDay(request.from, "from");
  const toMs = parseDay(request.to, "to");
  if (fromMs > toMs) throw new SourceError(`from (${request.from}) is after to (${request.to})`);
  const wanted = request.variables.length > 0 ? [...new Set(request.variables)] : [...AIR_QUALITY_PARAMETERS];
  const bad = wanted.filter((p) => !PARAMETER.test(p));
  if (bad.length > 0) {
    throw new SourceError(`invalid OpenAQ parameter name(s) ${bad.map((p) => `"${p}"`).join(", ")}: expected names like pm25, no2, o3`);
  }
  return { fromMs, endMs: toMs + DAY_MS, parameters: wanted };
}

/** The OpenAQ location id a `Location.name` stands for, or undefined when it is not one. */
export function locationIdOf(name: string): number | undefined {
  const text = name.trim();
  if (!/^\d{1,15}$/.test(text)) return undefined;
  const id = Number(text);
  return id > 0 ? id : undefined;
}

/** `GET /v3/locations/{id}`: the station with its sensors. */
export function locationUrl(baseUrl: string, locationId: number): string {
  return `${trim(baseUrl)}/v3/locations/${locationId}`;
}

/** `GET /v3/sensors/{id}/hours` for the whole UTC window, one page. */
export function sensorHoursUrl(baseUrl: string, sensorId: number, window: ValidatedAirQualityRequest, page: number): string {
  const params = [
    ["datetime_from", iso(window.fromMs)],
    ["datetime_to", iso(window.endMs)],
    ["limit", String(OPENAQ_PAGE_LIMIT)],
    ["page", String(page)],
  ];
  return `${trim(baseUrl)}/v3/sensors/${sensorId}/hours?${params.map(([k, v]) => `${k}=${v}`).join("&")}`;
}

function trim(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, "");
}

function iso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + "Z";
}
