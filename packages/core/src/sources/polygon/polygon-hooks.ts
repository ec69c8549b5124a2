import type { HttpClientHooks } from "../http/http-json-client";

/**
 * What Polygon said in an error body: `{"status":"ERROR","request_id":"…","error":"Unknown API Key"}`
 * or `{"status":"NOT_AUTHORIZED","request_id":"…","message":"You are not entitled to this data…"}`.
 */
export function polygonErrorText(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== "object" || parsed === null) return undefined;
    const { error, message, status } = parsed as { error?: unknown; message?: unknown; status?: unknown };
    const text = typeof error === "string" ? error : typeof message === "string" ? message : undefined;
    if (text === undefined) return undefined;
    return typeof status === "string" && status !== "ERROR" ? `${status}: ${text}` : text;
  } catch {
    // A proxy's HTML page, say: the client falls back to the raw excerpt.
    return undefined;
  }
}

const MINUTE_MS = 60_000;

/**
 * Polygon's 429 ("You've exceeded the maximum requests per minute…") carries no Retry-After;
 * its free-tier window is per minute, so wait a full minute from now (not to the next minute
 * boundary, which may be a second away and fail again on a rolling window).
 */
export function polygonRateLimitWait(body: string, nowMs: number): { untilMs: number; limit: string; reason: string } {
  return { untilMs: nowMs + MINUTE_MS, limit: "minutely", reason: polygonErrorText(body) ?? "HTTP 429 Too Many Requests" };
}

/** Hooks that teach the generic HTTP client Polygon's error and rate-limit bodies. */
export const polygonHooks: HttpClientHooks = {
  describeError: (_status, body) => polygonErrorText(body),
  rateLimitWait: polygonRateLimitWait,
};
