/** A provider's published quota: at most `limit` calls per window. */
export type QuotaPer = "second" | "minute" | "hour" | "day";

export interface Quota {
  readonly limit: number;
  readonly per: QuotaPer;
  /** Whose quota it is ("Open-Meteo free tier"), for messages. */
  readonly what: string;
  /** The window's length when it is not one `per` (a scaled window, `--quota 6/1s`). */
  readonly windowMs?: number;
}

const PER_MS: Readonly<Record<QuotaPer, number>> = { second: 1_000, minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** The window of a quota in milliseconds. */
export function windowMsOf(quota: Quota): number {
  return quota.windowMs ?? PER_MS[quota.per];
}

/** A request as a source's quota rule counts it. */
export interface WeighedRequest {
  /** Days of data asked for (inclusive range). */
  readonly days: number;
  /** Variables (parameters) asked for. */
  readonly variables: number;
  /** Subjects (locations, tickers, stations) in the request. */
  readonly subjects: number;
}

/**
 * A source's quotas as data: the windows it is limited by, what one request counts as, and how a
 * long range is cut for it. `sluice plan` and `sluice backfill` read the same declaration.
 */
export interface SourceQuotas {
  readonly api: string;
  readonly quotas: readonly Quota[];
  /** Calls a fetch of `request` counts as against every window (Open-Meteo weighs days × variables). */
  callWeight(request: WeighedRequest): number;
  /** Subjects one HTTP call carries (Open-Meteo: several coordinates per call). */
  readonly subjectsPerCall: number;
  /** The longest range, in days, one request should cover (by the endpoint's page or weight rule). */
  chunkDays(variables: number): number;
  /** The source paces itself under its per-minute quota: more calls take longer instead of failing. */
  readonly paced: boolean;
}

/** A source without published quotas (synthetic, files): one call per subject, no window. */
export const UNLIMITED: SourceQuotas = {
  api: "none",
  quotas: [],
  callWeight: ({ subjects }) => subjects,
  subjectsPerCall: Infinity,
  chunkDays: () => 31,
  paced: false,
};

const QUOTA_TEXT = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(?:(second|minute|hour|day)|(\d+(?:\.\d+)?)\s*(ms|s|m|h|d))\s*$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `600/minute`, `5000/hour` or a window of any length (`6/1s`, `10/500ms`): a quota given on the
 * command line, which replaces the source's declared ones (a paid plan, or a test's scaled minute).
 */
export function parseQuota(text: string, what = "--quota"): Quota {
  const match = QUOTA_TEXT.exec(text);
  if (!match) throw new RangeError(`${what} "${text}" is not a quota: write LIMIT/WINDOW, e.g. 600/minute, 5000/hour, 6/1s`);
  const limit = Number(match[1]);
  if (!(limit > 0)) throw new RangeError(`${what} "${text}": the limit must be > 0`);
  if (match[2]) return { limit, per: match[2] as QuotaPer, what };
  const windowMs = Number(match[3]) * UNIT_MS[match[4]!]!;
  if (!(windowMs > 0)) throw new RangeError(`${what} "${text}": the window must be longer than 0`);
  return { limit, per: windowMs <= 1_000 ? "second" : windowMs <= 60_000 ? "minute" : windowMs <= 3_600_000 ? "hour" : "day", what, windowMs };
}

/** `600/minute`, `6/1000ms`: a quota as it is printed. */
export function formatQuota(quota: Quota): string {
  return quota.windowMs === undefined ? `${quota.limit}/${quota.per}` : `${quota.limit}/${quota.windowMs}ms`;
}

/** The per-minute quota a source spaces its own request starts under (its RequestPacer's rate): the declared minute window's limit. */
export function requestsPerMinuteOf(quotas: SourceQuotas): number {
  const minute = quotas.quotas.find((q) => q.per === "minute" && q.windowMs === undefined);
  if (!minute) throw new Error(`${quotas.api} declares no per-minute quota`);
  return minute.limit;
}
