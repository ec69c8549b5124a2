import type { SourceQuotas } from "../quota";
import { OPENAQ_PAGE_LIMIT } from "./request";

/**
 * OpenAQ v3 (https://docs.openaq.org/using-the-api/rate-limits): 60 calls a minute, 2,000 an
 * hour. A station costs its sensors call plus one hours call per parameter; a chunk of 41 days
 * keeps each sensor's hourly values in one page of 1,000.
 */
export const OPENAQ_QUOTAS: SourceQuotas = {
  api: "OpenAQ v3",
  quotas: [
    { limit: 60, per: "minute", what: "OpenAQ" },
    { limit: 2_000, per: "hour", what: "OpenAQ" },
  ],
  callWeight: ({ subjects, variables }) => subjects * (1 + Math.max(1, variables)),
  subjectsPerCall: 1,
  chunkDays: () => Math.floor(OPENAQ_PAGE_LIMIT / 24),
  paced: true,
};
