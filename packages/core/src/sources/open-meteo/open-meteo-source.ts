import type { Clock } from "../../lake/clock";
import { systemClock } from "../../lake/clock";
import type { Logger } from "../../log/logger";
import { silentLogger } from "../../log/logger";
import type { Location } from "../../pipeline/types";
import { HttpStatusError, RateLimitedError } from "../http/errors";
import { HttpJsonClient } from "../http/http-json-client";
import type { HttpJsonClientOptions } from "../http/http-json-client";
import { SourceError } from "../source";
import type { FetchRequest, LocationOutcome, Source, WeatherRecord } from "../source";
import { chooseEndpoint, endpointUrl } from "./endpoints";
import type { OpenMeteoEndpoint, OpenMeteoEndpointChoice } from "./endpoints";
import { openMeteoHooks } from "./open-meteo-hooks";
import { buildRequestUrl, validateRequest } from "./request";
import type { ValidatedRequest } from "./request";
import { responseSchema, toWeatherRecords } from "./response";
import { validateBaseUrl } from "../http/base-url";

/** Options of the Open-Meteo source; all optional. */
export interface OpenMeteoSourceOptions {
  /** Which API to call (default `auto`: chosen by date range, see {@link chooseEndpoint}). */
  readonly endpoint?: OpenMeteoEndpointChoice;
  /** Replaces the https://…open-meteo.com origin; `/v1/forecast` or `/v1/archive` is appended. */
  readonly baseUrl?: string;
  /** Locations per HTTP call (default 10). */
  readonly batchSize?: number;
  /** A ready client (shared with other sources); otherwise one is built from `http`. */
  readonly client?: HttpJsonClient;
  /** Settings for the client built when `client` is not given (Open-Meteo hooks are added). */
  readonly http?: HttpJsonClientOptions;
  /** Stamps `collection_time` and defines "today" for `auto`. */
  readonly clock?: Clock;
  readonly logger?: Logger;
}

type Outcome = LocationOutcome<WeatherRecord>;

/** What a run shares across batches: once a rate limit is spent, later batches are not sent. */
interface RunState {
  spent?: RateLimitedError;
}

/**
 * Hourly (or 15-minute, or current) weather from Open-Meteo: several locations per call, one outcome per location as
 * soon as its call completes. A 400 on a batch is retried location by location so the error
 * names exactly the rejected place(s) and the others still deliver.
 */
export class OpenMeteoSource implements Source<WeatherRecord> {
  readonly name = "open-meteo";
  readonly modes = ["hourly", "current", "minutely_15"] as const;
  private readonly endpoint: OpenMeteoEndpointChoice;
  private readonly baseUrl?: string;
  private readonly batchSize: number;
  private readonly client: HttpJsonClient;
  private readonly clock: Clock;
  private readonly logger: Logger;

  constructor(options: OpenMeteoSourceOptions = {}) {
    this.endpoint = options.endpoint ?? "auto";
    this.baseUrl = options.baseUrl === undefined ? undefined : validateBaseUrl(options.baseUrl, "Open-Meteo");
    this.batchSize = options.batchSize ?? 10;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) {
      throw new SourceError(`batchSize must be an integer ≥ 1, got ${options.batchSize}`);
    }
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.client =
      options.client ?? new HttpJsonClient({ clock: this.clock, logger: this.logger, ...options.http, hooks: { ...openMeteoHooks, ...options.http?.hooks } });
  }

  /** The endpoint a request goes to (resolves `auto` against the clock's UTC day). */
  endpointFor(request: Pick<FetchRequest, "from" | "to">): OpenMeteoEndpoint {
    if (this.endpoint !== "auto") return this.endpoint;
    const { fromMs, toMs } = validateRequest({ ...request, locations: [], variables: [] });
    const now = this.clock.now();
    return chooseEndpoint(fromMs, toMs, now - (now % 86_400_000));
  }

  async *fetch(request: FetchRequest, signal?: AbortSignal): AsyncIterable<Outcome> {
    const validated = validateRequest(request);
    const endpoint = this.endpointFor(request);
    const url = endpointUrl(endpoint, this.baseUrl);
    const state: RunState = {};
    this.logger.debug("open-meteo fetch", { endpoint, url, from: request.from, to: request.to, locations: request.locations.length });
    for (let i = 0; i < request.locations.length; i += this.batchSize) {
      yield* this.fetchBatch(url, endpoint, validated, request.locations.slice(i, i + this.batchSize), state, signal);
    }
  }

  private async *fetchBatch(
    url: string,
    endpoint: OpenMeteoEndpoint,
    request: ValidatedRequest,
    batch: readonly Location[],
    state: RunState,
    signal?: AbortSignal,
  ): AsyncIterable<Outcome> {
    if (state.spent) {
      yield* failAll(batch, (l) => `Open-Meteo request for ${describe(l)} not sent: an earlier call hit a rate limit (${state.spent!.message})`, state.spent);
      return;
    }
    try {
      const data = await this.client.getJson(buildRequestUrl(url, request, batch), responseSchema(request.variables, batch.length, request.mode), { signal });
      const collectionTime = new Date(this.clock.now()).toISOString();
      for (const [i, location] of batch.entries()) {
        yield { location, records: toWeatherRecords(location, data[i]!, request.variables, collectionTime) };
      }
    } catch (error) {
      if (signal?.aborted) throw error;
      if (error instanceof HttpStatusError && error.status === 400) {
        if (batch.length > 1) {
          this.logger.warn("open-meteo rejected a batch, retrying its locations one by one", { endpoint, locations: batch.map((l) => l.name) });
          for (const location of batch) yield* this.fetchBatch(url, endpoint, request, [location], state, signal);
          return;
        }
        const location = batch[0]!;
        const reason = error.detail ?? error.bodyExcerpt;
        yield { location, error: new SourceError(`Open-Meteo ${endpoint} rejected the request for ${describe(location)}: ${reason}`, location, { cause: error }) };
        return;
      }
      if (error instanceof RateLimitedError) state.spent = error;
      const message = error instanceof Error ? error.message : String(error);
      yield* failAll(batch, (l) => `Open-Meteo ${endpoint} request for ${describe(l)} failed: ${message}`, error);
    }
  }
}

function* failAll(batch: readonly Location[], message: (l: Location) => string, cause: unknown): Iterable<Outcome> {
  for (const location of batch) yield { location, error: new SourceError(message(location), location, { cause }) };
}

function describe(location: Location): string {
  return `"${location.name}" (${location.latitude},${location.longitude})`;
}
