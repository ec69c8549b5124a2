import type { ZodType, ZodTypeDef } from "zod";
import type { Clock } from "../../lake/clock";
import { systemClock } from "../../lake/clock";
import type { Logger } from "../../log/logger";
import { silentLogger } from "../../log/logger";
import { fullJitterDelay } from "./backoff";
import { describeZodError } from "./describe-zod";
import { HttpNetworkError, HttpStatusError, HttpTimeoutError, MalformedResponseError, RateLimitedError } from "./errors";
import { redactUrl } from "./redact-url";
import { parseRetryAfter } from "./retry-after";
import { Semaphore } from "./semaphore";
import { abortableSleep } from "./sleep";

/** API-specific readings of an error body, so the client itself stays generic. */
export interface HttpClientHooks {
  /** The API's own explanation of a failed request (e.g. a JSON `reason` field). */
  describeError?(status: number, body: string): string | undefined;
  /**
   * For a 429 without a usable `Retry-After`: until when (epoch ms) the API wants us to wait
   * and which limit was hit. Undefined falls back to exponential back-off.
   */
  rateLimitWait?(body: string, nowMs: number): { untilMs: number; limit: string; reason: string } | undefined;
}

/** Settings of an {@link HttpJsonClient}; every field has a default. */
export interface HttpJsonClientOptions {
  /** Per attempt, covering headers and body (default 30 000). */
  readonly timeoutMs?: number;
  /** Attempts for network errors, timeouts and 5xx, first one included (default 4). */
  readonly maxAttempts?: number;
  /** Back-off base and cap for those retries (defaults 500 ms and 30 s). */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Requests in flight at once across all callers of this client (default 1). */
  readonly maxInFlight?: number;
  /** Longest wait a 429 may ask for before we give up with a RateLimitedError (default 65 s). */
  readonly maxRateLimitWaitMs?: number;
  /** 429 answers tolerated per request before giving up (default 3). */
  readonly maxRateLimitRetries?: number;
  readonly hooks?: HttpClientHooks;
  readonly headers?: Readonly<Record<string, string>>;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random?: () => number;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

type Attempt =
  | { readonly kind: "response"; readonly status: number; readonly headers: Headers; readonly body: string }
  | { readonly kind: "timeout" }
  | { readonly kind: "network"; readonly error: unknown };

const EXCERPT_CHARS = 300;
/** Fetch's own limit is 20 (WHATWG Fetch, HTTP-redirect fetch); an API needs far fewer. */
const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * GETs JSON with a timeout, bounded retries (full-jitter back-off on network errors, timeouts
 * and 5xx), 429 handling (`Retry-After` or a hook), a cap on requests in flight, and zod
 * validation of the body. Every error names the URL without its credentials.
 */
export class HttpJsonClient {
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxRateLimitWaitMs: number;
  private readonly maxRateLimitRetries: number;
  private readonly hooks: HttpClientHooks;
  private readonly headers: Readonly<Record<string, string>>;
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly slots: Semaphore;
  /** A 429 pauses every request of this client, not only the one that received it. */
  private pausedUntil = 0;

  constructor(options: HttpJsonClientOptions = {}) {
    this.timeoutMs = positive(options.timeoutMs ?? 30_000, "timeoutMs");
    this.maxAttempts = positiveInt(options.maxAttempts ?? 4, "maxAttempts");
    this.baseDelayMs = nonNegative(options.baseDelayMs ?? 500, "baseDelayMs");
    this.maxDelayMs = nonNegative(options.maxDelayMs ?? 30_000, "maxDelayMs");
    this.maxRateLimitWaitMs = nonNegative(options.maxRateLimitWaitMs ?? 65_000, "maxRateLimitWaitMs");
    this.maxRateLimitRetries = nonNegativeInt(options.maxRateLimitRetries ?? 3, "maxRateLimitRetries");
    this.slots = new Semaphore(positiveInt(options.maxInFlight ?? 1, "maxInFlight"));
    this.hooks = options.hooks ?? {};
    this.headers = options.headers ?? {};
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    this.sleep = options.sleep ?? abortableSleep;
    this.random = options.random ?? Math.random;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
  }

  /** GET `url` and return its JSON body validated by `schema`. */
  async getJson<T>(url: string | URL, schema: ZodType<T, ZodTypeDef, unknown>, options: { signal?: AbortSignal } = {}): Promise<T> {
    return (await this.getJsonResponse(url, schema, options)).body;
  }

  /** As {@link getJson}, also returning the final response's headers (an RFC 8288 `Link` header, say). */
  async getJsonResponse<T>(
    url: string | URL,
    schema: ZodType<T, ZodTypeDef, unknown>,
    options: { signal?: AbortSignal } = {},
  ): Promise<{ readonly body: T; readonly headers: Headers }> {
    const { signal } = options;
    const safeUrl = redactUrl(url);
    let failures = 0;
    let rateLimited = 0;
    for (;;) {
      await this.waitWhilePaused(signal);
      const attempt = await this.attemptOnce(String(url), signal);

      if (attempt.kind === "response" && attempt.status >= 200 && attempt.status < 300) {
        return { body: parseBody(safeUrl, attempt.body, schema), headers: attempt.headers };
      }
      if (attempt.kind === "response" && attempt.status === 429) {
        rateLimited++;
        this.onRateLimited(safeUrl, attempt, rateLimited);
        continue;
      }
      if (attempt.kind === "response" && attempt.status < 500) {
        throw this.statusError(safeUrl, attempt.status, attempt.body);
      }

      failures++;
      if (failures >= this.maxAttempts) throw this.finalError(safeUrl, attempt, failures);
      const delay = fullJitterDelay(failures, this.baseDelayMs, this.maxDelayMs, this.random);
      this.logger.warn("http request failed, retrying", { url: safeUrl, attempt: failures, delayMs: delay, failure: describeAttempt(attempt) });
      await this.sleep(delay, signal);
    }
  }

