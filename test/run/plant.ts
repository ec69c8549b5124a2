import { pipeline } from "../../packages/core/src/pipeline/pipeline";
import { weatherDataset } from "../../packages/core/src/pipeline/weather";
import { silentLogger } from "../../packages/core/src/log/logger";
import { LocalRuntime } from "../../packages/core/src/runtime/local";
import type { WeatherRecord } from "../../packages/core/src/sources/source";
import { lookupCity } from "../../packages/core/src/sources/gazetteer";
import { SyntheticWeatherSource } from "../../packages/core/src/sources/synthetic/synthetic-weather";

/**
 * Delivers records into the lake's raw/ through the Firehose twin, exactly as an ingest would:
 * the way to plant bad or duplicate data that a later `sluice run --skip-ingest` picks up.
 */
export async function deliver(lake: string, records: readonly object[]): Promise<number> {
  const runtime = new LocalRuntime({ lake, pipeline, logger: silentLogger });
  try {
    const delivery = await runtime.delivery(weatherDataset);
    await delivery.send(records.map((r) => JSON.stringify(r)));
    return (await delivery.finish()).recordsDelivered;
  } finally {
    await runtime.close();
  }
}

/** The synthetic source's records of one gazetteer city over whole UTC days. */
export function syntheticRecords(city: string, from: string, days: number): WeatherRecord[] {
  return new SyntheticWeatherSource({ seed: 42 }).generate(lookupCity(city), Date.parse(`${from}T00:00:00Z`), days * 24, []);
}
