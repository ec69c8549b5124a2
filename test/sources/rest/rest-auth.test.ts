import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../../packages/core/src/log/logger";
import { envSecrets, RestPageError, RestPagingError, RestRequestError } from "../../../packages/core/src/sources/rest/index";
import type { RestAuthConfig, RestSourceConfigInput } from "../../../packages/core/src/sources/rest/index";
import { FakeApi } from "../polygon-fake";
import { collect, restSource, subjects } from "./rest-helpers";

const SECRET = "s3cr3t/KEY+value=9f8e";
const secrets = envSecrets({ DEMO_KEY: SECRET });

let fake: FakeApi | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function config(auth: RestAuthConfig | RestSourceConfigInput["client"]["auth"], extra: Partial<RestSourceConfigInput> = {}): RestSourceConfigInput {
  return {
    type: "rest",
    client: { base_url: fake!.baseUrl, auth, paginator: { type: "json_link", next_url_path: "next" } },
    endpoint: { path: "stations/{subject}/obs", data_selector: "data" },
    fields: { v: "v" },
    ...extra,
  };
}

/** A logger at debug level whose lines the test reads. */
function capturedLogger() {
  const lines: string[] = [];
  return { lines, logger: createLogger("debug", (line) => lines.push(line)) };
}

describe("REST auth, against a real server", () => {
  it("api_key in a header: the named header carries the secret, looked up by name", async () => {
    fake = await FakeApi.start((_url, _i, headers) => ({ body: JSON.stringify({ data: [{ v: headers["x-api-key"] === SECRET ? "ok" : "no" }] }) }));
    const { source } = restSource(config({ type: "api_key", name: "X-Api-Key", location: "header", secret: "DEMO_KEY" }), { secrets });

    const [outcome] = await collect(source, subjects("a b"));

    expect(outcome!.records).toEqual([{ v: "ok", subject: "a b", collection_time: "2024-12-01T10:00:00.000Z" }]);
    // {subject} is encoded into the path.
    expect(fake.requests[0]!.url.pathname).toBe("/stations/a%20b/obs");
    expect(fake.requests[0]!.url.search).toBe("");
  });

  it("api_key in the query: on the first page and on every next link, replacing what the API echoed", async () => {
    fake = await FakeApi.start((url, i) => ({
      body: JSON.stringify({ data: [{ v: url.searchParams.get("appid") }], next: i === 0 ? "?page=2" : i === 1 ? "?page=3&appid=stale" : null }),
    }));
    const { source } = restSource(config({ type: "api_key", name: "appid", location: "query", secret: "DEMO_KEY" }), { secrets });

    const [outcome] = await collect(source, subjects("s1"));

    expect(outcome!.records!.map((r) => r.v)).toEqual([SECRET, SECRET, SECRET]);
    expect(fake.requests.map((r) => r.url.searchParams.getAll("appid"))).toEqual([[SECRET], [SECRET], [SECRET]]);
  });

  it("bearer: Authorization: Bearer <secret> (RFC 6750)", async () => {
    fake = await FakeApi.start((_url, _i, headers) => ({ body: JSON.stringify({ data: [{ v: headers.authorization ?? null }] }) }));
    const { source } = restSource(config({ type: "bearer", secret: "DEMO_KEY" }), { secrets });

    const [outcome] = await collect(source, subjects("s1"));

    expect(outcome!.records![0]!.v).toBe(`Bearer ${SECRET}`);
  });

  it("http_basic: Authorization: Basic base64(username:secret) (RFC 7617)", async () => {
    fake = await FakeApi.start((_url, _i, headers) => ({ body: JSON.stringify({ data: [{ v: headers.authorization ?? null }] }) }));
    const { source } = restSource(config({ type: "http_basic", username: "reader", secret: "DEMO_KEY" }), { secrets });

    const [outcome] = await collect(source, subjects("s1"));

    const header = String(outcome!.records![0]!.v);
    expect(header.startsWith("Basic ")).toBe(true);
    expect(Buffer.from(header.slice(6), "base64").toString("utf8")).toBe(`reader:${SECRET}`);
  });

  it("never shows the secret when the API echoes it in an error body, and stops the later subjects after a 401", async () => {
    fake = await FakeApi.start((url) => ({ status: 401, body: JSON.stringify({ error: `key ${url.searchParams.get("appid")} is not valid`, url: url.toString() }) }));
    const { lines, logger } = capturedLogger();
    const { source } = restSource(config({ type: "api_key", name: "appid", location: "query", secret: "DEMO_KEY" }), { secrets, logger });

    const [first, second] = await collect(source, subjects("s1", "s2"));

    expect(first!.error).toBeInstanceOf(RestRequestError);
    expect(first!.error!.message).toMatch(/HTTP 401.*key \*\*\* is not valid.*check the secret named in client.auth.secret/);
    expect(second!.error!.message).toMatch(/^request for subject s2 not sent: request for subject s1 failed/);
    expect(fake.requests).toHaveLength(1);
    for (const text of [inspect(first!.error, { depth: 10 }), inspect(second!.error, { depth: 10 }), JSON.stringify(first), ...lines]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(encodeURIComponent(SECRET));
    }
    expect(lines.some((line) => line.includes("rest request"))).toBe(true);
  });

  it("never shows the secret from a next link that echoes it, in the page error or the logs", async () => {
    const encoded = encodeURIComponent(SECRET);
    fake = await FakeApi.start((url) => {
      if (url.searchParams.get("page") === "2") return { body: JSON.stringify({ rows: [] }) };
      return { body: JSON.stringify({ data: [{ v: 1 }, { echo: SECRET }], next: `/stations/s1/obs?page=2&token=${encoded}&mirror=${encoded}` }) };
    });
    const { lines, logger } = capturedLogger();
    const { source } = restSource(config({ type: "bearer", secret: "DEMO_KEY" }), { secrets, logger, http: { maxAttempts: 1, logger } });

    const [outcome] = await collect(source, subjects("s1"));

    // Page 2 lacks `data`: the error names the page (its URL shown without credentials) and the path.
    expect(outcome!.error).toBeInstanceOf(RestPageError);
    const error = outcome!.error as RestPageError;
    expect(error.message).toBe(`page 2 of subject s1 (GET ${fake.baseUrl}/stations/s1/obs?page=2&mirror=***): no data at data_selector "data" (missing "data")`);
    expect(error.url).toBe(`${fake.baseUrl}/stations/s1/obs?page=2&mirror=***`);
    for (const text of [inspect(outcome, { depth: 10 }), ...lines]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(encoded);
    }
    // The server did receive the secret where it belongs: in the header.
    expect(fake.requests[1]!.headers.authorization).toBe(`Bearer ${SECRET}`);
  });

  it("shows a query api_key neither in a max_pages error nor in the logs, whatever the parameter is called", async () => {
    fake = await FakeApi.start((url) => ({ body: JSON.stringify({ data: [{ v: 1 }], next: `?p=${Number(url.searchParams.get("p") ?? 1) + 1}&appid=${encodeURIComponent(SECRET)}` }) }));
    const { lines, logger } = capturedLogger();
    const { source } = restSource({ ...config({ type: "api_key", name: "appid", location: "query", secret: "DEMO_KEY" }), max_pages: 2 }, { secrets, logger });

    const [outcome] = await collect(source, subjects("s1"));

    expect(outcome!.error).toBeInstanceOf(RestPagingError);
    expect(outcome!.error!.message).toBe(`paging of subject s1 did not end after 2 page(s) (max_pages 2; the next would be GET ${fake.baseUrl}/stations/s1/obs?p=3)`);
    for (const text of [inspect(outcome, { depth: 10 }), ...lines]) expect(text).not.toContain(encodeURIComponent(SECRET));
  });
});

