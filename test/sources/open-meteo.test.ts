import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../packages/core/src/lake/clock";
import type { Location } from "../../packages/core/src/pipeline/types";
import type { FetchRequest, LocationOutcome, WeatherRecord } from "../../packages/core/src/sources/index";
import { OpenMeteoSource, SourceError, chooseEndpoint, endpointUrl } from "../../packages/core/src/sources/index";
import type { OpenMeteoSourceOptions } from "../../packages/core/src/sources/index";
import { FakeOpenMeteo, documentedResponse, fakeValue } from "./fake-open-meteo";

const paris: Location = { name: "Paris", latitude: 48.8566, longitude: 2.3522 };
const london: Location = { name: "London", latitude: 51.5074, longitude: -0.1278 };
const tokyo: Location = { name: "Tokyo", latitude: 35.6762, longitude: 139.6503 };
const atlantis: Location = { name: "Atlantis", latitude: 0.5, longitude: -30.25 };
const clock = new ManualClock(Date.parse("2024-12-10T08:30:00.000Z"));
const oneDay = { from: "2024-11-24", to: "2024-11-24", variables: [] as string[] };

let fake: FakeOpenMeteo | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function source(options: OpenMeteoSourceOptions = {}): OpenMeteoSource {
  return new OpenMeteoSource({
    baseUrl: fake!.baseUrl,
    clock,
    http: { sleep: async () => undefined, random: () => 0.5, maxAttempts: 2 },
    ...options,
  });
}

async function collect(src: OpenMeteoSource, request: FetchRequest): Promise<LocationOutcome<WeatherRecord>[]> {
  const out: LocationOutcome<WeatherRecord>[] = [];
  for await (const outcome of src.fetch(request)) out.push(outcome);
  return out;
}

