import type { Clock } from "../../lake/clock";
import { systemClock } from "../../lake/clock";
import type { Logger } from "../../log/logger";
import { silentLogger } from "../../log/logger";
import type { AirQualityRecord } from "../../pipeline/air-quality";
import type { Location } from "../../pipeline/types";
import { HttpStatusError, RateLimitedError } from "../http/errors";
import { HttpJsonClient } from "../http/http-json-client";
import type { HttpJsonClientOptions } from "../http/http-json-client";
import { RequestPacer } from "../http/pacer";
import { requestsPerMinuteOf } from "../quota";
import { OPENAQ_QUOTAS } from "./quotas";
import { scrubSecret } from "../polygon/request";
import { SourceError } from "../source";
import type { FetchRequest, LocationOutcome, Source } from "../source";
import { OpenAqKeyRejectedError } from "./errors";
import { openAqHooks } from "./openaq-hooks";
import { OPENAQ_BASE_URL, OPENAQ_PAGE_LIMIT, locationIdOf, locationUrl, sensorHoursUrl, validateAirQualityRequest } from "./request";
import type { ValidatedAirQualityRequest } from "./request";
import { hourEndMs, hoursResponseSchema, locationResponseSchema, toAirQualityRecord } from "./response";
import type { OpenAqLocation, OpenAqSensor } from "./response";
import { validateBaseUrl } from "../http/base-url";

/** Options of the OpenAQ source; only `apiKey` is required. */
export interface OpenAqSourceOptions {
  /** Sent in the `X-API-Key` header; never logged nor put in an error message. */
  readonly apiKey: string;
  /** Replaces https://api.openaq.org (a test server, a proxy). */
  readonly baseUrl?: string;
  /** Request starts per minute (default 60, OpenAQ's free limit). */
  readonly requestsPerMinute?: number;
  /** Pages of 1,000 hours followed per sensor before giving up (default 100). */
  readonly maxPages?: number;
  readonly client?: HttpJsonClient;
  readonly http?: HttpJsonClientOptions;
  readonly clock?: Clock;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly logger?: Logger;
}

type Outcome = LocationOutcome<AirQualityRecord>;

interface RunState {
  stop?: SourceError;
}

/**
 * Hourly air quality from OpenAQ v3. `Location.name` is an OpenAQ location id ("2178"); its
 * coordinates are ignored (the station's own are recorded). Per location: `/v3/locations/{id}`
 * gives the sensors, the first sensor of each wanted parameter is kept (one value per location,
 * parameter and hour, the dataset's key), then `/v3/sensors/{id}/hours` is paged for the window.
 */
export class OpenAqSource implements Source<AirQualityRecord> {
  readonly name = "openaq";
  private readonly apiKey: string;
  private readonly baseUrl: string;
  private readonly maxPages: number;
  private readonly client: HttpJsonClient;
  private readonly pacer: RequestPacer;
  private readonly clock: Clock;
  private readonly logger: Logger;

  constructor(options: OpenAqSourceOptions) {
    if (typeof options.apiKey !== "string" || options.apiKey.trim() === "") {
      throw new SourceError("an OpenAQ API key is required (set OPENAQ_API_KEY)");
    }
    this.apiKey = options.apiKey.trim();
    this.baseUrl = validateBaseUrl(options.baseUrl ?? OPENAQ_BASE_URL, "OpenAQ");
    this.maxPages = options.maxPages ?? 100;
    if (!Number.isInteger(this.maxPages) || this.maxPages < 1) throw new SourceError(`maxPages must be an integer ≥ 1, got ${options.maxPages}`);
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.pacer = new RequestPacer({ requestsPerMinute: options.requestsPerMinute ?? requestsPerMinuteOf(OPENAQ_QUOTAS), clock: this.clock, sleep: options.sleep });
    this.client =
      options.client ??
      new HttpJsonClient({
        clock: this.clock,
        logger: this.logger,
        ...(options.sleep ? { sleep: options.sleep } : {}),
        ...options.http,
        headers: { ...options.http?.headers, "X-API-Key": this.apiKey },
        hooks: { ...openAqHooks, ...options.http?.hooks },
      });
  }

  async *fetch(request: FetchRequest, signal?: AbortSignal): AsyncIterable<Outcome> {
    const window = validateAirQualityRequest(request);
    const state: RunState = {};
    this.logger.debug("openaq fetch", { base: this.baseUrl, from: request.from, to: request.to, locations: request.locations.length });
    for (const location of request.locations) yield await this.fetchLocation(location, window, state, signal);
  }

