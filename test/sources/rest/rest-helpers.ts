import { ManualClock } from "../../../packages/core/src/lake/clock";
import type { ColumnSpec, ColumnType, Location } from "../../../packages/core/src/pipeline/types";
import { parseRestSourceConfig, RestSource } from "../../../packages/core/src/sources/rest/index";
import type { RestOutcome, RestSourceConfigInput, RestSourceOptions } from "../../../packages/core/src/sources/rest/index";

/** Subjects as the run engine passes them (`Location.name` is the subject). */
export const subjects = (...names: string[]): Location[] => names.map((name) => ({ name, latitude: 0, longitude: 0 }));

/** One day, 2024-11-25. */
export const DAY = { from: "2024-11-25", to: "2024-11-25", variables: [] as string[] };
export const NOW = Date.parse("2024-12-01T10:00:00.000Z");

/** A REST source on a manual clock whose sleeps return at once, advance the clock and are recorded. */
export function restSource(config: RestSourceConfigInput, options: Partial<Omit<RestSourceOptions, "config">> = {}) {
  const clock = new ManualClock(NOW);
  const sleeps: number[] = [];
  const sleep = async (ms: number) => {
    sleeps.push(ms);
    clock.advance(ms);
  };
  const source = new RestSource({
    config: parseRestSourceConfig(config, { schema: options.schema }),
    secrets: () => undefined,
    clock,
    sleep,
    http: { maxAttempts: 2, random: () => 0.5 },
    ...options,
  });
  return { source, clock, sleeps };
}

/** Every outcome of a fetch, in order. */
export async function collect(source: RestSource, locations: readonly Location[], range = DAY): Promise<RestOutcome[]> {
  const out: RestOutcome[] = [];
  for await (const outcome of source.fetch({ ...range, locations })) out.push(outcome);
  return out;
}

/** A record schema from `name:type` pairs; a trailing `?` marks the column nullable (`note:string?`). */
export function columns(...specs: string[]): ColumnSpec[] {
  return specs.map((spec) => {
    const [name, type] = spec.replace(/\?$/, "").split(":") as [string, ColumnType];
    return { name, type, nullable: spec.endsWith("?") };
  });
}

/** The API key of the earthquake example (docs/datasets.md). */
export const QUAKES_KEY = "qk_live_6c1d2e";
/** The first event's time in the earthquake example. */
export const QUAKES_T0 = Date.parse("2024-11-25T03:14:07.250Z");

/** A GeoJSON feature as USGS's feed shapes it (`properties.mag`, `properties.time` ms, `geometry.coordinates` [lon, lat, depth]). */
export function quakeFeature(id: string, mag: number | null, minutes: number, coordinates?: number[]) {
  return {
    type: "Feature",
    id,
    properties: { mag, place: mag === null ? null : `${id} place`, time: QUAKES_T0 + minutes * 60_000, type: "earthquake" },
    ...(coordinates ? { geometry: { type: "Point", coordinates } } : {}),
  };
}

/**
 * The earthquake example's API (FakeApi handler): "us" has two pages linked by links.next, "ak" one
 * page with a null magnitude and a feature without geometry; 401 without the key.
 */
export function quakesReply(url: URL, headers: Readonly<Record<string, string | string[] | undefined>>, magnitudes: { us1: number; us2: number } = { us1: 4.6, us2: 2.1 }): { status?: number; body: string } {
  if (headers["x-api-key"] !== QUAKES_KEY) return { status: 401, body: '{"error":"missing key"}' };
  const region = url.searchParams.get("region");
  const page = (features: unknown[], links: unknown) => ({ body: JSON.stringify({ type: "FeatureCollection", features, links }) });
  if (region === "us" && url.searchParams.get("page") !== "2") return page([quakeFeature("us1", magnitudes.us1, 0, [-117.5, 35.7, 8.2])], { next: `${url.pathname}?region=us&page=2` });
  if (region === "us") return page([quakeFeature("us2", magnitudes.us2, 30, [-122.8, 38.8, 1.9])], { next: null });
  return page([quakeFeature("ak1", null, 5, [-150.1, 61.2, 35]), quakeFeature("ak2", 3, 6)], {});
}