describe("OpenMeteoSource", () => {
  it("fetches several locations in one call and maps the array response back in order", async () => {
    // Prepare
    fake = await FakeOpenMeteo.start();

    // Act
    const outcomes = await collect(source(), { ...oneDay, locations: [paris, london, tokyo] });

    // Assess: one request carrying all coordinates, requested in UTC.
    expect(fake.requests).toHaveLength(1);
    const query = fake.requests[0]!.searchParams;
    expect(fake.requests[0]!.pathname).toBe("/v1/forecast");
    expect(query.get("latitude")).toBe("48.8566,51.5074,35.6762");
    expect(query.get("longitude")).toBe("2.3522,-0.1278,139.6503");
    expect(query.get("hourly")).toBe("temperature_2m");
    expect(query.get("timezone")).toBe("GMT");
    expect([query.get("start_date"), query.get("end_date")]).toEqual(["2024-11-24", "2024-11-24"]);
    expect(outcomes.map((o) => [o.location.name, o.records?.length])).toEqual([
      ["Paris", 24],
      ["London", 24],
      ["Tokyo", 24],
    ]);
    const tokyo13 = outcomes[2]!.records![13]!;
    expect(tokyo13).toEqual({
      city: "Tokyo",
      latitude: 35.6762,
      longitude: 139.6503,
      measurement_time: "2024-11-24T13:00:00Z",
      temperature: fakeValue("temperature_2m", 35.6762, 13),
      collection_time: "2024-12-10T08:30:00.000Z",
      source: "open-meteo",
    });
  });

  it("stores extra variables under their column names and adds temperature_2m when missing", async () => {
    // Prepare
    fake = await FakeOpenMeteo.start();

    // Act
    const outcomes = await collect(source(), { ...oneDay, locations: [paris], variables: ["relative_humidity_2m", "cape"] });

    // Assess
    expect(fake.requests[0]!.searchParams.get("hourly")).toBe("temperature_2m,relative_humidity_2m,cape");
    const record = outcomes[0]!.records![5]!;
    expect(Object.keys(record)).toEqual([
      "city",
      "latitude",
      "longitude",
      "measurement_time",
      "temperature",
      "relative_humidity_2m",
      "cape",
      "collection_time",
      "source",
    ]);
    expect([record.relative_humidity_2m, record.cape]).toEqual([5, 5]);
  });

  it("keeps null values as null", async () => {
    // Prepare
    fake = await FakeOpenMeteo.start((url) => ({ body: documentedResponse(url, { nullHours: [0, 7] }) }));

    // Act
    const outcomes = await collect(source(), { ...oneDay, locations: [paris], variables: ["wind_speed_10m"] });

    // Assess
    const records = outcomes[0]!.records!;
    expect(records).toHaveLength(24);
    expect(records[0]!.temperature).toBeNull();
    expect(records[7]!.temperature).toBeNull();
    expect(records[7]!.wind_speed_10m).toBeNull();
    expect(records[8]!.temperature).toBe(fakeValue("temperature_2m", paris.latitude, 8));
  });

  it("converts local times to UTC when the response has a non-zero utc_offset_seconds", async () => {
    // Prepare
    fake = await FakeOpenMeteo.start((url) => ({ body: documentedResponse(url, { utcOffsetSeconds: 3600 }) }));

    // Act
    const outcomes = await collect(source(), { ...oneDay, locations: [paris] });

    // Assess: the fake sent "2024-11-24T01:00" at +01:00 for the first hour.
    expect(outcomes[0]!.records![0]!.measurement_time).toBe("2024-11-24T00:00:00Z");
  });

  it("retries a rejected batch location by location so the error names the bad place", async () => {
    // Prepare: the API refuses any call that includes Atlantis' coordinates.
    fake = await FakeOpenMeteo.start((url) =>
      (url.searchParams.get("latitude") ?? "").split(",").includes("0.5")
        ? { status: 400, body: '{"error":true,"reason":"No data is available for this location"}' }
        : undefined,
    );

    // Act
    const outcomes = await collect(source(), { ...oneDay, locations: [paris, atlantis, london] });

    // Assess
    expect(fake.requests.map((u) => u.searchParams.get("latitude"))).toEqual(["48.8566,0.5,51.5074", "48.8566", "0.5", "51.5074"]);
    expect(outcomes.map((o) => o.location.name)).toEqual(["Paris", "Atlantis", "London"]);
    expect(outcomes[0]!.records).toHaveLength(24);
    expect(outcomes[2]!.records).toHaveLength(24);
    const failed = outcomes[1]!.error!;
    expect(failed).toBeInstanceOf(SourceError);
    expect(failed.location).toEqual(atlantis);
    expect(failed.message).toBe('Open-Meteo forecast rejected the request for "Atlantis" (0.5,-30.25): No data is available for this location');
  });

  it("gives every location of a failing batch an error naming it, and still delivers other batches", async () => {
    // Prepare: the first batch (Paris, London) keeps failing with 500.
    fake = await FakeOpenMeteo.start((url) =>
      url.searchParams.get("latitude")!.includes(",") ? { status: 500, body: '{"error":true,"reason":"API failure"}' } : undefined,
    );

    // Act
    const outcomes = await collect(source({ batchSize: 2 }), { ...oneDay, locations: [paris, london, tokyo] });

    // Assess
    expect(fake.requests).toHaveLength(3);
    expect(outcomes[0]!.error!.message).toMatch(/^Open-Meteo forecast request for "Paris" .*HTTP 500: API failure/);
    expect(outcomes[1]!.error!.message).toMatch(/^Open-Meteo forecast request for "London" .*HTTP 500: API failure/);
    expect(outcomes[2]!.records).toHaveLength(24);
  });

  it("turns a wrong-shaped response into an error naming the field", async () => {
    // Prepare: one value short for the humidity series.
    fake = await FakeOpenMeteo.start((url) => {
      const body = JSON.parse(documentedResponse(url));
      body.hourly.relative_humidity_2m.pop();
      return { body: JSON.stringify(body) };
    });

    // Act
    const outcomes = await collect(source(), { ...oneDay, locations: [paris], variables: ["relative_humidity_2m"] });

    // Assess
    expect(outcomes[0]!.error!.message).toContain("hourly.relative_humidity_2m: has 23 values but hourly.time has 24");
    expect(outcomes[0]!.error!.message).toContain('"Paris"');
  });

  it("reports a truncated body for each location of the batch", async () => {
    // Prepare
    fake = await FakeOpenMeteo.start((url) => ({ body: documentedResponse(url).slice(0, 200) }));

    // Act
    const outcomes = await collect(source(), { ...oneDay, locations: [paris, london] });

    // Assess
    expect(outcomes.map((o) => o.error?.message.includes("not valid JSON"))).toEqual([true, true]);
  });

  it("stops calling once a rate limit beyond the allowed wait is hit", async () => {
    // Prepare
    fake = await FakeOpenMeteo.start(() => ({ status: 429, body: '{"error":true,"reason":"Daily API request limit exceeded. Please try again tomorrow."}' }));

    // Act
    const outcomes = await collect(source({ batchSize: 1 }), { ...oneDay, locations: [paris, london, tokyo] });

    // Assess
    expect(fake.requests).toHaveLength(1);
    expect(outcomes).toHaveLength(3);
    for (const outcome of outcomes) expect(outcome.error!.message).toContain("Daily API request limit exceeded");
    expect(outcomes[2]!.error!.message).toMatch(/^Open-Meteo request for "Tokyo" .* not sent/);
  });

  it("yields a batch's outcomes before sending the next batch", async () => {
    // Prepare
    fake = await FakeOpenMeteo.start();
    const iterator = source({ batchSize: 2 }).fetch({ ...oneDay, locations: [paris, london, tokyo] })[Symbol.asyncIterator]();

    // Act
    const first = await iterator.next();
    const requestsAfterFirst = fake.requests.length;
    const rest = [await iterator.next(), await iterator.next(), await iterator.next()];

    // Assess
    expect(first.value.location.name).toBe("Paris");
    expect(requestsAfterFirst).toBe(1);
    expect(rest.map((r) => r.done)).toEqual([false, false, true]);
    expect(fake.requests).toHaveLength(2);
  });

  it("appends each endpoint's path to an overridden base URL", async () => {
    // Prepare
    fake = await FakeOpenMeteo.start();

    // Act
    await collect(source({ endpoint: "archive" }), { ...oneDay, locations: [paris] });
    await collect(source({ endpoint: "historical-forecast", baseUrl: `${fake.baseUrl}/` }), { ...oneDay, locations: [paris] });

    // Assess
    expect(fake.requests.map((u) => u.pathname)).toEqual(["/v1/archive", "/v1/forecast"]);
  });

  it("refuses bad requests before calling the API, naming the bad input", async () => {
    // Prepare
    fake = await FakeOpenMeteo.start();
    const src = source();
    const locations = [paris];

    // Act
    const errors = await Promise.all(
      [
        { from: "2024-11-31", to: "2024-12-01", variables: [] },
        { from: "2024-12-02", to: "2024-12-01", variables: [] },
        { from: "2024-12-01", to: "2024-12-01", variables: ["Temp-2m"] },
        { from: "2024-12-01", to: "2024-12-01", variables: ["temperature"] },
      ].map((r) => collect(src, { ...r, locations }).catch((e: unknown) => e as Error)),
    );

    // Assess
    expect(errors.map((e) => (e as Error).message)).toEqual([
      'from must be a calendar date YYYY-MM-DD, got "2024-11-31" (no such day)',
      "from (2024-12-02) is after to (2024-12-01)",
      'invalid Open-Meteo variable name(s) "Temp-2m": names are lower-case letters, digits and "_" (e.g. relative_humidity_2m)',
      expect.stringContaining('variable(s) "temperature" would be stored in a fixed column'),
    ]);
    expect(fake.requests).toHaveLength(0);
  });
});

