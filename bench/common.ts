/** Shared by the benchmarks: `--name N` options, medians of paired rounds, a synthetic weather lake. */
import { silentLogger } from "../packages/core/src/log/logger";
import { pipeline } from "../packages/core/src/pipeline/pipeline";
import { weatherDataset } from "../packages/core/src/pipeline/weather";
import { LocalRuntime } from "../packages/core/src/runtime/local";
import type { Location } from "../packages/core/src/pipeline/types";
import { GAZETTEER_CITIES } from "../packages/core/src/sources/gazetteer";
import { SyntheticWeatherSource } from "../packages/core/src/sources/synthetic/synthetic-weather";

/** The number after `--name` on the command line, or `fallback`; anything else is an error naming it. */
/** The value after `--name` on the command line, or undefined when the flag is absent. */
export function stringArg(name: string): string | undefined {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith("--")) throw new Error(`--${name} takes a value`);
  return value;
}

export function numberArg(name: string, fallback: number): number {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(args[i + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} takes a positive number, got "${args[i + 1] ?? ""}"`);
  return value;
}

/** The median (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** What `deliverSyntheticWeather` put in the lake: the cities and the (UTC, inclusive) days they cover. */
export interface SyntheticWeather {
  readonly records: number;
  readonly locations: readonly Location[];
  readonly from: string;
  readonly to: string;
}

/**
 * `records` synthetic weather records (`cities` gazetteer cities × consecutive hours from
 * 2023-01-01) sent through the Firehose twin into a lake's raw bucket, as an ingest would
 * (not timed by the benches that use it).
 */
export async function deliverSyntheticWeather(lake: string, records: number, cities = 50): Promise<SyntheticWeather> {
  const { hours, start, locations, ...weather } = syntheticWeatherOf(records, cities);
  const runtime = new LocalRuntime({ lake, pipeline, logger: silentLogger });
  try {
    const delivery = await runtime.delivery(weatherDataset);
    const source = new SyntheticWeatherSource({ seed: 1 });
    for (const city of locations) {
      const lines = source.generate(city, start, hours, []).map((r) => JSON.stringify(r));
      for (let i = 0; i < lines.length; i += 500) await delivery.send(lines.slice(i, i + 500));
    }
    await delivery.finish();
  } finally {
    await runtime.close();
  }
  return { locations, ...weather };
}

/** What `deliverSyntheticWeather(lake, records, cities)` delivers, without delivering it (a lake whose raw is already there). */
export function syntheticWeatherOf(records: number, cities = 50): SyntheticWeather & { hours: number; start: number } {
  const hours = Math.ceil(records / cities);
  const start = Date.UTC(2023, 0, 1);
  const to = new Date(start + (hours - 1) * 3_600_000).toISOString().slice(0, 10);
  return { records: hours * cities, locations: GAZETTEER_CITIES.slice(0, cities), from: "2023-01-01", to, hours, start };
}
