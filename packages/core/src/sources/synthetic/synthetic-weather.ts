import type { Clock } from "../../lake/clock";
import { systemClock } from "../../lake/clock";
import type { Location } from "../../pipeline/types";
import { REQUIRED_WEATHER_VARIABLE, WEATHER_VARIABLES, weatherColumnOf } from "../../pipeline/weather";
import { SourceError } from "../source";
import type { FetchRequest, LocationOutcome, Source, WeatherRecord } from "../source";
import { hashString, normalAt, uniformAt } from "./random";
import { validateRange } from "./range";

/** Options of the synthetic weather source. */
export interface SyntheticWeatherOptions {
  /** Same seed, same values (default 42). */
  readonly seed?: number;
  readonly clock?: Clock;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;

/**
 * Deterministic weather: a seasonal level from latitude and day of year, a diurnal cycle peaking
 * mid-afternoon local solar time, a weekly synoptic wave and noise. Every record says
 * `source: "synthetic"`. The value for a city and hour depends only on (seed, name, coordinates,
 * hour), so overlapping runs agree.
 */
export class SyntheticWeatherSource implements Source<WeatherRecord> {
  readonly name = "synthetic";
  private readonly seed: number;
  private readonly clock: Clock;

  constructor(options: SyntheticWeatherOptions = {}) {
    this.seed = options.seed ?? 42;
    this.clock = options.clock ?? systemClock;
  }

  async *fetch(request: FetchRequest): AsyncIterable<LocationOutcome<WeatherRecord>> {
    const { startMs, hours } = validateRange(request.from, request.to);
    const variables = this.variablesOf(request.variables);
    for (const location of request.locations) {
      yield { location, records: this.generate(location, startMs, hours, variables) };
    }
  }

  /** All records of one location, in time order (exposed for benchmarks that skip the async iterator). */
  generate(location: Location, startMs: number, hours: number, variables: readonly string[]): WeatherRecord[] {
    const collectionTime = new Date(this.clock.now()).toISOString();
    const cityStream = hashString(`${location.name}|${location.latitude}|${location.longitude}`);
    const climate = climateOf(location);
    const records: WeatherRecord[] = new Array(hours);
    for (let h = 0; h < hours; h++) {
      const timeMs = startMs + h * HOUR_MS;
      const hourIndex = Math.floor(timeMs / HOUR_MS);
      const temperature = round1(this.temperatureAt(climate, location, cityStream, timeMs, hourIndex));
      const record: WeatherRecord = {
        city: location.name,
        latitude: location.latitude,
        longitude: location.longitude,
        measurement_time: isoHour(timeMs),
        temperature,
        collection_time: collectionTime,
        source: "synthetic",
      };
      for (const variable of variables) {
        record[weatherColumnOf(variable)] = this.variableAt(variable, temperature, cityStream, hourIndex);
      }
      records[h] = record;
    }
    return records;
  }

  private temperatureAt(climate: Climate, location: Location, stream: number, timeMs: number, hourIndex: number): number {
    const dayOfYear = (timeMs % (365.25 * DAY_MS)) / DAY_MS;
    // Coldest around 15 January in the north, mid-July in the south.
    const seasonal = climate.seasonalAmplitude * -Math.cos((2 * Math.PI * (dayOfYear - 15)) / 365.25) * climate.hemisphere;
    const solarHour = (((timeMs / HOUR_MS + location.longitude / 15) % 24) + 24) % 24;
    const diurnal = climate.diurnalAmplitude * Math.cos((2 * Math.PI * (solarHour - 15)) / 24);
    const phase = uniformAt(this.seed, stream, -1) * 2 * Math.PI;
    const weekly = 2.5 * Math.sin((2 * Math.PI * timeMs) / WEEK_MS + phase);
    const noise = 0.6 * normalAt(this.seed, stream, hourIndex);
    return climate.mean + seasonal + diurnal + weekly + noise;
  }

  private variableAt(variable: string, temperature: number, stream: number, hourIndex: number): number | null {
    const u = uniformAt(this.seed, stream ^ hashString(variable), hourIndex);
    switch (variable) {
      case "relative_humidity_2m":
        return Math.round(Math.min(100, Math.max(15, 95 - 1.8 * temperature + 20 * (u - 0.5))));
      case "dew_point_2m":
        return round1(temperature - 2 - 6 * u);
      case "apparent_temperature":
        return round1(temperature - 1.5 - 2 * u);
      case "precipitation":
      case "rain":
        return u < 0.85 ? 0 : round1((u - 0.85) * 20);
      case "snowfall":
        return temperature > 1 || u < 0.9 ? 0 : round1((u - 0.9) * 10);
      case "weather_code":
        return u < 0.5 ? 0 : u < 0.8 ? 3 : u < 0.95 ? 61 : 63;
      case "cloud_cover":
        return Math.round(100 * u);
      case "surface_pressure":
        return round1(1013 + 25 * (u - 0.5));
      case "wind_speed_10m":
        return round1(3 + 30 * u * u);
      case "wind_direction_10m":
        return Math.round(360 * u);
      case "wind_gusts_10m":
        return round1(8 + 50 * u * u);
      default:
        throw new SourceError(`the synthetic source does not model variable "${variable}"`);
    }
  }

  private variablesOf(requested: readonly string[]): string[] {
    const extra = requested.filter((v) => v !== REQUIRED_WEATHER_VARIABLE);
    const unknown = extra.filter((v) => !(v in WEATHER_VARIABLES));
    if (unknown.length > 0) {
      throw new SourceError(
        `the synthetic source does not model ${unknown.map((v) => `"${v}"`).join(", ")}; it models: ${Object.keys(WEATHER_VARIABLES).join(", ")}`,
      );
    }
    return [...new Set(extra)];
  }
}

interface Climate {
  readonly mean: number;
  readonly seasonalAmplitude: number;
  readonly diurnalAmplitude: number;
  readonly hemisphere: 1 | -1;
}

/** A rough climate from latitude: warm and flat near the equator, cold and seasonal near the poles. */
function climateOf(location: Location): Climate {
  const absLat = Math.abs(location.latitude);
  return {
    // Annual means of roughly 27 °C at the equator, 13 °C at Paris's latitude, 7 °C at Helsinki's.
    mean: 27 - 0.0055 * absLat * absLat,
    seasonalAmplitude: Math.min(16, 0.16 * absLat),
    diurnalAmplitude: 3 + 0.05 * absLat,
    hemisphere: location.latitude >= 0 ? 1 : -1,
  };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function isoHour(timeMs: number): string {
  return new Date(timeMs).toISOString().slice(0, 19) + "Z";
}

