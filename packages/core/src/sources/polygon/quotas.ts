import type { SourceQuotas } from "../quota";

/** Aggregates answer at most 50,000 bars a request (the source asks `limit=50000`). */
const BARS_PER_REQUEST = 50_000;
/** Hourly bars: at most 24 a day (crypto and FX trade around the clock). */
const BARS_PER_DAY = 24;

/**
 * Polygon's free tier (https://polygon.io/pricing): 5 calls a minute. One aggregates call per
 * ticker; a chunk of 2,083 days keeps every ticker in one page of hourly bars.
 */
export const POLYGON_QUOTAS: SourceQuotas = {
  api: "Polygon",
  quotas: [{ limit: 5, per: "minute", what: "Polygon free tier" }],
  callWeight: ({ subjects }) => subjects,
  subjectsPerCall: 1,
  chunkDays: () => Math.floor(BARS_PER_REQUEST / BARS_PER_DAY),
  paced: true,
};
