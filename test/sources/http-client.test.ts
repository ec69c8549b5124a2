import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { ManualClock } from "../../packages/core/src/lake/clock";
import {
  HttpJsonClient,
  HttpNetworkError,
  HttpStatusError,
  HttpTimeoutError,
  MalformedResponseError,
  RateLimitedError,
  fullJitterDelay,
  parseRetryAfter,
  redactUrl,
} from "../../packages/core/src/sources/http/index";
import type { HttpJsonClientOptions } from "../../packages/core/src/sources/http/index";
import { openMeteoHooks } from "../../packages/core/src/sources/open-meteo/index";
import { FakeOpenMeteo } from "./fake-open-meteo";
import { FakeApi } from "./polygon-fake";

const schema = z.object({ hourly: z.object({ time: z.array(z.string()), temperature_2m: z.array(z.number().nullable()) }) });
const goodBody = JSON.stringify({ hourly: { time: ["2024-11-24T00:00", "2024-11-24T01:00"], temperature_2m: [5.1, null] } });

let fake: FakeOpenMeteo | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** A client whose waits are recorded instead of slept. */
function recordingClient(options: HttpJsonClientOptions = {}) {
  const sleeps: number[] = [];
  const client = new HttpJsonClient({
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...options,
  });
  return { client, sleeps };
}

