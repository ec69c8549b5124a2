import type { Clock } from "../../lake/clock";
import { systemClock } from "../../lake/clock";
import { AIR_QUALITY_PARAMETERS } from "../../pipeline/air-quality";
import type { AirQualityRecord } from "../../pipeline/air-quality";
import type { Location } from "../../pipeline/types";
import { SourceError } from "../source";
import type { FetchRequest, LocationOutcome, Source } from "../source";
import { hashString, normalAt, uniformAt } from "./random";
import { validateRange } from "./range";

/** Options of the synthetic air-quality source. */
export interface SyntheticAirQualityOptions {
  /** Same seed, same values (default 42). */
  readonly seed?: number;
  /** Share of hourly values sent as `null`, like a station's gaps (default 0.02). */
  readonly nullRate?: number;
  readonly clock?: Clock;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** How a pollutant behaves: a level (µg/m³), traffic peaks, an afternoon photochemical peak, a season. */
interface Model {
  readonly base: number;
  /** Weight of the 08:00 and 18:00 (local solar time) rush-hour peaks. */
  readonly traffic: number;
  /** Weight of the 15:00 sunshine peak (ozone). */
  readonly afternoon: number;
  /** +1: higher in winter (heating, inversions); −1: higher in summer (ozone). */
  readonly winter: number;
  /** Log-normal noise. */
  readonly noise: number;
}

/** The parameters this source models; levels are typical of a European city (WHO 2021 guideline scale). */
export const SYNTHETIC_AIR_MODELS: Readonly<Record<(typeof AIR_QUALITY_PARAMETERS)[number], Model>> = {
  pm25: { base: 11, traffic: 0.35, afternoon: 0, winter: 0.35, noise: 0.3 },
  pm10: { base: 19, traffic: 0.4, afternoon: 0, winter: 0.25, noise: 0.3 },
  no2: { base: 24, traffic: 0.9, afternoon: -0.2, winter: 0.25, noise: 0.25 },
  o3: { base: 48, traffic: -0.3, afternoon: 0.7, winter: -0.35, noise: 0.2 },
};

/**
 * Deterministic hourly air quality per station: a level per station, rush-hour peaks (weaker on
 * weekends), an ozone afternoon peak, a season, a multi-day "episode" wave and log-normal noise,
 * with occasional `null` values. `measurement_time` is the END of each hour (like OpenAQ's
 * `period.datetimeTo`), so a day holds the hours ending 01:00 … 24:00. A value depends only on
 * (seed, station, parameter, hour), so overlapping runs agree. A numeric `Location.name` is used
 * as the `location_id` (as with OpenAQ); any other name gets a stable id from its hash.
 */
export class SyntheticAirQualitySource implements Source<AirQualityRecord> {
  readonly name = "synthetic";
  private readonly seed: number;
  private readonly nullRate: number;
  private readonly clock: Clock;

  constructor(options: SyntheticAirQualityOptions = {}) {
    this.seed = options.seed ?? 42;
    this.nullRate = options.nullRate ?? 0.02;
    if (!(this.nullRate >= 0 && this.nullRate <= 1)) throw new SourceError(`nullRate must be within 0..1, got ${options.nullRate}`);
    this.clock = options.clock ?? systemClock;
  }

  async *fetch(request: FetchRequest): AsyncIterable<LocationOutcome<AirQualityRecord>> {
    const { startMs, hours } = validateRange(request.from, request.to);
    const parameters = parametersOf(request.variables);
    for (const location of request.locations) {
      yield { location, records: this.generate(location, startMs, hours, parameters) };
    }
  }

