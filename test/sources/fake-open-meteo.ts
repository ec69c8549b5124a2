import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What the fake answers to one request; `hang` never answers. */
export interface FakeReply {
  readonly status?: number;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly hang?: boolean;
  readonly delayMs?: number;
}

/** Decides the reply to the `index`-th request (0-based); undefined means a documented 200. */
export type FakeHandler = (url: URL, index: number) => FakeReply | undefined;

/**
 * A real HTTP server on 127.0.0.1 that answers like Open-Meteo's /v1/forecast and /v1/archive
 * (shape from https://open-meteo.com/en/docs: an object per coordinate pair, a JSON array of
 * them for several pairs, errors as HTTP 400 {"error":true,"reason":"…"}). It records each
 * request and the largest number it was serving at once.
 */
export class FakeOpenMeteo {
  readonly requests: URL[] = [];
  maxInFlight = 0;
  private inFlight = 0;
  handler: FakeHandler = () => undefined;

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
  ) {}

  static async start(handler?: FakeHandler): Promise<FakeOpenMeteo> {
    let fake: FakeOpenMeteo | undefined;
    const server = createServer((req, res) => fake!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeOpenMeteo(server, `http://127.0.0.1:${port}`);
    if (handler) fake.handler = handler;
    return fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", this.baseUrl);
    const index = this.requests.length;
    this.requests.push(url);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const done = () => {
      this.inFlight--;
    };
    const reply = this.handler(url, index) ?? { body: documentedResponse(url) };
    if (reply.hang) {
      req.socket.once("close", done);
      return;
    }
    setTimeout(() => {
      res.writeHead(reply.status ?? 200, { "content-type": "application/json; charset=utf-8", ...reply.headers });
      res.end(reply.body ?? "", done);
    }, reply.delayMs ?? 0);
  }
}

/** Options to bend the documented response: null values, a time-zone offset. */
export interface ResponseOptions {
  /** Hour indexes whose values are `null` (Open-Meteo sends null for missing values). */
  readonly nullHours?: readonly number[];
  readonly utcOffsetSeconds?: number;
  /** A variable's value at an hour index (default {@link fakeValue}, which grows with the hour: long ranges want a bounded one). */
  readonly value?: (variable: string, latitude: number, hour: number) => number;
}

/** Deterministic value of a variable: temperature from latitude and hour, others the hour index. */
export function fakeValue(variable: string, latitude: number, hour: number): number {
  return variable === "temperature_2m" ? Math.round((latitude / 10 + hour / 10) * 10) / 10 : hour;
}

/** The local times a request's range asks for: `start_date`..`end_date` by the hour, `start_hour`..`end_hour`, or `start_minutely_15`..`end_minutely_15` by the quarter. */
function timesOf(url: URL, offsetSeconds: number): string[] {
  const p = url.searchParams;
  const minutely = p.has("minutely_15");
  const step = minutely ? 900_000 : 3_600_000;
  const [startText, endText] = minutely ? [p.get("start_minutely_15"), p.get("end_minutely_15")] : [p.get("start_hour"), p.get("end_hour")];
  let start: number;
  let end: number;
  if (startText !== null && endText !== null) {
    // With timezone=GMT, start_hour/end_hour are UTC wall times, both ends inclusive.
    start = Date.parse(`${startText}:00Z`);
    end = Date.parse(`${endText}:00Z`);
  } else {
    start = Date.parse(`${p.get("start_date")}T00:00:00Z`);
    end = Date.parse(`${p.get("end_date")}T00:00:00Z`) + 86_400_000 - step;
  }
  const count = Math.floor((end - start) / step) + 1;
  return Array.from({ length: count }, (_, i) => new Date(start + i * step + offsetSeconds * 1000).toISOString().slice(0, 16));
}

/** Options of a `current` answer: the reading's time (local, `2024-11-24T13:15`) and interval. */
export interface CurrentOptions {
  readonly time: string;
  readonly interval?: number;
}

/**
 * A body shaped like Open-Meteo's for the request's coordinates, variables and range: `hourly` or
 * `minutely_15` arrays, or, for `current=…`, the documented current block
 * (`current_units` and `current: { time, interval, <variable>: value }`, https://open-meteo.com/en/docs).
 */
export function documentedResponse(url: URL, options: ResponseOptions & { current?: CurrentOptions } = {}): string {
  const latitudes = (url.searchParams.get("latitude") ?? "").split(",").map(Number);
  const longitudes = (url.searchParams.get("longitude") ?? "").split(",").map(Number);
  const block = url.searchParams.has("current") ? "current" : url.searchParams.has("minutely_15") ? "minutely_15" : "hourly";
  const variables = (url.searchParams.get(block) ?? "").split(",").filter((v) => v !== "");
  const offset = options.utcOffsetSeconds ?? 0;
  const units = (time: Record<string, string>) => Object.fromEntries([...Object.entries(time), ...variables.map((v) => [v, v === "temperature_2m" ? "°C" : "%"])]);
  const series = (latitude: number) => {
    if (block === "current") {
      const current = options.current ?? { time: "2024-11-25T10:00" };
      const minute = Number(current.time.slice(11, 13)) * 4 + Number(current.time.slice(14, 16)) / 15;
      return {
        current_units: units({ time: "iso8601", interval: "seconds" }),
        current: Object.fromEntries([["time", current.time], ["interval", current.interval ?? 900], ...variables.map((v) => [v, (options.value ?? fakeValue)(v, latitude, minute)])]),
      };
    }
    const time = timesOf(url, offset);
    return {
      [`${block}_units`]: units({ time: "iso8601" }),
      [block]: Object.fromEntries([["time", time], ...variables.map((v) => [v, time.map((_, h) => (options.nullHours?.includes(h) ? null : (options.value ?? fakeValue)(v, latitude, h)))])]),
    };
  };
  const entries = latitudes.map((latitude, i) => ({
    // The API snaps to its grid cell; the source must keep the requested coordinates.
    latitude: Math.round(latitude * 10) / 10 + 0.02,
    longitude: Math.round(longitudes[i]! * 10) / 10 - 0.01,
    generationtime_ms: 0.58,
    utc_offset_seconds: offset,
    timezone: offset === 0 ? "GMT" : "Europe/Paris",
    timezone_abbreviation: offset === 0 ? "GMT" : "CET",
    elevation: 38,
    ...series(latitude),
  }));
  return JSON.stringify(entries.length === 1 ? entries[0] : entries);
}
