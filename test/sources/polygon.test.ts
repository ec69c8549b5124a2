import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../packages/core/src/lake/clock";
import { createLogger } from "../../packages/core/src/log/logger";
import type { StockBarRecord } from "../../packages/core/src/pipeline/stocks";
import { stocksDataset } from "../../packages/core/src/pipeline/stocks";
import type { Location } from "../../packages/core/src/pipeline/types";
import { MalformedResponseError } from "../../packages/core/src/sources/http/errors";
import { PolygonKeyRejectedError, PolygonSource, RequestPacer } from "../../packages/core/src/sources/polygon/index";
import type { PolygonSourceOptions } from "../../packages/core/src/sources/polygon/index";
import type { FetchRequest, LocationOutcome } from "../../packages/core/src/sources/source";
import { FakeApi, POLYGON_BODIES, polygonBar, polygonPage } from "./polygon-fake";

const KEY = "pk_SECRET_test_key_9f8e7d";
const aapl: Location = { name: "AAPL", latitude: 0, longitude: 0 };
const msft: Location = { name: "MSFT", latitude: 0, longitude: 0 };
const day = { from: "2024-11-25", to: "2024-11-25", variables: [] as string[] };
const FROM_MS = Date.parse("2024-11-25T00:00:00Z");
const hourMs = (h: number) => FROM_MS + h * 3_600_000;

let fake: FakeApi | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** A source whose sleeps return at once but are recorded, on a manual clock that they advance. */
function source(options: Partial<PolygonSourceOptions> = {}) {
  const clock = new ManualClock(Date.parse("2024-12-01T10:00:00.000Z"));
  const sleeps: number[] = [];
  const sleep = async (ms: number) => {
    sleeps.push(ms);
    clock.advance(ms);
  };
  const src = new PolygonSource({ apiKey: KEY, baseUrl: fake!.baseUrl, clock, sleep, http: { maxAttempts: 2, random: () => 0.5 }, ...options });
  return { src, clock, sleeps };
}

async function collect(src: PolygonSource, request: FetchRequest): Promise<LocationOutcome<StockBarRecord>[]> {
  const out: LocationOutcome<StockBarRecord>[] = [];
  for await (const outcome of src.fetch(request)) out.push(outcome);
  return out;
}

