export { OpenAqKeyRejectedError } from "./errors";
export { openAqErrorText, openAqHooks, openAqRateLimitWait } from "./openaq-hooks";
export { OpenAqSource } from "./openaq-source";
export type { OpenAqSourceOptions } from "./openaq-source";
export { OPENAQ_BASE_URL, OPENAQ_PAGE_LIMIT, locationIdOf, locationUrl, sensorHoursUrl, validateAirQualityRequest } from "./request";
export type { ValidatedAirQualityRequest } from "./request";
export { hourEndMs, hoursResponseSchema, locationResponseSchema, toAirQualityRecord } from "./response";
export type { OpenAqHour, OpenAqLocation, OpenAqSensor } from "./response";