describe("Open-Meteo endpoints", () => {
  const today = Date.parse("2024-12-10T00:00:00Z");
  const day = (d: string) => Date.parse(`${d}T00:00:00Z`);

  it("picks the endpoint by date range as documented", () => {
    expect(chooseEndpoint(day("2024-11-24"), day("2024-11-30"), today)).toBe("forecast");
    expect(chooseEndpoint(day("2024-09-09"), day("2024-09-10"), today)).toBe("forecast"); // exactly 92 days back
    expect(chooseEndpoint(day("2024-09-08"), day("2024-09-10"), today)).toBe("historical-forecast");
    expect(chooseEndpoint(day("2022-01-01"), day("2022-01-31"), today)).toBe("historical-forecast");
    expect(chooseEndpoint(day("2021-12-31"), day("2022-01-31"), today)).toBe("archive");
    expect(chooseEndpoint(day("2021-06-01"), day("2024-12-15"), today)).toBe("forecast"); // future hours only exist there
  });

  it("resolves auto against the injected clock", () => {
    const src = new OpenMeteoSource({ clock });
    expect(src.endpointFor({ from: "2024-12-01", to: "2024-12-12" })).toBe("forecast");
    expect(src.endpointFor({ from: "1990-01-01", to: "1990-12-31" })).toBe("archive");
  });

  it("uses the documented default URLs", () => {
    expect(endpointUrl("forecast")).toBe("https://api.open-meteo.com/v1/forecast");
    expect(endpointUrl("historical-forecast")).toBe("https://historical-forecast-api.open-meteo.com/v1/forecast");
    expect(endpointUrl("archive")).toBe("https://archive-api.open-meteo.com/v1/archive");
    expect(endpointUrl("archive", "http://127.0.0.1:9/proxy/")).toBe("http://127.0.0.1:9/proxy/v1/archive");
  });

  it("rejects a base URL that is not http(s)", () => {
    expect(() => new OpenMeteoSource({ baseUrl: "ftp://example.com" })).toThrow(/must use http or https/);
    expect(() => new OpenMeteoSource({ baseUrl: "localhost:8080" })).toThrow(SourceError);
  });

  it("asks for a window's hours with start_hour/end_hour, and converts a current reading at an offset to UTC", async () => {
    // Prepare: the current block as documented (https://open-meteo.com/en/docs), an hour ahead of UTC
    fake = await FakeOpenMeteo.start((url) => (url.searchParams.has("current") ? { body: documentedResponse(url, { utcOffsetSeconds: 3600, current: { time: "2024-11-24T14:15", interval: 900 } }) } : undefined));
    const window = { startMs: Date.parse("2024-11-24T05:00:00Z"), endMs: Date.parse("2024-11-24T08:00:00Z") };

    // Act
    const hours = await collect(source(), { ...oneDay, locations: [paris], window });
    const current = await collect(source(), { ...oneDay, locations: [paris, london], variables: ["wind_speed_10m"], mode: "current" });

    // Assess
    const [hourly, now] = fake.requests.map((u) => u.searchParams);
    expect([hourly!.get("start_hour"), hourly!.get("end_hour"), hourly!.get("start_date")]).toEqual(["2024-11-24T05:00", "2024-11-24T08:00", null]);
    expect(hours[0]!.records!.map((r) => r.measurement_time)).toEqual(["2024-11-24T05:00:00Z", "2024-11-24T06:00:00Z", "2024-11-24T07:00:00Z", "2024-11-24T08:00:00Z"]);
    expect([now!.get("current"), now!.get("hourly"), now!.get("start_date")]).toEqual(["temperature_2m,wind_speed_10m", null, null]);
    expect(current.map((o) => o.records!.map((r) => [r.city, r.measurement_time]))).toEqual([[["Paris", "2024-11-24T13:15:00Z"]], [["London", "2024-11-24T13:15:00Z"]]]);
    expect(current[0]!.records![0]).toMatchObject({ temperature: fakeValue("temperature_2m", paris.latitude, 57), wind_speed_10m: 57, source: "open-meteo" });
  });

  it("reports a current block without its interval or a variable, naming the field", async () => {
    // Prepare
    fake = await FakeOpenMeteo.start(() => ({ body: JSON.stringify({ utc_offset_seconds: 0, current_units: { time: "iso8601" }, current: { time: "2024-11-24T13:15", temperature_2m: 7.1 } }) }));

    // Act
    const outcomes = await collect(source(), { ...oneDay, locations: [paris], variables: ["wind_speed_10m"], mode: "current" });

    // Assess
    expect(outcomes[0]!.error).toBeInstanceOf(SourceError);
    expect(outcomes[0]!.error!.message).toMatch(/current\.interval/);
    expect(outcomes[0]!.error!.message).toMatch(/current\.wind_speed_10m/);
  });
});