describe("PolygonSource", () => {
  it("asks for hourly bars of the UTC day range and maps them to stock records", async () => {
    // Prepare
    fake = await FakeApi.start(() => ({ body: polygonPage("AAPL", [polygonBar(hourMs(14), 0), { t: hourMs(15), o: 187.3, h: 187.3, l: 186.1, c: 186.5, v: 12 }]) }));
    const { src } = source();

    // Act
    const [outcome] = await collect(src, { ...day, locations: [aapl] });

    // Assess: the path carries the window as ms timestamps, the query the documented parameters.
    const { url } = fake.requests[0]!;
    expect(url.pathname).toBe(`/v2/aggs/ticker/AAPL/range/1/hour/${FROM_MS}/${FROM_MS + 86_400_000 - 1}`);
    expect(Object.fromEntries(url.searchParams)).toEqual({ adjusted: "true", sort: "asc", limit: "50000", apiKey: KEY });
    expect(outcome!.records).toEqual([
      {
        ticker: "AAPL",
        bar_time: "2024-11-25T14:00:00Z",
        open: 180,
        high: 181.2,
        low: 179.9,
        close: 180.5,
        volume: 1_000_000,
        vwap: 180.25,
        trades: 5000,
        hourly_var: 1.3,
        collection_time: "2024-12-01T10:00:00.000Z",
        source: "polygon",
      },
      // vw and n are optional in Polygon's bars; 187.3 − 186.1 is 1.2000000000000171 in binary.
      expect.objectContaining({ bar_time: "2024-11-25T15:00:00Z", vwap: null, trades: null, hourly_var: 1.2 }),
    ]);
    expect(Object.keys(outcome!.records![0]!)).toEqual(stocksDataset.recordSchema.map((c) => c.name));
  });

  it("follows next_url pages, appending the key again and staying on the configured host", async () => {
    // Prepare: page 1 points at the public host, as the real API does.
    fake = await FakeApi.start((url) => {
      const cursor = url.searchParams.get("cursor");
      if (cursor === null) return { body: polygonPage("AAPL", [polygonBar(hourMs(9), 0), polygonBar(hourMs(10), 1)], `https://api.polygon.io/v2/aggs/ticker/AAPL/range/1/hour/${FROM_MS}/${FROM_MS + 86_399_999}?cursor=bGltaXQ9Mg`) };
      if (cursor === "bGltaXQ9Mg") return { body: polygonPage("AAPL", [polygonBar(hourMs(11), 2)], `${fake!.baseUrl}/v2/aggs/ticker/AAPL/range/1/hour/x/y?cursor=page3`) };
      return { body: polygonPage("AAPL", [polygonBar(hourMs(12), 3)]) };
    });
    const { src } = source({ requestsPerMinute: Infinity });

    // Act
    const [outcome] = await collect(src, { ...day, locations: [aapl] });

    // Assess
    expect(fake.requests).toHaveLength(3);
    for (const { url } of fake.requests) expect(url.searchParams.get("apiKey")).toBe(KEY);
    expect(fake.requests.map(({ url }) => url.searchParams.get("cursor"))).toEqual([null, "bGltaXQ9Mg", "page3"]);
    expect(outcome!.records!.map((r) => r.bar_time)).toEqual(["2024-11-25T09:00:00Z", "2024-11-25T10:00:00Z", "2024-11-25T11:00:00Z", "2024-11-25T12:00:00Z"]);
  });

  it("keeps request starts at least 12 s apart by default (5 requests per minute)", async () => {
    // Prepare: the fake notes the manual clock at each arrival.
    const arrivals: number[] = [];
    let clockRef: ManualClock | undefined;
    fake = await FakeApi.start(() => {
      arrivals.push(clockRef!.now());
      return { body: polygonPage("X", [polygonBar(hourMs(14), 0)]) };
    });
    const { src, clock } = source();
    clockRef = clock;
    const tickers = ["AAPL", "MSFT", "GOOGL", "AMZN"].map((name) => ({ name, latitude: 0, longitude: 0 }));

    // Act
    const outcomes = await collect(src, { ...day, locations: tickers });

    // Assess
    expect(outcomes.every((o) => o.records?.length === 1)).toBe(true);
    const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]!);
    expect(gaps).toEqual([12_000, 12_000, 12_000]);
  });

  it("waits a minute after a 429 without Retry-After, then delivers", async () => {
    // Prepare
    fake = await FakeApi.start((_url, index) =>
      index === 0 ? { status: 429, body: POLYGON_BODIES.rateLimited } : { body: polygonPage("AAPL", [polygonBar(hourMs(14), 0)]) },
    );
    const { src, sleeps } = source({ requestsPerMinute: Infinity });

    // Act
    const [outcome] = await collect(src, { ...day, locations: [aapl] });

    // Assess
    expect(outcome!.records).toHaveLength(1);
    expect(fake.requests).toHaveLength(2);
    expect(sleeps).toEqual([60_000]);
  });

  it("honours a Retry-After header on a 429", async () => {
    // Prepare
    fake = await FakeApi.start((_url, index) =>
      index === 0 ? { status: 429, body: POLYGON_BODIES.rateLimited, headers: { "retry-after": "7" } } : { body: polygonPage("AAPL", []) },
    );
    const { src, sleeps } = source({ requestsPerMinute: Infinity });

    // Act
    const [outcome] = await collect(src, { ...day, locations: [aapl] });

    // Assess
    expect(outcome!.records).toEqual([]);
    expect(sleeps).toEqual([7_000]);
  });

  it("reports a rejected key (401) by ticker without the key, in messages or logs, and sends no more tickers", async () => {
    // Prepare
    const lines: string[] = [];
    fake = await FakeApi.start(() => ({ status: 401, body: POLYGON_BODIES.unknownKey }));
    const { src } = source({ logger: createLogger("debug", (line) => lines.push(line)) });

    // Act
    const outcomes = await collect(src, { ...day, locations: [aapl, msft] });

    // Assess
    const error = outcomes[0]!.error!;
    expect(error).toBeInstanceOf(PolygonKeyRejectedError);
    expect(error.message).toContain("Polygon API key rejected for ticker AAPL");
    expect(error.message).toContain("Unknown API Key");
    expect(outcomes[1]!.error!.message).toMatch(/ticker MSFT not sent/);
    expect(fake.requests).toHaveLength(1);
    expect(lines.length).toBeGreaterThan(0);
    const everything = [...lines, ...outcomes.map((o) => o.error!.message), String((error.cause as Error).message)].join("\n");
    expect(everything).not.toContain(KEY);
  });

  it("reports a 403 (not entitled) for that ticker only and still fetches the next", async () => {
    // Prepare
    fake = await FakeApi.start((url) =>
      url.pathname.includes("/AAPL/") ? { status: 403, body: POLYGON_BODIES.notEntitled } : { body: polygonPage("MSFT", [polygonBar(hourMs(14), 0)]) },
    );
    const { src } = source({ requestsPerMinute: Infinity });

    // Act
    const outcomes = await collect(src, { ...day, locations: [aapl, msft] });

    // Assess
    expect(outcomes[0]!.error).toBeInstanceOf(PolygonKeyRejectedError);
    expect(outcomes[0]!.error!.message).toMatch(/ticker AAPL: HTTP 403 "NOT_AUTHORIZED: You are not entitled/);
    expect(outcomes[1]!.records).toHaveLength(1);
  });

  it("keeps the key out of error URLs when the server keeps failing", async () => {
    // Prepare
    fake = await FakeApi.start(() => ({ status: 502, body: "<html>Bad Gateway</html>" }));
    const { src } = source({ requestsPerMinute: Infinity });

    // Act
    const [outcome] = await collect(src, { ...day, locations: [aapl] });

    // Assess
    expect(outcome!.error!.message).toMatch(/Polygon request for ticker AAPL failed: GET http:\/\/127\.0\.0\.1:\d+\/v2\/aggs\/ticker\/AAPL\/.*answered HTTP 502/);
    expect(outcome!.error!.message).not.toContain(KEY);
    expect(outcome!.error!.message).not.toContain("apiKey");
  });

  it("scrubs the key from an error body that echoes the request back", async () => {
    // Prepare: some proxies and gateways quote the request line in their error page.
    fake = await FakeApi.start((url) => ({ status: 400, body: JSON.stringify({ status: "ERROR", request_id: "e1", error: `bad request ${url.pathname}${url.search}` }) }));
    const { src } = source({ requestsPerMinute: Infinity });

    // Act
    const [outcome] = await collect(src, { ...day, locations: [aapl] });

    // Assess
    expect(outcome!.error!.message).toContain("apiKey=***");
    expect(outcome!.error!.message).not.toContain(KEY);
  });

  it("surfaces a status ERROR body and treats resultsCount 0 as no bars", async () => {
    // Prepare
    fake = await FakeApi.start((url) =>
      url.pathname.includes("/AAPL/")
        ? { body: JSON.stringify({ status: "ERROR", request_id: "x1", error: "Could not parse the time parameter: 'from'." }) }
        : { body: JSON.stringify({ ticker: "MSFT", queryCount: 0, resultsCount: 0, adjusted: true, status: "OK", request_id: "x2" }) },
    );
    const { src } = source({ requestsPerMinute: Infinity });

    // Act
    const outcomes = await collect(src, { ...day, locations: [aapl, msft] });

    // Assess
    expect(outcomes[0]!.error!.message).toBe("Polygon answered status ERROR for ticker AAPL (page 1): Could not parse the time parameter: 'from'.");
    expect(outcomes[1]!.records).toEqual([]);
    expect(outcomes[1]!.error).toBeUndefined();
  });

  it("reports a malformed bar with its path, and a non-JSON body, as MalformedResponseError causes", async () => {
    // Prepare
    fake = await FakeApi.start((url) =>
      url.pathname.includes("/AAPL/")
        ? { body: polygonPage("AAPL", [{ ...polygonBar(hourMs(14), 0), o: "180.1" as unknown as number }]) }
        : { body: '{"status":"OK","results":[' },
    );
    const { src } = source({ requestsPerMinute: Infinity });

    // Act
    const outcomes = await collect(src, { ...day, locations: [aapl, msft] });

    // Assess
    expect(outcomes[0]!.error!.cause).toBeInstanceOf(MalformedResponseError);
    expect(outcomes[0]!.error!.message).toMatch(/ticker AAPL failed: .*malformed response: results\[0\]\.o: Expected number, received string/);
    expect(outcomes[1]!.error!.cause).toBeInstanceOf(MalformedResponseError);
    expect(outcomes[1]!.error!.message).toMatch(/ticker MSFT failed: .*body is not valid JSON/);
  });

  it("refuses a missing key and a bad ticker before any request", async () => {
    // Prepare
    fake = await FakeApi.start(() => ({ body: polygonPage("X", []) }));
    const { src } = source();

    // Act
    const outcomes = await collect(src, { ...day, locations: [{ name: "AA PL/../x", latitude: 0, longitude: 0 }] });

    // Assess
    expect(() => new PolygonSource({ apiKey: " " })).toThrow(/Polygon API key is required/);
    expect(outcomes[0]!.error!.message).toMatch(/is not a ticker symbol/);
    expect(fake.requests).toHaveLength(0);
  });
});

describe("RequestPacer", () => {
  it("queues concurrent callers so that their starts are one interval apart", async () => {
    // Prepare
    const clock = new ManualClock(1_000_000);
    const sleeps: number[] = [];
    const pacer = new RequestPacer({ requestsPerMinute: 30, clock, sleep: async (ms) => void sleeps.push(ms) });

    // Act: three callers at the same instant.
    await Promise.all([pacer.wait(), pacer.wait(), pacer.wait()]);

    // Assess
    expect(pacer.intervalMs).toBe(2_000);
    expect(sleeps).toEqual([2_000, 4_000]);
  });
});