describe("HttpJsonClient", () => {
  it("retries 5xx answers with full-jitter back-off and returns the validated body", async () => {
    // Prepare
    fake = await FakeOpenMeteo.start((_, i) => (i < 2 ? { status: 503, body: "busy" } : { body: goodBody }));
    const { client, sleeps } = recordingClient({ baseDelayMs: 100 });

    // Act
    const data = await client.getJson(`${fake.baseUrl}/v1/forecast?latitude=1`, schema);

    // Assess: random 0.5 of ceilings 100 and 200 ms.
    expect(data.hourly.temperature_2m).toEqual([5.1, null]);
    expect(fake.requests).toHaveLength(3);
    expect(sleeps).toEqual([50, 100]);
  });

  it("gives up after maxAttempts on a persistent 5xx with the status and body excerpt", async () => {
    // Prepare
    fake = await FakeOpenMeteo.start(() => ({ status: 502, body: '{"error":true,"reason":"Gateway failure"}' }));
    const { client } = recordingClient({ maxAttempts: 3, hooks: openMeteoHooks });

    // Act
    const error = await client.getJson(`${fake.baseUrl}/v1/forecast`, schema).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(HttpStatusError);
    expect((error as HttpStatusError).status).toBe(502);
    expect((error as HttpStatusError).message).toContain("Gateway failure");
    expect((error as HttpStatusError).message).toContain(`${fake.baseUrl}/v1/forecast`);
    expect(fake.requests).toHaveLength(3);
  });

  it("does not retry a 4xx other than 429", async () => {
    // Prepare
    fake = await FakeOpenMeteo.start(() => ({ status: 404, body: "<html>not here</html>" }));
    const { client } = recordingClient();

    // Act
    const error = await client.getJson(`${fake.baseUrl}/nope`, schema).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(HttpStatusError);
    expect((error as HttpStatusError).bodyExcerpt).toBe("<html>not here</html>");
    expect(fake.requests).toHaveLength(1);
  });

  it("waits as long as a 429's Retry-After asks, then succeeds", async () => {
    // Prepare
    fake = await FakeOpenMeteo.start((_, i) => (i === 0 ? { status: 429, headers: { "retry-after": "1" }, body: "slow down" } : { body: goodBody }));
    const { client, sleeps } = recordingClient();

    // Act
    await client.getJson(`${fake.baseUrl}/v1/forecast`, schema);

    // Assess
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThan(900);
    expect(sleeps[0]).toBeLessThanOrEqual(1000);
    expect(fake.requests).toHaveLength(2);
  });

  it("really sleeps for a short Retry-After with the default sleep", async () => {
    // Prepare
    fake = await FakeOpenMeteo.start((_, i) => (i === 0 ? { status: 429, headers: { "retry-after": "1" } } : { body: goodBody }));
    const client = new HttpJsonClient();
    const started = Date.now();

    // Act
    await client.getJson(`${fake.baseUrl}/v1/forecast`, schema);

    // Assess
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("waits until the next minute for Open-Meteo's minutely limit without Retry-After", async () => {
    // Prepare
    fake = await FakeOpenMeteo.start((_, i) =>
      i === 0
        ? { status: 429, body: '{"error":true,"reason":"Minutely API request limit exceeded. Please try again in one minute."}' }
        : { body: goodBody },
    );
    const clock = new ManualClock(Date.UTC(2024, 10, 24, 12, 0, 45, 500));
    const { client, sleeps } = recordingClient({ clock, hooks: openMeteoHooks });

    // Act
    await client.getJson(`${fake.baseUrl}/v1/forecast`, schema);

    // Assess
    expect(sleeps).toEqual([14_500]);
    expect(fake.requests).toHaveLength(2);
  });

  it("fails with a RateLimitedError naming the limit when the wait exceeds the cap", async () => {
    // Prepare
    fake = await FakeOpenMeteo.start(() => ({
      status: 429,
      body: '{"error":true,"reason":"Hourly API request limit exceeded. Please try again in the next hour."}',
    }));
    const clock = new ManualClock(Date.UTC(2024, 10, 24, 12, 10, 0));
    const { client, sleeps } = recordingClient({ clock, hooks: openMeteoHooks, maxRateLimitWaitMs: 65_000 });

    // Act
    const error = await client.getJson(`${fake.baseUrl}/v1/forecast`, schema).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).limit).toBe("hourly");
    expect((error as RateLimitedError).waitMs).toBe(50 * 60_000);
    expect((error as Error).message).toMatch(/hourly rate limit: Hourly API request limit exceeded.*3000 s.*65 s/);
    expect(sleeps).toEqual([]);
    expect(fake.requests).toHaveLength(1);
  });

  it("reports truncated JSON as a MalformedResponseError, not a crash", async () => {
    // Prepare
    fake = await FakeOpenMeteo.start(() => ({ body: goodBody.slice(0, 40) }));
    const { client } = recordingClient();

    // Act
    const error = await client.getJson(`${fake.baseUrl}/v1/forecast`, schema).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect((error as Error).message).toContain("not valid JSON");
    expect((error as Error).message).toContain(`${fake.baseUrl}/v1/forecast`);
  });

  it("names the zod path of a wrong-shaped body", async () => {
    // Prepare
    const wrong = JSON.stringify({ hourly: { time: ["2024-11-24T00:00"], temperature_2m: ["warm"] } });
    fake = await FakeOpenMeteo.start(() => ({ body: wrong }));
    const { client } = recordingClient();

    // Act
    const error = await client.getJson(`${fake.baseUrl}/v1/forecast`, schema).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect((error as MalformedResponseError).problem).toMatch(/^hourly\.temperature_2m\[0\]: Expected number, received string/);
  });

  it("times out a hanging server on every attempt", async () => {
    // Prepare
    fake = await FakeOpenMeteo.start(() => ({ hang: true }));
    const { client } = recordingClient({ timeoutMs: 150, maxAttempts: 2 });
    const started = Date.now();

    // Act
    const error = await client.getJson(`${fake.baseUrl}/v1/forecast`, schema).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(HttpTimeoutError);
    expect((error as Error).message).toBe(`GET ${fake.baseUrl}/v1/forecast timed out after 150 ms (2 attempt(s))`);
    expect(fake.requests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("stops at once when the caller aborts, without retrying", async () => {
    // Prepare
    fake = await FakeOpenMeteo.start(() => ({ hang: true }));
    const { client } = recordingClient({ timeoutMs: 10_000 });
    const controller = new AbortController();
    // Aborted once the request reached the server (a fixed delay races the request on a loaded machine).
    const abortWhenSeen = setInterval(() => {
      if (fake!.requests.length === 0) return;
      clearInterval(abortWhenSeen);
      controller.abort(new Error("run cancelled"));
    }, 5);

    // Act
    const error = await client.getJson(`${fake.baseUrl}/v1/forecast`, schema, { signal: controller.signal }).catch((e: unknown) => e);

    // Assess
    expect((error as Error).message).toBe("run cancelled");
    expect(fake.requests).toHaveLength(1);
  });

  it("reports a refused connection as a network error after its retries", async () => {
    // Prepare: a port that was just freed.
    const closed = await FakeOpenMeteo.start();
    const url = `${closed.baseUrl}/v1/forecast`;
    await closed.close();
    const { client, sleeps } = recordingClient({ maxAttempts: 2 });

    // Act
    const error = await client.getJson(url, schema).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(HttpNetworkError);
    expect((error as Error).message).toContain(url);
    expect(sleeps).toHaveLength(1);
  });

  it("keeps one request in flight by default, and more when allowed", async () => {
    // Prepare
    fake = await FakeOpenMeteo.start(() => ({ body: goodBody, delayMs: 40 }));
    const serial = new HttpJsonClient();
    const parallel = new HttpJsonClient({ maxInFlight: 3 });
    const url = `${fake.baseUrl}/v1/forecast`;

    // Act
    await Promise.all([1, 2, 3, 4].map(() => serial.getJson(url, schema)));
    const serialMax = fake.maxInFlight;
    fake.maxInFlight = 0;
    await Promise.all([1, 2, 3, 4].map(() => parallel.getJson(url, schema)));

    // Assess
    expect(serialMax).toBe(1);
    expect(fake.maxInFlight).toBe(3);
  });

  it("follows redirects itself, sending the configured headers only to the original origin", async () => {
    // Two servers on two ports are two origins (RFC 6454): fetch would send X-API-Key to both.
    const elsewhere = await FakeApi.start(() => ({ body: goodBody }));
    let origin: FakeApi | undefined;
    try {
      origin = await FakeApi.start((url) =>
        url.pathname === "/v1/old" ? { status: 301, body: "", headers: { location: "/v1/moved" } }
        : url.pathname === "/v1/moved" ? { status: 307, body: "", headers: { location: `${elsewhere.baseUrl}/v1/cdn?x=1` } }
        : { status: 404, body: "no" },
      );
      const { client } = recordingClient({ headers: { "X-API-Key": "k-123", authorization: "Bearer t-9" } });

      const data = await client.getJson(`${origin.baseUrl}/v1/old`, schema);

      expect(data.hourly.time).toHaveLength(2);
      expect(origin.requests.map((r) => r.url.pathname)).toEqual(["/v1/old", "/v1/moved"]);
      expect(origin.requests.every((r) => r.headers["x-api-key"] === "k-123" && r.headers.authorization === "Bearer t-9")).toBe(true);
      expect(elsewhere.requests).toHaveLength(1);
      expect(elsewhere.requests[0]!.headers["x-api-key"]).toBeUndefined();
      expect(elsewhere.requests[0]!.headers.authorization).toBeUndefined();
    } finally {
      await Promise.all([elsewhere.close(), origin?.close()]);
    }
  });

  it("stops a redirect loop after 5 redirects with an error naming it", async () => {
    fake = await FakeOpenMeteo.start((url) => ({ status: 302, body: "", headers: { location: `/v1/r${Number(url.pathname.slice(5) || 0) + 1}` } }));
    const { client } = recordingClient();

    const error = await client.getJson(`${fake.baseUrl}/v1/r0`, schema).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(HttpStatusError);
    expect((error as Error).message).toMatch(/HTTP 302: followed 5 redirects and was sent to http:\/\/127\.0\.0\.1:\d+\/v1\/r6 again/);
    expect(fake.requests).toHaveLength(6);
  });

  it("never puts credentials in error messages", async () => {
    // Prepare
    fake = await FakeOpenMeteo.start(() => ({ status: 403, body: "denied" }));
    const { client } = recordingClient();

    // Act
    const error = await client.getJson(`${fake.baseUrl}/v2/aggs?ticker=AAPL&apiKey=s3cret&token=t0k&api_key=k`, schema).catch((e: unknown) => e);

    // Assess
    expect((error as Error).message).toContain("ticker=AAPL");
    expect((error as Error).message).not.toMatch(/s3cret|t0k|api_key|apiKey/);
  });
});

describe("HTTP helpers", () => {
  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = Date.parse("2024-11-24T12:00:00Z");
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Sun, 24 Nov 2024 12:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Sun, 24 Nov 2024 11:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it("draws full-jitter delays below an exponential, capped ceiling", () => {
    expect(fullJitterDelay(1, 500, 30_000, () => 0.999)).toBe(499);
    expect(fullJitterDelay(4, 500, 30_000, () => 0.5)).toBe(2_000);
    expect(fullJitterDelay(20, 500, 30_000, () => 0.5)).toBe(15_000);
    expect(fullJitterDelay(3, 500, 30_000, () => 0)).toBe(0);
  });

  it("strips credential parameters and user info from URLs", () => {
    expect(redactUrl("https://u:p@api.example.com/v1/x?latitude=1,2&apikey=abc&access_token=z")).toBe("https://api.example.com/v1/x?latitude=1,2");
  });
});
