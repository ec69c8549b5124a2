import { z } from "zod";
import type { RejectedRecord } from "../../delivery/error-sink";
import type { Clock } from "../../lake/clock";
import { systemClock } from "../../lake/clock";
import type { Logger } from "../../log/logger";
import { silentLogger } from "../../log/logger";
import type { ColumnSpec, Location } from "../../pipeline/types";
import { validateBaseUrl } from "../http/base-url";
import { HttpError, HttpStatusError, RateLimitedError } from "../http/errors";
import { HttpJsonClient } from "../http/http-json-client";
import type { HttpJsonClientOptions } from "../http/http-json-client";
import { RequestPacer } from "../http/pacer";
import { redactUrl } from "../http/redact-url";
import { parseDay } from "../synthetic/range";
import { SourceError } from "../source";
import type { FetchRequest, LocationOutcome, Source } from "../source";
import type { RestSourceConfig } from "./config";
import { RestPageError, RestPagingError, RestRequestError } from "./errors";
import { createPaginator, PageProblem } from "./paginators";
import { RecordMapper } from "./records";
import type { RestRecord } from "./records";
import { resolveAuth, scrubber, scrubbingLogger } from "./secrets";
import type { ResolvedAuth, SecretResolver } from "./secrets";

/** A record the source could not map, ready for the stream's error output (`RejectedRecordSink.reject`). */
export interface RestRejectedRecord extends RejectedRecord {
  /** The output column at fault. */
  readonly field: string;
  readonly subject: string;
  /** The page it came from, without credentials. */
  readonly pageUrl: string;
}

/**
 * A subject's outcome: its records, plus the items that could not be records (`rejected`,
 * which the delivery layer writes to the error output; the records still go to the stream).
 * A failed subject carries neither: it failed as a whole, and a re-run fetches it again.
 */
export type RestOutcome = LocationOutcome<RestRecord, RestRejectedRecord>;

/** Options of a {@link RestSource}. */
export interface RestSourceOptions {
  /** A config parsed by `parseRestSourceConfig` (checked before any request). */
  readonly config: RestSourceConfig;
  /** Looks the auth's secret up by name; `envSecrets()` locally. */
  readonly secrets: SecretResolver;
  /** The dataset's record schema: decides which fields are required (non-nullable columns). */
  readonly schema?: readonly ColumnSpec[];
  /** Replaces `client.base_url` (a test server, a proxy); paths and params are joined to it as to base_url. */
  readonly baseUrl?: string;
  /** The source's name in summaries and logs (default "rest"). */
  readonly name?: string;
  /** The dataset it feeds, named in errors about the source's own settings (a bad base URL). */
  readonly dataset?: string;
  readonly http?: HttpJsonClientOptions;
  /** Stamps `collection_time` and drives the pacer. */
  readonly clock?: Clock;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly logger?: Logger;
}

/** Once credentials are refused or a rate limit is spent, later subjects are not sent. */
interface RunState {
  stop?: SourceError;
}

const anyJson = z.unknown();

/**
 * A public JSON API described by a config instead of code: per subject, the endpoint's pages as
 * the paginator walks them (at most `max_pages`), the selected data checked on every page, each
 * item mapped through `fields` (+ `subject`, `collection_time`), the time column normalized.
 * The shared {@link HttpJsonClient} does retries, 429/Retry-After and timeouts; `rate_limit`
 * paces request starts. No secret reaches a log, an error or a shown URL: every text the source
 * emits goes through one scrubber that knows the secret's forms.
 */
export class RestSource implements Source<RestRecord> {
  readonly name: string;
  private readonly config: RestSourceConfig;
  private readonly auth: ResolvedAuth;
  private readonly scrub: (text: string) => string;
  private readonly mapper: RecordMapper;
  private readonly client: HttpJsonClient;
  private readonly pacer: RequestPacer;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly usesSubject: boolean;
  private readonly baseUrl: string;

  /** Throws `MissingSecretError` when the auth's secret is not set: before any request. */
  constructor(options: RestSourceOptions) {
    const { config } = options;
    this.config = config;
    this.name = options.name ?? "rest";
    this.baseUrl = options.baseUrl === undefined ? config.client.base_url : validateBaseUrl(options.baseUrl, options.dataset ? `dataset ${options.dataset}'s REST source:` : `REST source ${this.name}:`);
    this.auth = resolveAuth(config.client.auth, options.secrets);
    this.scrub = scrubber(this.auth.hidden);
    this.mapper = new RecordMapper(config, options.schema);
    this.clock = options.clock ?? systemClock;
    this.logger = scrubbingLogger(options.logger ?? silentLogger, this.scrub);
    const rate = config.rate_limit;
    const perMinute = rate === undefined ? Infinity : rate.per === "second" ? rate.requests * 60 : rate.requests;
    this.pacer = new RequestPacer({ requestsPerMinute: perMinute, clock: this.clock, sleep: options.sleep });
    this.client = new HttpJsonClient({
      clock: this.clock,
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...options.http,
      logger: scrubbingLogger(options.http?.logger ?? options.logger ?? silentLogger, this.scrub),
      headers: { ...options.http?.headers, ...config.client.headers, ...this.auth.headers },
    });
    const params = Object.values(config.endpoint.params).map(String);
    this.usesSubject = [config.endpoint.path, ...params].some((text) => text.includes("{subject}"));
  }

  async *fetch(request: FetchRequest, signal?: AbortSignal): AsyncIterable<RestOutcome> {
    const fromMs = parseDay(request.from, "from");
    if (parseDay(request.to, "to") < fromMs) throw new SourceError(`from (${request.from}) is after to (${request.to})`);
    if (request.locations.length > 1 && !this.usesSubject) {
      throw new SourceError(
        `${request.locations.length} subjects were asked for, but neither endpoint.path nor endpoint.params uses {subject}: every subject would fetch the same data`,
      );
    }
    const state: RunState = {};
    this.logger.debug("rest fetch", { source: this.name, base: this.baseUrl, from: request.from, to: request.to, subjects: request.locations.length });
    for (const location of request.locations) yield await this.fetchSubject(location, request, state, signal);
  }

