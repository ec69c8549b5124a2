import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../packages/core/src/lake/clock";
import { createLogger } from "../../packages/core/src/log/logger";
import type { AirQualityRecord } from "../../packages/core/src/pipeline/air-quality";
import { airQualityDataset } from "../../packages/core/src/pipeline/air-quality";
import type { Location } from "../../packages/core/src/pipeline/types";
import { MalformedResponseError } from "../../packages/core/src/sources/http/errors";
import { OpenAqKeyRejectedError, OpenAqSource } from "../../packages/core/src/sources/openaq/index";
import type { OpenAqSourceOptions } from "../../packages/core/src/sources/openaq/index";
import type { FetchRequest, LocationOutcome } from "../../packages/core/src/sources/source";
import { OPENAQ_BODIES, fakeHourValue, openAqHoursBody, openAqLocationBody, openAqSensor } from "./openaq-fake";
import { FakeApi } from "./polygon-fake";
import type { Reply } from "./polygon-fake";

const KEY = "oaq-SECRET-4b9d2c7e";
const delNorte: Location = { name: "2178", latitude: 0, longitude: 0 };
const other: Location = { name: "8118", latitude: 0, longitude: 0 };
const twoDays = { from: "2024-11-24", to: "2024-11-25", variables: [] as string[] };
const FROM_MS = Date.parse("2024-11-24T00:00:00Z");
const HOUR_MS = 3_600_000;
const SENSORS = [openAqSensor(3917, "pm25"), openAqSensor(3916, "pm10"), openAqSensor(3920, "o3", "ppm"), openAqSensor(3919, "no2", "ppm"), openAqSensor(4000, "temperature", "c")];

let fake: FakeApi | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** Answers /v3/locations/{id} for 2178 and 8118 and /v3/sensors/{id}/hours from the window. */
function documented(url: URL, hoursReply: (url: URL) => Reply = (u) => ({ body: openAqHoursBody(u) })): Reply {
  if (url.pathname === "/v3/locations/2178") return { body: openAqLocationBody(2178, "Del Norte", SENSORS) };
  if (url.pathname === "/v3/locations/8118") return { body: openAqLocationBody(8118, "Kings Road", [openAqSensor(9001, "pm25")]) };
  if (url.pathname.startsWith("/v3/sensors/")) return hoursReply(url);
  return { status: 404, body: OPENAQ_BODIES.notFound };
}

function source(options: Partial<OpenAqSourceOptions> = {}) {
  const clock = new ManualClock(Date.parse("2024-12-01T10:00:20.000Z"));
  const sleeps: number[] = [];
  const sleep = async (ms: number) => {
    sleeps.push(ms);
    clock.advance(ms);
  };
  const src = new OpenAqSource({ apiKey: KEY, baseUrl: fake!.baseUrl, clock, sleep, requestsPerMinute: Infinity, http: { maxAttempts: 2, random: () => 0.5 }, ...options });
  return { src, sleeps };
}

async function collect(src: OpenAqSource, request: FetchRequest): Promise<LocationOutcome<AirQualityRecord>[]> {
  const out: LocationOutcome<AirQualityRecord>[] = [];
  for await (const outcome of src.fetch(request)) out.push(outcome);
  return out;
}

