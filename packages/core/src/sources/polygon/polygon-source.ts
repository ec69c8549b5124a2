import type { Clock } from "../../lake/clock";
import { systemClock } from "../../lake/clock";
import type { Logger } from "../../log/logger";
import { silentLogger } from "../../log/logger";
import type { StockBarRecord } from "../../pipeline/stocks";
import type { Location } from "../../pipeline/types";
import { HttpStatusError, RateLimitedError } from "../http/errors";
import { HttpJsonClient } from "../http/http-json-client";
import type { HttpJsonClientOptions } from "../http/http-json-client";
import { redactUrl } from "../http/redact-url";
import { SourceError } from "../source";
import type { FetchRequest, LocationOutcome, Source } from "../source";
import { PolygonKeyRejectedError } from "./errors";
import { RequestPacer } from "../http/pacer";
import { requestsPerMinuteOf } from "../quota";
import { POLYGON_QUOTAS } from "./quotas";
import { polygonHooks } from "./polygon-hooks";
import { POLYGON_BASE_URL, aggsUrl, isValidTicker, nextPageUrl, scrubSecret, validateStocksRequest } from "./request";
import type { ValidatedStocksRequest } from "./request";
import { aggsResponseSchema, toStockBarRecords } from "./response";
import { validateBaseUrl } from "../http/base-url";

/** Options of the Polygon source; only `apiKey` is required. */
export interface PolygonSourceOptions {
  /** Sent as the `apiKey` query parameter; never logged nor put in an error message. */
  readonly apiKey: string;
  /** Replaces https://api.polygon.io (a test server, a proxy); `next_url` pages are rebased onto it. */
  readonly baseUrl?: string;
  /** Request starts per minute (default 5, Polygon's free tier); `Infinity` for paid plans. */
  readonly requestsPerMinute?: number;
  /** Pages followed per ticker before giving up (default 50): a guard against a looping `next_url`. */
  readonly maxPages?: number;
  /** A ready client; otherwise one is built from `http` with Polygon's hooks. */
  readonly client?: HttpJsonClient;
  readonly http?: HttpJsonClientOptions;
  /** Stamps `collection_time` and drives the pacer. */
  readonly clock?: Clock;
  /** Used by the pacer (and by the built client unless `http.sleep` is given). */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly logger?: Logger;
}

type Outcome = LocationOutcome<StockBarRecord>;

/** Once the key is refused or a rate limit is spent, later tickers are not sent. */
interface RunState {
  stop?: SourceError;
}

/**
 * Hourly bars from Polygon's aggregates endpoint, one ticker per call (seed 001) and paced for
 * the free tier. `Location.name` is the ticker; coordinates are ignored. The request's
 * `variables` are ignored too: a bar always has the same columns.
 */
export class PolygonSource implements Source<StockBarRecord> {
  readonly name = "polygon";
  private readonly apiKey: string;
  private readonly baseUrl: string;
  private readonly maxPages: number;
  private readonly client: HttpJsonClient;
  private readonly pacer: RequestPacer;
  private readonly clock: Clock;
  private readonly logger: Logger;

  constructor(options: PolygonSourceOptions) {
    if (typeof options.apiKey !== "string" || options.apiKey.trim() === "") {
      throw new SourceError("a Polygon API key is required (set POLYGON_API_KEY)");
    }
    this.apiKey = options.apiKey.trim();
    this.baseUrl = validateBaseUrl(options.baseUrl ?? POLYGON_BASE_URL, "Polygon");
    this.maxPages = options.maxPages ?? 50;
    if (!Number.isInteger(this.maxPages) || this.maxPages < 1) throw new SourceError(`maxPages must be an integer ≥ 1, got ${options.maxPages}`);
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.pacer = new RequestPacer({ requestsPerMinute: options.requestsPerMinute ?? requestsPerMinuteOf(POLYGON_QUOTAS), clock: this.clock, sleep: options.sleep });
    this.client =
      options.client ??
      new HttpJsonClient({
        clock: this.clock,
        logger: this.logger,
        ...(options.sleep ? { sleep: options.sleep } : {}),
        ...options.http,
        hooks: { ...polygonHooks, ...options.http?.hooks },
      });
  }

  async *fetch(request: FetchRequest, signal?: AbortSignal): AsyncIterable<Outcome> {
    const window = validateStocksRequest(request);
    const state: RunState = {};
    this.logger.debug("polygon fetch", { base: this.baseUrl, from: request.from, to: request.to, tickers: request.locations.length });
    for (const location of request.locations) {
      yield await this.fetchTicker(location, window, state, signal);
    }
  }

  private async fetchTicker(location: Location, window: ValidatedStocksRequest, state: RunState, signal?: AbortSignal): Promise<Outcome> {
    const ticker = location.name.trim().toUpperCase();
    if (!isValidTicker(ticker)) {
      return { location, error: new SourceError(`"${location.name}" is not a ticker symbol (letters, digits, ".", ":" or "-")`, location) };
    }
    if (state.stop) {
      return { location, error: new SourceError(`Polygon request for ticker ${ticker} not sent: ${state.stop.message}`, location, { cause: state.stop }) };
    }
    try {
      const records: StockBarRecord[] = [];
      let url = aggsUrl(this.baseUrl, ticker, window, this.apiKey);
      const seen = new Set<string>();
      for (let page = 1; ; page++) {
        await this.pacer.wait(signal);
        this.logger.debug("polygon request", { ticker, page, url: redactUrl(url) });
        const body = await this.client.getJson(url, aggsResponseSchema, { signal });
        if (body.status !== "OK" && body.status !== "DELAYED") {
          const why = body.error ?? body.message ?? "(no message)";
          return { location, error: new SourceError(this.scrub(`Polygon answered status ${body.status} for ticker ${ticker} (page ${page}): ${why}`), location) };
        }
        records.push(...toStockBarRecords(ticker, body.results ?? [], new Date(this.clock.now()).toISOString()));
        if (body.next_url === undefined || body.next_url === "") break;
        url = nextPageUrl(this.baseUrl, body.next_url, this.apiKey);
        if (seen.has(url) || page >= this.maxPages) {
          return {
            location,
            error: new SourceError(`Polygon paging for ticker ${ticker} did not end after ${page} page(s) (maxPages ${this.maxPages} or a repeated next_url)`, location),
          };
        }
        seen.add(url);
      }
      return { location, records };
    } catch (error) {
      if (signal?.aborted) throw error;
      return { location, error: this.describeFailure(location, ticker, error, state) };
    }
  }

  private describeFailure(location: Location, ticker: string, error: unknown, state: RunState): SourceError {
    if (error instanceof HttpStatusError && (error.status === 401 || error.status === 403)) {
      const said = this.scrub(error.detail ?? error.bodyExcerpt) || "(empty body)";
      const hint = error.status === 401 ? "the key is unknown or revoked (check POLYGON_API_KEY)" : "the key is not entitled to this ticker or date range";
      const rejected = new PolygonKeyRejectedError(
        `Polygon API key rejected for ticker ${ticker}: HTTP ${error.status} "${said}" — ${hint}`,
        location,
        error.status,
        { cause: error },
      );
      // An unknown key fails every ticker the same way: do not spend the rate limit on them.
      if (error.status === 401) state.stop = rejected;
      return rejected;
    }
    const message = this.scrub(error instanceof Error ? error.message : String(error));
    const failed = new SourceError(`Polygon request for ticker ${ticker} failed: ${message}`, location, { cause: error });
    if (error instanceof RateLimitedError) state.stop = failed;
    return failed;
  }

  private scrub(text: string): string {
    return scrubSecret(text, this.apiKey);
  }
}