  private async fetchSubject(location: Location, request: FetchRequest, state: RunState, signal?: AbortSignal): Promise<RestOutcome> {
    const subject = location.name;
    if (subject.trim() === "") return { location, error: new SourceError("a subject must not be empty", location) };
    if (state.stop) return { location, error: new SourceError(`request for subject ${subject} not sent: ${state.stop.message}`, location) };
    const records: RestRecord[] = [];
    const rejected: RestRejectedRecord[] = [];
    const paginator = createPaginator(this.config.client.paginator);
    let url = this.withAuth(paginator.first(this.firstUrl(subject, request)));
    const seen = new Set<string>([url.toString()]);
    try {
      for (let page = 1; ; page++) {
        await this.pacer.wait(signal);
        const shown = this.shown(url);
        this.logger.debug("rest request", { source: this.name, subject, page, url: shown });
        const { body, headers } = await this.client.getJsonResponse(url, anyJson, { signal });
        const collectedAt = new Date(this.clock.now()).toISOString();
        let items: readonly unknown[];
        let next: URL | undefined;
        try {
          items = this.mapper.select(body);
          next = paginator.next({ url, body, headers, records: items.length });
        } catch (error) {
          if (!(error instanceof PageProblem)) throw error;
          return { location, error: new RestPageError(this.scrub(`page ${page} of subject ${subject} (GET ${shown}): ${error.message}`), shown, location) };
        }
        items.forEach((item, i) => {
          const mapped = this.mapper.map(item, body);
          if (mapped.record) records.push({ ...mapped.record, subject, collection_time: collectedAt });
          else rejected.push(this.rejection(item, mapped.problem, subject, shown, page, i));
        });
        if (next === undefined) break;
        next = this.withAuth(next);
        const stuck = this.pagingGuard(next, page, seen, location);
        if (stuck) return { location, error: stuck };
        seen.add(next.toString());
        url = next;
      }
      return { location, records, rejected };
    } catch (error) {
      if (signal?.aborted) throw error;
      return { location, error: this.describeFailure(location, error, state) };
    }
  }

  /** Why paging must stop before `next`: more than `max_pages`, or a page already fetched (a loop). */
  private pagingGuard(next: URL, page: number, seen: ReadonlySet<string>, location: Location): RestPagingError | undefined {
    const shown = this.shown(next);
    const subject = location.name;
    if (page >= this.config.max_pages) {
      const message = `paging of subject ${subject} did not end after ${page} page(s) (max_pages ${this.config.max_pages}; the next would be GET ${shown})`;
      return new RestPagingError(message, shown, page, location);
    }
    if (seen.has(next.toString())) {
      return new RestPagingError(`paging of subject ${subject} loops: page ${page} points back to GET ${shown}, already fetched`, shown, page, location);
    }
    return undefined;
  }

  /** base_url + path (`{subject}` URL-encoded in the path) + params with their placeholders filled. */
  private firstUrl(subject: string, request: FetchRequest): URL {
    const fill = (text: string, encode: (s: string) => string) =>
      text.replace(/\{(from|to|subject)\}/g, (_, name: string) => encode(name === "from" ? request.from : name === "to" ? request.to : subject));
    const base = this.baseUrl.replace(/\/+$/, "");
    const path = fill(this.config.endpoint.path, encodeURIComponent).replace(/^\/+/, "");
    const url = new URL(`${base}/${path}`);
    for (const [name, value] of Object.entries(this.config.endpoint.params)) url.searchParams.set(name, fill(String(value), (s) => s));
    return url;
  }

  /** Sets the api_key query parameter (on next links too, replacing whatever value the API echoed). */
  private withAuth(url: URL): URL {
    if (this.auth.query === undefined) return url;
    const out = new URL(url);
    out.searchParams.set(this.auth.query.name, this.auth.query.value);
    return out;
  }

  /** The URL as messages and logs show it: no auth parameter, no credential-like parameter, no secret. */
  private shown(url: URL): string {
    const copy = new URL(url);
    if (this.auth.query) copy.searchParams.delete(this.auth.query.name);
    return this.scrub(redactUrl(copy));
  }

  private rejection(item: unknown, problem: { code: string; field: string; message: string }, subject: string, pageUrl: string, page: number, index: number): RestRejectedRecord {
    return {
      data: this.scrub(JSON.stringify(item) ?? "null"),
      errorCode: problem.code,
      errorMessage: this.scrub(`${problem.message}; subject ${subject}, item ${index} of page ${page} (GET ${pageUrl})`),
      attemptsMade: 0,
      arrivalTimestamp: this.clock.now(),
      field: problem.field,
      subject,
      pageUrl,
    };
  }

  private describeFailure(location: Location, error: unknown, state: RunState): SourceError {
    const message = this.scrub(error instanceof Error ? error.message : String(error));
    const status = error instanceof HttpStatusError ? error.status : undefined;
    const url = error instanceof HttpError ? this.scrub(error.url) : undefined;
    const failed = new RestRequestError(
      `request for subject ${location.name} failed: ${message}${status === 401 || status === 403 ? " (check the secret named in client.auth.secret)" : ""}`,
      error instanceof Error ? error.name : "Error",
      url,
      status,
      location,
    );
    // Refused credentials and a spent rate limit fail every later subject the same way.
    if (status === 401 || error instanceof RateLimitedError) state.stop = failed;
    return failed;
  }
}
