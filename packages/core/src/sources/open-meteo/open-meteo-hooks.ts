import type { HttpClientHooks } from "../http/http-json-client";

/** The `reason` of Open-Meteo's error body `{"error":true,"reason":"…"}`, if the body is one. */
export function openMeteoReason(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === "object" && parsed !== null && typeof (parsed as { reason?: unknown }).reason === "string") {
      return (parsed as { reason: string }).reason;
    }
  } catch {
    // Not JSON (a proxy's HTML page, say): the client falls back to the raw excerpt.
  }
  return undefined;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * For a 429 whose reason names Open-Meteo's minutely, hourly or daily limit ("Minutely API
 * request limit exceeded. Please try again in one minute."): wait until the next UTC
 * minute, hour or day boundary.
 */
export function openMeteoRateLimitWait(body: string, nowMs: number): { untilMs: number; limit: string; reason: string } | undefined {
  const reason = openMeteoReason(body);
  if (reason === undefined) return undefined;
  const period = /\b(minutely|hourly|daily)\b/i.exec(reason)?.[1]?.toLowerCase();
  if (period === undefined) return undefined;
  const step = period === "minutely" ? MINUTE_MS : period === "hourly" ? HOUR_MS : DAY_MS;
  return { untilMs: Math.floor(nowMs / step) * step + step, limit: period, reason };
}

/** Hooks that teach the generic HTTP client Open-Meteo's error and rate-limit bodies. */
export const openMeteoHooks: HttpClientHooks = {
  describeError: (_status, body) => openMeteoReason(body),
  rateLimitWait: openMeteoRateLimitWait,
};
