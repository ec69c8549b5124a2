import { parseDay } from "../synthetic/range";
import { SourceError } from "../source";
import type { FetchRequest } from "../source";

/** Default origin of the Polygon REST API. */
export const POLYGON_BASE_URL = "https://api.polygon.io";

const DAY_MS = 86_400_000;
/** Stock, index (I:SPX), crypto (X:BTCUSD) and class-share (BRK.B) tickers. */
const TICKER = /^[A-Za-z0-9][A-Za-z0-9.:\-]{0,19}$/;

/** A checked stocks request: the UTC window in ms (end exclusive) and the tickers. */
export interface ValidatedStocksRequest {
  readonly fromMs: number;
  /** Midnight UTC after the last day. */
  readonly endMs: number;
}

/** Checks the day range up front, so a bad request fails before any HTTP call. */
export function validateStocksRequest(request: FetchRequest): ValidatedStocksRequest {
  const fromMs = parseDay(request.from, "from");
  const toMs = parseDay(request.to, "to");
  if (fromMs > toMs) throw new SourceError(`from (${request.from}) is after to (${request.to})`);
  return { fromMs, endMs: toMs + DAY_MS };
}

/** Whether a location name can be sent as a ticker (it goes into the URL path). */
export function isValidTicker(ticker: string): boolean {
  return TICKER.test(ticker);
}

/**
 * The first page of hourly bars for one ticker. `from`/`to` are millisecond timestamps (the API
 * takes "a date YYYY-MM-DD or a millisecond timestamp"): where a plain date's day starts is the
 * API's choice and not documented as UTC, while ms bounds make the window exactly the UTC days asked.
 */
export function aggsUrl(baseUrl: string, ticker: string, window: ValidatedStocksRequest, apiKey: string): string {
  const path = `/v2/aggs/ticker/${encodeURIComponent(ticker.toUpperCase())}/range/1/hour/${window.fromMs}/${window.endMs - 1}`;
  const url = new URL(baseUrl.replace(/\/+$/, "") + path);
  url.searchParams.set("adjusted", "true");
  url.searchParams.set("sort", "asc");
  url.searchParams.set("limit", "50000");
  url.searchParams.set("apiKey", apiKey);
  return url.toString();
}

/**
 * The next page from a `next_url`: Polygon's next_url omits the key, so it is appended again,
 * and the URL is rebased onto our base URL so the key only ever goes where we were told to send it.
 */
export function nextPageUrl(baseUrl: string, nextUrl: string, apiKey: string): string {
  const next = new URL(nextUrl, baseUrl);
  const url = new URL(baseUrl.replace(/\/+$/, "") + next.pathname + next.search);
  url.searchParams.set("apiKey", apiKey);
  return url.toString();
}

/** Replaces every occurrence of the key in a text (a body excerpt could echo it back). */
export function scrubSecret(text: string, secret: string): string {
  return secret === "" ? text : text.split(secret).join("***");
}
