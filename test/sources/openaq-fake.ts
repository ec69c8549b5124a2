/** Bodies shaped like OpenAQ v3's (https://docs.openaq.org/api/operations/location_get_v3_locations__locations_id__get, …/resources/measurements). */

const HOUR_MS = 3_600_000;

/** A sensor of a location: `{id, name, parameter: {id, name, units, displayName}}`. */
export function openAqSensor(id: number, parameter: string, units = "µg/m³"): Record<string, unknown> {
  const ids: Record<string, number> = { pm10: 1, pm25: 2, o3: 3, no2: 5, temperature: 100 };
  return { id, name: `${parameter} ${units}`, parameter: { id: ids[parameter] ?? 99, name: parameter, units, displayName: parameter.toUpperCase() } };
}

/** `GET /v3/locations/{id}` body. */
export function openAqLocationBody(id: number, name: string, sensors: readonly Record<string, unknown>[]): string {
  return JSON.stringify({
    meta: { name: "openaq-api", website: "/", page: 1, limit: 100, found: 1 },
    results: [
      {
        id,
        name,
        locality: "Albuquerque",
        timezone: "America/Denver",
        country: { id: 155, code: "US", name: "United States" },
        owner: { id: 4, name: "Unknown Governmental Organization" },
        provider: { id: 119, name: "AirNow" },
        isMobile: false,
        isMonitor: true,
        instruments: [{ id: 2, name: "Government Monitor" }],
        sensors,
        coordinates: { latitude: 35.1353, longitude: -106.584702 },
        licenses: null,
        bounds: [-106.584702, 35.1353, -106.584702, 35.1353],
        distance: null,
        datetimeFirst: { utc: "2016-03-06T19:00:00Z", local: "2016-03-06T12:00:00-07:00" },
        datetimeLast: { utc: "2024-12-01T00:00:00Z", local: "2024-11-30T17:00:00-07:00" },
      },
    ],
  });
}

/** Options to bend the hours the fake serves. */
export interface HoursOptions {
  /** Hour starts (ms) whose value is null. */
  readonly nullStarts?: ReadonlySet<number>;
  /** `meta.found` as sent; default the true count. */
  readonly found?: number | string;
  /** Also serve the hour starting at `datetime_to` (an API that filters on the other end). */
  readonly extraHourAtEnd?: boolean;
}

/** Deterministic value of a sensor's hour. */
export function fakeHourValue(sensorId: number, startMs: number): number {
  return Math.round(((startMs / HOUR_MS) % 50) * 10 + sensorId) / 10;
}

/** `GET /v3/sensors/{id}/hours` body for the URL's window, limit and page. */
export function openAqHoursBody(url: URL, options: HoursOptions = {}): string {
  const sensorId = Number(/\/v3\/sensors\/(\d+)\/hours/.exec(url.pathname)![1]);
  const from = Date.parse(url.searchParams.get("datetime_from")!);
  const to = Date.parse(url.searchParams.get("datetime_to")!);
  const limit = Number(url.searchParams.get("limit") ?? 100);
  const page = Number(url.searchParams.get("page") ?? 1);
  const starts: number[] = [];
  for (let t = from; t < to; t += HOUR_MS) starts.push(t);
  if (options.extraHourAtEnd) starts.push(to);
  const slice = starts.slice((page - 1) * limit, page * limit);
  return JSON.stringify({
    meta: { name: "openaq-api", website: "/", page, limit, found: options.found ?? starts.length },
    results: slice.map((start) => ({
      value: options.nullStarts?.has(start) ? null : fakeHourValue(sensorId, start),
      flagInfo: { hasFlags: false },
      parameter: { id: 2, name: "pm25", units: "µg/m³", displayName: null },
      period: {
        label: "1hour",
        interval: "01:00:00",
        datetimeFrom: { utc: iso(start), local: iso(start - 7 * HOUR_MS).replace("Z", "-07:00") },
        datetimeTo: { utc: iso(start + HOUR_MS), local: iso(start - 6 * HOUR_MS).replace("Z", "-07:00") },
      },
      coordinates: null,
      summary: null,
      coverage: { expectedCount: 1, expectedInterval: "01:00:00", observedCount: 1, observedInterval: "01:00:00", percentComplete: 100, percentCoverage: 100 },
    })),
  });
}

/** OpenAQ's documented error bodies (https://docs.openaq.org/using-the-api/errors). */
export const OPENAQ_BODIES = {
  unauthorized: JSON.stringify({ message: "Unauthorized. A valid API key must be provided in the X-API-Key header." }),
  notFound: JSON.stringify({ detail: "Location not found" }),
  tooMany: JSON.stringify({ message: "Too many requests" }),
} as const;

function iso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + "Z";
}
