import type { Clock } from "../lake/clock";
import type { Logger } from "../log/logger";
import type { OpenMeteoEndpointChoice } from "./open-meteo/index";
import { OpenMeteoSource } from "./open-meteo/index";
import type { Source, WeatherRecord } from "./source";
import { SourceError } from "./source";
import { SyntheticWeatherSource } from "./synthetic/synthetic-weather";

/** Names of the weather sources. */
export const WEATHER_SOURCES = ["open-meteo", "synthetic"] as const;

/** Settings any weather source may use. */
export interface WeatherSourceSettings {
  readonly endpoint?: OpenMeteoEndpointChoice;
  readonly baseUrl?: string;
  readonly seed?: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

/** Builds a weather source by name (the CLI, the API and the producer Lambda share this). */
export function weatherSourceOf(name: string, settings: WeatherSourceSettings = {}): Source<WeatherRecord> {
  switch (name) {
    case "open-meteo":
      return new OpenMeteoSource({ endpoint: settings.endpoint, baseUrl: settings.baseUrl, clock: settings.clock, logger: settings.logger });
    case "synthetic":
      return new SyntheticWeatherSource({ seed: settings.seed, clock: settings.clock });
    default:
      throw new SourceError(`unknown source "${name}"; known: ${WEATHER_SOURCES.join(", ")}`);
  }
}
