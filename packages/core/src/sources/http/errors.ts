/** Base of every HTTP client failure; `url` is already stripped of secrets. */
export class HttpError extends Error {
  override readonly name: string = "HttpError";
  constructor(
    message: string,
    readonly url: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** No complete response within the per-request timeout, on every attempt. */
export class HttpTimeoutError extends HttpError {
  override readonly name = "HttpTimeoutError";
  constructor(
    url: string,
    readonly timeoutMs: number,
    readonly attempts: number,
  ) {
    super(`GET ${url} timed out after ${timeoutMs} ms (${attempts} attempt(s))`, url);
  }
}

/** The connection failed (refused, reset, DNS…) on every attempt. */
export class HttpNetworkError extends HttpError {
  override readonly name = "HttpNetworkError";
  constructor(
    url: string,
    readonly attempts: number,
    cause: unknown,
  ) {
    super(`GET ${url} failed after ${attempts} attempt(s): ${causeText(cause)}`, url, { cause });
  }
}

/** A non-2xx answer that was not retried or kept failing. */
export class HttpStatusError extends HttpError {
  override readonly name = "HttpStatusError";
  constructor(
    url: string,
    readonly status: number,
    /** The start of the response body, whitespace collapsed. */
    readonly bodyExcerpt: string,
    /** What the API said went wrong, when a hook could read it from the body. */
    readonly detail?: string,
  ) {
    super(`GET ${url} answered HTTP ${status}: ${detail ?? (bodyExcerpt || "(empty body)")}`, url);
  }
}

/** The API rate-limited us and asked for a longer wait than allowed (or kept refusing). */
export class RateLimitedError extends HttpError {
  override readonly name = "RateLimitedError";
  constructor(
    message: string,
    url: string,
    /** Which limit, e.g. "minutely", "hourly", "daily" or "Retry-After". */
    readonly limit: string,
    /** How long the API asked us to wait, when known. */
    readonly waitMs?: number,
  ) {
    super(message, url);
  }
}

/** The body was not JSON, or JSON of the wrong shape; `problem` says what was wrong and where. */
export class MalformedResponseError extends HttpError {
  override readonly name = "MalformedResponseError";
  constructor(
    url: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`GET ${url} returned a malformed response: ${problem}`, url, options);
  }
}

function causeText(cause: unknown): string {
  if (cause instanceof Error) {
    // undici wraps the socket error: "fetch failed" with the useful part in `cause`.
    const inner = (cause as { cause?: unknown }).cause;
    return inner instanceof Error ? `${cause.message} (${inner.message})` : cause.message;
  }
  return String(cause);
}