  /** All records of one station: parameter by parameter, each in time order. */
  generate(location: Location, startMs: number, hours: number, parameters: readonly string[] = AIR_QUALITY_PARAMETERS): AirQualityRecord[] {
    const collectionTime = new Date(this.clock.now()).toISOString();
    const locationId = stationIdOf(location.name);
    const station = hashString(`station|${location.name}`);
    // A station's overall level: a busy street is dirtier than a park.
    const stationFactor = 0.6 + 0.9 * uniformAt(this.seed, station, -1);
    const records: AirQualityRecord[] = [];
    for (const [p, parameter] of parameters.entries()) {
      const model = SYNTHETIC_AIR_MODELS[parameter as keyof typeof SYNTHETIC_AIR_MODELS];
      const stream = station ^ hashString(parameter);
      for (let h = 0; h < hours; h++) {
        const hourStartMs = startMs + h * HOUR_MS;
        const hourIndex = Math.floor(hourStartMs / HOUR_MS);
        const missing = uniformAt(this.seed, stream, hourIndex) < this.nullRate;
        records.push({
          location: location.name,
          location_id: locationId,
          sensor_id: locationId * 10 + p + 1,
          latitude: location.latitude,
          longitude: location.longitude,
          parameter,
          unit: "µg/m³",
          value: missing ? null : this.valueAt(model, stationFactor, location, stream, hourStartMs, hourIndex),
          measurement_time: new Date(hourStartMs + HOUR_MS).toISOString().slice(0, 19) + "Z",
          collection_time: collectionTime,
          source: "synthetic",
        });
      }
    }
    return records;
  }

  private valueAt(model: Model, stationFactor: number, location: Location, stream: number, hourStartMs: number, hourIndex: number): number {
    // Mid-hour in local solar time: traffic follows the sun's clock closely enough for a demo.
    const solarHour = ((((hourStartMs + HOUR_MS / 2) / HOUR_MS + location.longitude / 15) % 24) + 24) % 24;
    const weekday = new Date(hourStartMs).getUTCDay();
    const weekend = weekday === 0 || weekday === 6 ? 0.5 : 1;
    const rush = Math.exp(-((solarHour - 8) ** 2) / 3) + Math.exp(-((solarHour - 18) ** 2) / 4);
    const sunny = Math.max(0, Math.cos((2 * Math.PI * (solarHour - 15)) / 24));
    const dayOfYear = (hourStartMs % (365.25 * DAY_MS)) / DAY_MS;
    const hemisphere = location.latitude >= 0 ? 1 : -1;
    const winterness = Math.cos((2 * Math.PI * (dayOfYear - 15)) / 365.25) * hemisphere;
    const phase = uniformAt(this.seed, stream, -2) * 2 * Math.PI;
    const episode = 0.25 * Math.sin((2 * Math.PI * hourStartMs) / (5.5 * DAY_MS) + phase);
    const shape = 1 + model.traffic * weekend * rush + model.afternoon * sunny + model.winter * winterness + episode;
    const level = model.base * stationFactor * Math.max(0.15, shape) * Math.exp(model.noise * normalAt(this.seed, stream, hourIndex) - (model.noise * model.noise) / 2);
    return Math.round(level * 10) / 10;
  }
}

/** The parameters asked for (default pm25, pm10, no2, o3); one the source does not model is an error. */
function parametersOf(requested: readonly string[]): string[] {
  if (requested.length === 0) return [...AIR_QUALITY_PARAMETERS];
  const unknown = requested.filter((p) => !(p in SYNTHETIC_AIR_MODELS));
  if (unknown.length > 0) {
    throw new SourceError(
      `the synthetic air-quality source does not model ${unknown.map((p) => `"${p}"`).join(", ")}; it models: ${Object.keys(SYNTHETIC_AIR_MODELS).join(", ")}`,
    );
  }
  return [...new Set(requested)];
}

/** A numeric name is the station id (as with OpenAQ); other names get a stable 6-digit id. */
function stationIdOf(name: string): number {
  const text = name.trim();
  if (/^\d{1,12}$/.test(text) && Number(text) > 0) return Number(text);
  return 100_000 + (hashString(`id|${text}`) % 900_000);
}