describe("OpenAqSource", () => {
  it("resolves a location id to its sensors for the default parameters and maps their hours", async () => {
    // Prepare
    fake = await FakeApi.start((url) => documented(url));
    const { src } = source();

    // Act
    const [outcome] = await collect(src, { ...twoDays, locations: [delNorte] });

    // Assess: one location call, then one hours call per wanted sensor (not temperature).
    expect(fake.requests.map((r) => r.url.pathname)).toEqual([
      "/v3/locations/2178",
      "/v3/sensors/3917/hours",
      "/v3/sensors/3916/hours",
      "/v3/sensors/3919/hours",
      "/v3/sensors/3920/hours",
    ]);
    expect(Object.fromEntries(fake.requests[1]!.url.searchParams)).toEqual({
      datetime_from: "2024-11-24T00:00:00Z",
      datetime_to: "2024-11-26T00:00:00Z",
      limit: "1000",
      page: "1",
    });
    const records = outcome!.records!;
    expect(records).toHaveLength(4 * 48);
    expect(records[0]).toEqual({
      location: "Del Norte",
      location_id: 2178,
      sensor_id: 3917,
      latitude: 35.1353,
      longitude: -106.584702,
      parameter: "pm25",
      unit: "µg/m³",
      value: fakeHourValue(3917, FROM_MS),
      // The end of the first hour: period.datetimeTo.utc.
      measurement_time: "2024-11-24T01:00:00Z",
      collection_time: "2024-12-01T10:00:20.000Z",
      source: "openaq",
    });
    expect(records.at(-1)!.measurement_time).toBe("2024-11-26T00:00:00Z");
    expect(Object.keys(records[0]!)).toEqual(airQualityDataset.recordSchema.map((c) => c.name));
  });

  it("sends the key in the X-API-Key header on every request and never in a URL", async () => {
    // Prepare
    fake = await FakeApi.start((url) => documented(url));
    const { src } = source();

    // Act
    await collect(src, { ...twoDays, variables: ["pm25"], locations: [delNorte] });

    // Assess
    expect(fake.requests).toHaveLength(2);
    for (const request of fake.requests) {
      expect(request.headers["x-api-key"]).toBe(KEY);
      expect(request.url.toString()).not.toContain(KEY);
    }
  });

  it("pages hours until a short page, even when meta.found is a string like \">1000\"", async () => {
    // Prepare: 50 days are 1,200 hours, two pages of 1,000.
    fake = await FakeApi.start((url) => documented(url, (u) => ({ body: openAqHoursBody(u, { found: ">1000" }) })));
    const { src } = source();

    // Act
    const [outcome] = await collect(src, { from: "2024-10-01", to: "2024-11-19", variables: ["pm25"], locations: [delNorte] });

    // Assess
    expect(fake.requests.slice(1).map((r) => r.url.searchParams.get("page"))).toEqual(["1", "2"]);
    expect(outcome!.records).toHaveLength(1200);
    expect(new Set(outcome!.records!.map((r) => r.measurement_time)).size).toBe(1200);
  });

  it("stops paging when page × limit reaches a numeric meta.found", async () => {
    // Prepare: the window holds 1,200 hours, but meta.found says 1,000.
    fake = await FakeApi.start((url) => documented(url, (u) => ({ body: openAqHoursBody(u, { found: 1000 }) })));
    const { src } = source();

    // Act
    const [outcome] = await collect(src, { from: "2024-10-01", to: "2024-11-19", variables: ["pm25"], locations: [delNorte] });

    // Assess: page 1 was full, but found said there was nothing more.
    expect(fake.requests.slice(1).map((r) => r.url.searchParams.get("page"))).toEqual(["1"]);
    expect(outcome!.records).toHaveLength(1000);
  });

  it("keeps null values and drops hours outside the requested UTC days", async () => {
    // Prepare
    const nullStart = FROM_MS + 5 * HOUR_MS;
    fake = await FakeApi.start((url) => documented(url, (u) => ({ body: openAqHoursBody(u, { nullStarts: new Set([nullStart]), extraHourAtEnd: true }) })));
    const { src } = source();

    // Act
    const [outcome] = await collect(src, { ...twoDays, variables: ["pm25"], locations: [delNorte] });

    // Assess
    const records = outcome!.records!;
    expect(records).toHaveLength(48);
    expect(records[5]!.value).toBeNull();
    expect(records[5]!.measurement_time).toBe("2024-11-24T06:00:00Z");
    expect(records[6]!.value).toBe(fakeHourValue(3917, nullStart + HOUR_MS));
  });

  it("names an unknown location (404) and still delivers the others", async () => {
    // Prepare
    fake = await FakeApi.start((url) => documented(url));
    const { src } = source();

    // Act
    const outcomes = await collect(src, { ...twoDays, variables: ["pm25"], locations: [{ name: "999999", latitude: 0, longitude: 0 }, other] });

    // Assess
    expect(outcomes[0]!.error!.message).toBe("OpenAQ location 999999 not found (HTTP 404: Location not found)");
    expect(outcomes[1]!.records).toHaveLength(48);
    expect(outcomes[1]!.records![0]!.location).toBe("Kings Road");
  });

  it("reports a rejected key (401) by location without the key, in messages or logs, and sends no more locations", async () => {
    // Prepare
    const lines: string[] = [];
    fake = await FakeApi.start(() => ({ status: 401, body: OPENAQ_BODIES.unauthorized }));
    const { src } = source({ logger: createLogger("debug", (line) => lines.push(line)) });

    // Act
    const outcomes = await collect(src, { ...twoDays, locations: [delNorte, other] });

    // Assess
    expect(outcomes[0]!.error).toBeInstanceOf(OpenAqKeyRejectedError);
    expect(outcomes[0]!.error!.message).toBe(
      'OpenAQ API key rejected while fetching location 2178: HTTP 401 "Unauthorized. A valid API key must be provided in the X-API-Key header." (check OPENAQ_API_KEY)',
    );
    expect(outcomes[1]!.error!.message).toMatch(/location 8118 not sent/);
    expect(fake.requests).toHaveLength(1);
    expect(lines.length).toBeGreaterThan(0);
    expect([...lines, ...outcomes.map((o) => o.error!.message)].join("\n")).not.toContain(KEY);
  });

  it("waits for the next minute after a 429, then delivers", async () => {
    // Prepare: the clock stands at 10:00:20, so the next minute is 40 s away.
    fake = await FakeApi.start((url, index) => (index === 1 ? { status: 429, body: OPENAQ_BODIES.tooMany } : documented(url)));
    const { src, sleeps } = source();

    // Act
    const [outcome] = await collect(src, { ...twoDays, variables: ["pm25"], locations: [delNorte] });

    // Assess
    expect(outcome!.records).toHaveLength(48);
    expect(fake.requests.map((r) => r.url.pathname)).toEqual(["/v3/locations/2178", "/v3/sensors/3917/hours", "/v3/sensors/3917/hours"]);
    expect(sleeps).toEqual([40_000]);
  });

  it("reports a malformed hours body with the location and the path of the problem", async () => {
    // Prepare
    fake = await FakeApi.start((url) =>
      documented(url, () => ({ body: JSON.stringify({ meta: { page: 1, limit: 1000, found: 1 }, results: [{ value: "12", parameter: { id: 2, name: "pm25", units: "µg/m³" } }] }) })),
    );
    const { src } = source();

    // Act
    const [outcome] = await collect(src, { ...twoDays, variables: ["pm25"], locations: [delNorte] });

    // Assess
    expect(outcome!.error!.cause).toBeInstanceOf(MalformedResponseError);
    expect(outcome!.error!.message).toMatch(/^OpenAQ request for location 2178 failed: .*results\[0\]\.value: Expected number, received string/);
  });

  it("rejects a name that is not a location id, and a station without the wanted parameters", async () => {
    // Prepare
    fake = await FakeApi.start((url) => documented(url));
    const { src } = source();

    // Act
    const outcomes = await collect(src, { ...twoDays, variables: ["so2"], locations: [{ name: "Paris", latitude: 0, longitude: 0 }, delNorte] });

    // Assess
    expect(outcomes[0]!.error!.message).toBe('"Paris" is not an OpenAQ location id (expected digits, e.g. "2178")');
    expect(outcomes[1]!.error!.message).toBe('OpenAQ location 2178 ("Del Norte") measures none of so2 (it measures: pm25, pm10, o3, no2, temperature)');
    expect(fake.requests).toHaveLength(1);
  });

  it("paces request starts (60 per minute by default: one second apart)", async () => {
    // Prepare
    fake = await FakeApi.start((url) => documented(url));
    const { src, sleeps } = source({ requestsPerMinute: undefined });

    // Act
    await collect(src, { ...twoDays, variables: ["pm25", "no2"], locations: [delNorte] });

    // Assess: three requests, the second and third each waited one interval.
    expect(fake.requests).toHaveLength(3);
    expect(sleeps).toEqual([1_000, 1_000]);
  });
});