  private async fetchLocation(location: Location, window: ValidatedAirQualityRequest, state: RunState, signal?: AbortSignal): Promise<Outcome> {
    const id = locationIdOf(location.name);
    if (id === undefined) {
      return { location, error: new SourceError(`"${location.name}" is not an OpenAQ location id (expected digits, e.g. "2178")`, location) };
    }
    if (state.stop) {
      return { location, error: new SourceError(`OpenAQ request for location ${id} not sent: ${state.stop.message}`, location, { cause: state.stop }) };
    }
    try {
      await this.pacer.wait(signal);
      const found = await this.client.getJson(locationUrl(this.baseUrl, id), locationResponseSchema, { signal });
      const station = found.results.find((r) => r.id === id) ?? found.results[0];
      if (station === undefined) return { location, error: new SourceError(`OpenAQ location ${id} not found (no result)`, location) };
      const sensors = pickSensors(station, window.parameters);
      if (sensors.length === 0) {
        const has = [...new Set(station.sensors.map((s) => s.parameter.name))].join(", ") || "nothing";
        return {
          location,
          error: new SourceError(`OpenAQ location ${id} ("${station.name ?? id}") measures none of ${window.parameters.join(", ")} (it measures: ${has})`, location),
        };
      }
      const records: AirQualityRecord[] = [];
      for (const sensor of sensors) records.push(...(await this.sensorRecords(station, sensor, window, signal)));
      return { location, records };
    } catch (error) {
      if (signal?.aborted) throw error;
      return { location, error: this.describeFailure(location, id, error, state) };
    }
  }

  private async sensorRecords(station: OpenAqLocation, sensor: OpenAqSensor, window: ValidatedAirQualityRequest, signal?: AbortSignal): Promise<AirQualityRecord[]> {
    const records: AirQualityRecord[] = [];
    const collectionTime = new Date(this.clock.now()).toISOString();
    for (let page = 1; ; page++) {
      await this.pacer.wait(signal);
      const body = await this.client.getJson(sensorHoursUrl(this.baseUrl, sensor.id, window, page), hoursResponseSchema, { signal });
      for (const hour of body.results) {
        const endMs = hourEndMs(hour);
        // Keep the hours that lie inside the requested UTC days, whatever end the API filters on.
        if (endMs === undefined || Number.isNaN(endMs) || endMs <= window.fromMs || endMs > window.endMs) continue;
        records.push(toAirQualityRecord(station, sensor, hour, endMs, collectionTime));
      }
      const found = body.meta?.found;
      const last = body.results.length < OPENAQ_PAGE_LIMIT || (typeof found === "number" && page * OPENAQ_PAGE_LIMIT >= found);
      if (last) return records;
      if (page >= this.maxPages) {
        throw new SourceError(`OpenAQ paging for sensor ${sensor.id} did not end after ${page} page(s) of ${OPENAQ_PAGE_LIMIT} (maxPages)`);
      }
    }
  }

  private describeFailure(location: Location, id: number, error: unknown, state: RunState): SourceError {
    if (error instanceof HttpStatusError && (error.status === 401 || error.status === 403)) {
      const said = this.scrub(error.detail ?? error.bodyExcerpt) || "(empty body)";
      const rejected = new OpenAqKeyRejectedError(
        `OpenAQ API key rejected while fetching location ${id}: HTTP ${error.status} "${said}" (check OPENAQ_API_KEY)`,
        location,
        error.status,
        { cause: error },
      );
      state.stop = rejected;
      return rejected;
    }
    if (error instanceof HttpStatusError && error.status === 404 && error.url.includes(`/v3/locations/${id}`)) {
      const said = this.scrub(error.detail ?? error.bodyExcerpt);
      return new SourceError(`OpenAQ location ${id} not found (HTTP 404${said ? `: ${said}` : ""})`, location, { cause: error });
    }
    const message = this.scrub(error instanceof Error ? error.message : String(error));
    const failed = new SourceError(`OpenAQ request for location ${id} failed: ${message}`, location, { cause: error });
    if (error instanceof RateLimitedError) state.stop = failed;
    return failed;
  }

  private scrub(text: string): string {
    return scrubSecret(text, this.apiKey);
  }
}

/** The first sensor of each wanted parameter, in the order of `parameters`. */
function pickSensors(station: OpenAqLocation, parameters: readonly string[]): OpenAqSensor[] {
  return parameters.flatMap((p) => station.sensors.find((s) => s.parameter.name === p) ?? []);
}
