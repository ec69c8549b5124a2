import type { SourceQuotas, WeighedRequest } from "../quota";

/** Open-Meteo counts 14 days × 10 variables of one location as one call. */
const REFERENCE_DAYS = 14;
const REFERENCE_VARIABLES = 10;

/**
 * What one location of an Open-Meteo request counts as: `max(1, max(v/10, v/10 × days/14))`, the
 * server's own rule (open-meteo ForecastapiResult.calculateQueryWeight, cited from
 * https://github.com/open-meteo/open-meteo/issues/438: "15 weather variables account for 1.5").
 */
export function openMeteoLocationWeight(days: number, variables: number): number {
  const variablesFraction = variables / REFERENCE_VARIABLES;
  return Math.max(1, variablesFraction, variablesFraction * (days / REFERENCE_DAYS));
}

/**
 * Open-Meteo's free tier (https://open-meteo.com/en/pricing): 600 calls a minute, 5,000 an hour,
 * 10,000 a day, a call weighed by days × variables per location. A back-fill chunk is the
 * longest range one location still counts as one call for (140 days of one variable, 14 days of
 * ten; beyond ten variables any range counts v/10, so 14 days): the weight is not wasted on short
 * calls and a response stays ~3,400 values a location.
 */
export const OPEN_METEO_QUOTAS: SourceQuotas = {
  api: "Open-Meteo",
  quotas: [
    { limit: 600, per: "minute", what: "Open-Meteo free tier" },
    { limit: 5_000, per: "hour", what: "Open-Meteo free tier" },
    { limit: 10_000, per: "day", what: "Open-Meteo free tier" },
  ],
  callWeight: ({ days, variables, subjects }: WeighedRequest) => subjects * openMeteoLocationWeight(days, variables),
  // The source sends 10 locations per call (OpenMeteoSourceOptions.batchSize).
  subjectsPerCall: 10,
  chunkDays: (variables) => Math.max(REFERENCE_DAYS, Math.floor((REFERENCE_DAYS * REFERENCE_VARIABLES) / Math.max(1, variables))),
  paced: false,
};