  private async waitWhilePaused(signal?: AbortSignal): Promise<void> {
    const wait = this.pausedUntil - this.clock.now();
    // One sleep, not a loop: an injected test sleep returns at once without moving the clock.
    if (wait > 0) await this.sleep(wait, signal);
  }

  private async attemptOnce(url: string, signal?: AbortSignal): Promise<Attempt> {
    const release = await this.slots.acquire();
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      // Redirects are followed here, not by fetch: fetch would send the configured headers (an
      // X-Api-Key, say; it only drops Authorization) to whatever origin a Location names.
      const origin = new URL(url).origin;
      let current = new URL(url);
      for (let hop = 0; ; hop++) {
        const headers = current.origin === origin ? { accept: "application/json", ...this.headers } : { accept: "application/json" };
        const response = await this.fetchImpl(current, { signal: combined, headers, redirect: "manual" });
        const location = REDIRECT_STATUSES.has(response.status) ? response.headers.get("location") : null;
        if (location !== null) {
          await response.body?.cancel();
          const target = new URL(location, current);
          if (hop >= MAX_REDIRECTS) {
            const body = `followed ${MAX_REDIRECTS} redirects and was sent to ${redactUrl(target)} again; not followed further`;
            return { kind: "response", status: response.status, headers: response.headers, body };
          }
          if (target.origin !== origin) this.logger.info("http redirect to another origin: the configured headers are not sent there", { url: redactUrl(target) });
          current = target;
          continue;
        }
        // Reading the body is inside the timeout too: a server can stall half-way through.
        const body = await response.text();
        return { kind: "response", status: response.status, headers: response.headers, body };
      }
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      if (timeout.aborted) return { kind: "timeout" };
      return { kind: "network", error };
    } finally {
      release();
    }
  }

  private onRateLimited(url: string, attempt: Extract<Attempt, { kind: "response" }>, count: number): void {
    const now = this.clock.now();
    const fromHook = this.hooks.rateLimitWait?.(attempt.body, now);
    const retryAfter = parseRetryAfter(attempt.headers.get("retry-after"), now);
    const limit = fromHook?.limit ?? (retryAfter !== undefined ? "Retry-After" : "unspecified");
    const reason = fromHook?.reason ?? this.hooks.describeError?.(429, attempt.body) ?? excerpt(attempt.body);
    const waitMs =
      retryAfter ?? (fromHook ? Math.max(0, fromHook.untilMs - now) : fullJitterDelay(count, this.baseDelayMs, this.maxDelayMs, this.random));

    if (count > this.maxRateLimitRetries) {
      throw new RateLimitedError(
        `GET ${url} is still rate-limited (${limit} limit) after ${count - 1} wait(s): ${reason}`,
        url,
        limit,
        waitMs,
      );
    }
    if (waitMs > this.maxRateLimitWaitMs) {
      throw new RateLimitedError(
        `GET ${url} hit the ${limit} rate limit: ${reason}. The API asks to wait ${seconds(waitMs)} s ` +
          `(until ${new Date(now + waitMs).toISOString()}), more than the ${seconds(this.maxRateLimitWaitMs)} s allowed by maxRateLimitWaitMs`,
        url,
        limit,
        waitMs,
      );
    }
    this.pausedUntil = Math.max(this.pausedUntil, now + waitMs);
    this.logger.warn("http request rate-limited, waiting", { url, limit, waitMs, reason });
  }

  private statusError(url: string, status: number, body: string): HttpStatusError {
    return new HttpStatusError(url, status, excerpt(body), this.hooks.describeError?.(status, body));
  }

  private finalError(url: string, attempt: Attempt, attempts: number): Error {
    if (attempt.kind === "timeout") return new HttpTimeoutError(url, this.timeoutMs, attempts);
    if (attempt.kind === "network") return new HttpNetworkError(url, attempts, attempt.error);
    return this.statusError(url, attempt.status, attempt.body);
  }
}

function parseBody<T>(url: string, body: string, schema: ZodType<T, ZodTypeDef, unknown>): T {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new MalformedResponseError(url, `body is not valid JSON (${why}); ${body.length} characters, ending "${body.slice(-40)}"`, {
      cause: error,
    });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new MalformedResponseError(url, describeZodError(parsed.error), { cause: parsed.error });
  return parsed.data;
}

function describeAttempt(attempt: Attempt): string {
  if (attempt.kind === "timeout") return "timeout";
  if (attempt.kind === "network") return attempt.error instanceof Error ? attempt.error.message : String(attempt.error);
  return `HTTP ${attempt.status}`;
}

function excerpt(body: string): string {
  const flat = body.replace(/\s+/g, " ").trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS)}…` : flat;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1);
}

function positive(value: number, field: string): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${field} must be a positive number, got ${value}`);
  return value;
}

function nonNegative(value: number, field: string): number {
  if (!(value >= 0) || !Number.isFinite(value)) throw new RangeError(`${field} must be ≥ 0, got ${value}`);
  return value;
}

function positiveInt(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${field} must be an integer ≥ 1, got ${value}`);
  return value;
}

function nonNegativeInt(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${field} must be an integer ≥ 0, got ${value}`);
  return value;
}
