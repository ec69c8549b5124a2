import { createServer } from "node:http";
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What a fake answers to one request. */
export interface Reply {
  readonly status?: number;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One request as the fake saw it. */
export interface SeenRequest {
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
}

/**
 * A real HTTP server on 127.0.0.1 whose handler decides every reply; it records each request
 * (URL and headers) so tests can check what the client really sent.
 */
export class FakeApi {
  readonly requests: SeenRequest[] = [];

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
    private readonly handler: (url: URL, index: number, headers: IncomingHttpHeaders) => Reply,
  ) {}

  static async start(handler: (url: URL, index: number, headers: IncomingHttpHeaders) => Reply): Promise<FakeApi> {
    let fake: FakeApi | undefined;
    const server = createServer((req, res) => fake!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeApi(server, `http://127.0.0.1:${port}`, handler);
    return fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", this.baseUrl);
    const index = this.requests.length;
    this.requests.push({ url, headers: req.headers });
    const reply = this.handler(url, index, req.headers);
    res.writeHead(reply.status ?? 200, { "content-type": "application/json", ...reply.headers });
    res.end(reply.body ?? "");
  }
}

/** A bar shaped like Polygon's `results[i]` (https://polygon.io/docs/rest/stocks/aggregates/custom-bars). */
export function polygonBar(t: number, i: number): Record<string, number> {
  const o = 180 + i;
  return { v: 1_000_000 + i, vw: o + 0.25, o, c: o + 0.5, h: o + 1.2, l: o - 0.1, t, n: 5000 + i };
}

/** A documented 200 body: `{ticker, queryCount, resultsCount, adjusted, results, status, request_id, count, next_url?}`. */
export function polygonPage(ticker: string, bars: readonly Record<string, number>[], nextUrl?: string): string {
  return JSON.stringify({
    ticker,
    queryCount: bars.length,
    resultsCount: bars.length,
    adjusted: true,
    ...(bars.length > 0 ? { results: bars } : {}),
    status: "OK",
    request_id: "6a7e466379af0a71039d60cc78e72282",
    count: bars.length,
    ...(nextUrl ? { next_url: nextUrl } : {}),
  });
}

/** Polygon's documented error bodies. */
export const POLYGON_BODIES = {
  rateLimited: JSON.stringify({
    status: "ERROR",
    request_id: "b3e1c7e0",
    error: "You've exceeded the maximum requests per minute, please wait or upgrade your subscription to continue. https://polygon.io/pricing",
  }),
  unknownKey: JSON.stringify({ status: "ERROR", request_id: "c0ffee12", error: "Unknown API Key" }),
  notEntitled: JSON.stringify({ status: "NOT_AUTHORIZED", request_id: "deadbeef", message: "You are not entitled to this data. Please upgrade your plan at https://polygon.io/pricing" }),
} as const;
