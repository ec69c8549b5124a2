import type { HttpClientHooks } from "../http/http-json-client";

/**
 * What OpenAQ said in an error body: `{"message":"Unauthorized. A valid API key must be provided
 * in the X-API-Key header."}`, FastAPI's `{"detail":"…"}` or its 422 `{"detail":[{"msg":…}]}`.
 */
export function openAqErrorText(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== "object" || parsed === null) return undefined;
    const { detail, message, error } = parsed as { detail?: unknown; message?: unknown; error?: unknown };
    for (const value of [detail, message, error]) {
      if (typeof value === "string") return value;
    }
    if (Array.isArray(detail)) {
      const msgs = detail.map((d: unknown) => (typeof d === "object" && d !== null ? (d as { msg?: unknown }).msg : undefined)).filter((m) => typeof m === "string");
      if (msgs.length > 0) return msgs.join("; ");
    }
  } catch {
    // Not JSON: the client falls back to the raw excerpt.
  }
  return undefined;
}

const MINUTE_MS = 60_000;

/**
 * OpenAQ's 429 asks to "wait until the next rate limit period starts" (limits: 60/minute,
 * 2,000/hour, https://docs.openaq.org/using-the-api/rate-limits). The period's end is in the
 * `x-ratelimit-reset` header, which client hooks cannot see, so wait for the next UTC minute.
 */
export function openAqRateLimitWait(body: string, nowMs: number): { untilMs: number; limit: string; reason: string } {
  return {
    untilMs: Math.floor(nowMs / MINUTE_MS) * MINUTE_MS + MINUTE_MS,
    limit: "minutely",
    reason: openAqErrorText(body) ?? "HTTP 429 Too Many Requests",
  };
}

/** Hooks that teach the generic HTTP client OpenAQ's error and rate-limit bodies. */
export const openAqHooks: HttpClientHooks = {
  describeError: (_status, body) => openAqErrorText(body),
  rateLimitWait: openAqRateLimitWait,
};
