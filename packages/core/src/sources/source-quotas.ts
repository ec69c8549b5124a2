import type { DatasetDefinition } from "../pipeline/types";
import { OPEN_METEO_QUOTAS } from "./open-meteo/quotas";
import { OPENAQ_QUOTAS } from "./openaq/quotas";
import { POLYGON_QUOTAS } from "./polygon/quotas";
import { UNLIMITED, type SourceQuotas } from "./quota";

/** Each built-in source's quotas, by source name (the names of the dataset modules' sources). */
const DECLARED: Readonly<Record<string, SourceQuotas>> = {
  "open-meteo": OPEN_METEO_QUOTAS,
  polygon: POLYGON_QUOTAS,
  openaq: OPENAQ_QUOTAS,
};

/** The quotas of source `name` (`synthetic`, `files` and unknown names have none). */
export function quotasOfSource(name: string): SourceQuotas {
  return DECLARED[name] ?? UNLIMITED;
}

/**
 * The quotas a fetch of `dataset` from `source` runs under: a REST dataset's are its config's
 * `rate_limit` (one call per subject), a built-in source's are declared with it.
 */
export function quotasOf(dataset: Pick<DatasetDefinition, "rest">, source: string): SourceQuotas {
  if (!dataset.rest) return quotasOfSource(source);
  const rate = dataset.rest.config.rate_limit;
  return {
    api: new URL(dataset.rest.config.client.base_url).host,
    quotas: rate ? [{ limit: rate.requests, per: rate.per, what: "the config's rate_limit" }] : [],
    callWeight: ({ subjects }) => subjects,
    subjectsPerCall: 1,
    chunkDays: () => 31,
    paced: true,
  };
}