describe("REST requests through the shared HTTP client", () => {
  it("waits out a 429's Retry-After and retries a 503", async () => {
    fake = await FakeApi.start((_url, i) => {
      if (i === 0) return { status: 429, headers: { "retry-after": "2" }, body: "slow down" };
      if (i === 1) return { status: 503, body: "busy" };
      return { body: JSON.stringify({ data: [{ v: i }], next: i < 3 ? `?p=${i}` : null }) };
    });
    const { source, sleeps } = restSource(
      { ...config(undefined), rate_limit: { requests: 2, per: "second" } },
      { http: { maxAttempts: 3, random: () => 0.5, baseDelayMs: 100 } },
    );

    const [outcome] = await collect(source, subjects("s1"));

    expect(outcome!.records!.map((r) => r.v)).toEqual([2, 3]);
    // 2 s for the 429, the jittered back-off (0.5 × 100 ms) for the 503; by page 2 the pacer's 500 ms slot has passed.
    expect(sleeps).toEqual([2000, 50]);
    expect(fake.requests).toHaveLength(4);
  });

  it("paces page starts at rate_limit requests per minute", async () => {
    fake = await FakeApi.start((_url, i) => ({ body: JSON.stringify({ data: [{ v: i }], next: i < 2 ? `?p=${i + 1}` : null }) }));
    const { source, sleeps } = restSource({ ...config(undefined), rate_limit: { requests: 30, per: "minute" } });

    const [outcome] = await collect(source, subjects("s1"));

    expect(outcome!.records).toHaveLength(3);
    expect(sleeps).toEqual([2000, 2000]);
  });
});
