export { SourceError } from "./source";
export type { FetchRequest, LocationOutcome, Source, WeatherRecord } from "./source";
export * from "./http/index";
export {
  GAZETTEER_CITIES,
  InvalidLocationError,
  UnknownLocationError,
  closeMatches,
  lookupCity,
  parseCustomLocation,
  resolveLocations,
} from "./gazetteer";
export * from "./open-meteo/index";
