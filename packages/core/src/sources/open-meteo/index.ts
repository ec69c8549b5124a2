export {
  FORECAST_PAST_DAYS,
  HISTORICAL_FORECAST_START,
  OPEN_METEO_ENDPOINT_CHOICES,
  OPEN_METEO_URLS,
  chooseEndpoint,
  endpointUrl,
} from "./endpoints";
export type { OpenMeteoEndpoint, OpenMeteoEndpointChoice } from "./endpoints";
export { openMeteoHooks, openMeteoRateLimitWait, openMeteoReason } from "./open-meteo-hooks";
export { OpenMeteoSource } from "./open-meteo-source";
export type { OpenMeteoSourceOptions } from "./open-meteo-source";
export { buildRequestUrl, validateRequest } from "./request";
export type { ValidatedRequest } from "./request";
export { locationDataSchema, responseSchema, toWeatherRecords } from "./response";
export type { OpenMeteoLocationData } from "./response";
