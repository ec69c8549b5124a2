export { fullJitterDelay } from "./backoff";
export { describeZodError } from "./describe-zod";
export { HttpError, HttpNetworkError, HttpStatusError, HttpTimeoutError, MalformedResponseError, RateLimitedError } from "./errors";
export { HttpJsonClient } from "./http-json-client";
export type { HttpClientHooks, HttpJsonClientOptions } from "./http-json-client";
export { redactUrl } from "./redact-url";
export { parseRetryAfter } from "./retry-after";
export { Semaphore } from "./semaphore";
export { abortableSleep } from "./sleep";
