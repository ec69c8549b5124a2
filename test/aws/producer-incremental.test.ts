import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { ManualClock } from "../../packages/core/src/lake/clock";
import { silentLogger } from "../../packages/core/src/log/logger";
import { AwsRuntime } from "../../packages/core/src/runtime/aws";
import { produce } from "../../packages/functions/src/producer";
import { documentedResponse, FakeOpenMeteo } from "../sources/fake-open-meteo";
import { AWS_CONFIG } from "./fake-aws";
import { FakeFirehose } from "./fake-firehose";
import { FakeS3 } from "./fake-s3";

const STREAM = AWS_CONFIG.firehoseStreams.weather!;
const CURSOR_KEY = "_sluice/cursors/weather/open-meteo.json";
const SCHEDULED = { "detail-type": "Scheduled Event", source: "aws.events", detail: {} };

describe("the weather producer on its schedule (incremental, fixed clock)", () => {
  let openMeteo: FakeOpenMeteo;
  let firehose: FakeFirehose;
  let s3: FakeS3;
  let runtime: AwsRuntime;
  const clock = new ManualClock(Date.parse("2024-11-25T10:05:00Z"));
  beforeEach(async () => {
    openMeteo = await FakeOpenMeteo.start();
    firehose = new FakeFirehose([STREAM]);
    s3 = new FakeS3();
    clock.set(Date.parse("2024-11-25T10:05:00Z"));
    runtime = new AwsRuntime({ config: AWS_CONFIG, logger: silentLogger, clients: { firehose: firehose.client, s3: s3.client }, clock, sleep: async () => undefined, sourceSettings: { baseUrl: openMeteo.baseUrl } });
  });
  afterEach(async () => {
    firehose.mock.restore();
    s3.mock.restore();
    await openMeteo.close();
  });

  /** The measurement hours Firehose accepted for a city since `from` (an index into its accepted records). */
  function acceptedHours(city: string, from = 0): string[] {
    return (firehose.accepted.get(STREAM) ?? []).slice(from).map((r) => JSON.parse(r) as { city: string; measurement_time: string }).filter((r) => r.city === city).map((r) => r.measurement_time);
  }

  it("asks a second invocation only for the hours after its cursor, less the 3 overlap hours, and keeps the cursor in the processed bucket", async () => {
    // Prepare: the first scheduled invocation
    const first = await produce(runtime, SCHEDULED);
    const afterFirst = firehose.accepted.get(STREAM)!.length;
    clock.set(Date.parse("2024-11-25T12:05:00Z"));
    openMeteo.requests.splice(0);
    // Act
    const second = await produce(runtime, SCHEDULED);
    // Assess
    expect(first).toMatchObject({ from: "2024-11-24", to: "2024-11-25", recordsDelivered: 3 * (24 + 11), failures: [] });
    const asked = openMeteo.requests.map((u) => Object.fromEntries(["hourly", "start_hour", "end_hour", "start_date", "end_date", "timezone"].map((k) => [k, u.searchParams.get(k)])));
    expect(asked).toEqual([{ hourly: "temperature_2m", start_hour: "2024-11-25T08:00", end_hour: "2024-11-25T12:00", start_date: null, end_date: null, timezone: "GMT" }]);
    expect(acceptedHours("Paris", afterFirst)).toEqual(["2024-11-25T08:00:00Z", "2024-11-25T09:00:00Z", "2024-11-25T10:00:00Z", "2024-11-25T11:00:00Z", "2024-11-25T12:00:00Z"]);
    expect(second.recordsDelivered).toBe(3 * 5);
    expect(s3.keys(AWS_CONFIG.buckets.processed)).toContain(CURSOR_KEY);
    expect(await runtime.cursors().read("weather", "open-meteo")).toEqual({ Paris: "2024-11-25T12:00:00Z", London: "2024-11-25T12:00:00Z", Berlin: "2024-11-25T12:00:00Z" });
  });

  it("keeps the cursor of a city whose request failed; the others move", async () => {
    // Prepare: a first invocation; then London's coordinates get Open-Meteo's documented 400
    await produce(runtime, SCHEDULED);
    clock.set(Date.parse("2024-11-25T14:05:00Z"));
    openMeteo.handler = (url) => ((url.searchParams.get("latitude") ?? "").split(",").includes("51.5074") ? { status: 400, body: JSON.stringify({ error: true, reason: "Latitude must be in range of -90 to 90°." }) } : undefined);
    // Act
    const summary = await produce(runtime, SCHEDULED);
    // Assess
    expect(summary.failures.map((f) => f.location)).toEqual(["London"]);
    expect(await runtime.cursors().read("weather", "open-meteo")).toEqual({ Paris: "2024-11-25T14:00:00Z", London: "2024-11-25T10:00:00Z", Berlin: "2024-11-25T14:00:00Z" });
  });

  it("keeps the cursor of a city one of whose records Firehose kept rejecting (error output)", async () => {
    // Prepare: the first record of every PutRecordBatch call (retries included) fails
    await produce(runtime, SCHEDULED);
    clock.set(Date.parse("2024-11-25T11:05:00Z"));
    firehose.failNext = Array.from({ length: 50 }, () => [0]);
    // Act
    const summary = await produce(runtime, SCHEDULED);
    // Assess: a city with a record in the error output is a failure and keeps its cursor; the others move
    const failed = new Set(summary.failures.map((f) => f.location));
    expect(failed.size).toBeGreaterThan(0);
    expect(summary.failures.every((f) => /error output/.test(f.error))).toBe(true);
    const cursors = await runtime.cursors().read("weather", "open-meteo");
    expect(Object.entries(cursors).map(([city, t]) => [city, t === (failed.has(city) ? "2024-11-25T10:00:00Z" : "2024-11-25T11:00:00Z")])).toEqual([
      ["Paris", true],
      ["London", true],
      ["Berlin", true],
    ]);
  });

  it("an explicit from/to fetches those days as given, and neither reads nor moves a cursor", async () => {
    // Prepare
    await produce(runtime, SCHEDULED);
    openMeteo.requests.splice(0);
    // Act
    await produce(runtime, { from: "2024-11-20", to: "2024-11-20", locations: ["Paris"] });
    // Assess
    expect(openMeteo.requests.map((u) => [u.searchParams.get("start_date"), u.searchParams.get("end_date"), u.searchParams.get("start_hour")])).toEqual([["2024-11-20", "2024-11-20", null]]);
    expect((await runtime.cursors().read("weather", "open-meteo")).Paris).toBe("2024-11-25T10:00:00Z");
  });

  it("current mode from the event: one record per city per reading, its time from current.time", async () => {
    // Prepare
    openMeteo.handler = (url) => ({ body: documentedResponse(url, { current: { time: "2024-11-25T10:00", interval: 900 } }) });
    // Act
    const summary = await produce(runtime, { ingestMode: "current" });
    // Assess
    expect(openMeteo.requests.map((u) => u.searchParams.get("current"))).toEqual(["temperature_2m"]);
    expect(summary.recordsDelivered).toBe(3);
    expect(acceptedHours("Paris")).toEqual(["2024-11-25T10:00:00Z"]);
  });

  it("refuses the current mode for a dataset that is not Open-Meteo's, naming it", async () => {
    // Act
    const error = (await produce(runtime, { dataset: "stocks", ingestMode: "current" }).then(
      () => new ZodError([]),
      (e: unknown) => e,
    )) as ZodError;
    // Assess
    expect(error).toBeInstanceOf(ZodError);
    expect(error.issues.map((i) => [i.path.join("."), i.message])).toContainEqual(["ingestMode", 'ingestMode "current" is Open-Meteo\'s (dataset weather); stocks collects hourly']);
  });
});
