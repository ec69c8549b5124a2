import { afterEach, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { ManualClock } from "../../packages/core/src/lake/clock";
import { silentLogger } from "../../packages/core/src/log/logger";
import { AwsRuntime, MissingBindingError } from "../../packages/core/src/runtime/aws";
import { NoSubjectsError, produce } from "../../packages/functions/src/producer";
import { FakeApi, polygonBar, polygonPage } from "../sources/polygon-fake";
import { AWS_CONFIG } from "./fake-aws";
import { FakeFirehose } from "./fake-firehose";
import { FakeS3 } from "./fake-s3";

const STREAMS = { weather: "sluice-prod-weather", stocks: "sluice-prod-stocks", air_quality: "sluice-prod-air_quality" };

/** The AWS runtime of one dataset's producer: the lake's names, the given streams and API keys bound. */
function producerRuntime(options: { streams?: Record<string, string>; polygonApiKey?: string; baseUrl?: string } = {}) {
  const streams = options.streams ?? STREAMS;
  const firehose = new FakeFirehose(Object.values(streams));
  const s3 = new FakeS3();
  const runtime = new AwsRuntime({
    config: { ...AWS_CONFIG, firehoseStreams: streams, ...(options.polygonApiKey ? { sourceKeys: { polygonApiKey: options.polygonApiKey } } : {}) },
    logger: silentLogger,
    clients: { firehose: firehose.client, s3: s3.client },
    clock: new ManualClock(Date.parse("2024-11-26T10:00:00Z")),
    sleep: async () => undefined,
    ...(options.baseUrl ? { sourceSettings: { baseUrl: options.baseUrl } } : {}),
  });
  return { runtime, firehose, restore: () => [firehose.mock, s3.mock].forEach((m) => m.restore()) };
}

describe("producer handler for every dataset", () => {
  let restore: () => void = () => undefined;
  let polygon: FakeApi | undefined;
  afterEach(async () => {
    restore();
    await polygon?.close();
    polygon = undefined;
  });

  it("ingests stocks into the stocks stream only, tickers upper-cased", async () => {
    // Prepare
    const aws = producerRuntime();
    restore = aws.restore;
    // Act
    const summary = await produce(aws.runtime, { dataset: "stocks", source: "synthetic", from: "2024-11-25", to: "2024-11-25", tickers: ["aapl", "MSFT"] });
    // Assess
    expect(summary).toMatchObject({ dataset: "stocks", source: "synthetic", locationsRequested: 2, failures: [] });
    expect(summary.recordsDelivered).toBeGreaterThan(0);
    expect(new Set(aws.firehose.calls.map((c) => c.DeliveryStreamName))).toEqual(new Set([STREAMS.stocks]));
    expect(new Set(aws.firehose.accepted.get(STREAMS.stocks)!.map((r) => JSON.parse(r).ticker))).toEqual(new Set(["AAPL", "MSFT"]));
  });

  it("fetches stocks from Polygon by default, with the POLYGON_API_KEY secret bound to the function", async () => {
    // Prepare: Polygon on 127.0.0.1 answering one bar (https://polygon.io/docs/rest/stocks/aggregates/custom-bars)
    polygon = await FakeApi.start(() => ({ body: polygonPage("AAPL", [polygonBar(Date.parse("2024-11-25T14:00:00Z"), 0)]) }));
    const aws = producerRuntime({ polygonApiKey: "pk-from-secret", baseUrl: polygon.baseUrl });
    restore = aws.restore;
    // Act: the schedule's event names the dataset only
    const summary = await produce(aws.runtime, { dataset: "stocks", tickers: ["AAPL"] });
    // Assess
    expect(summary).toMatchObject({ dataset: "stocks", source: "polygon", from: "2024-11-25", to: "2024-11-26", recordsDelivered: 1 });
    expect(polygon.requests.map((r) => r.url.searchParams.get("apiKey"))).toEqual(["pk-from-secret"]);
  });

  it("refuses Polygon without the POLYGON_API_KEY secret, naming it", async () => {
    // Prepare
    const aws = producerRuntime();
    restore = aws.restore;
    // Act
    const error = await produce(aws.runtime, { dataset: "stocks" }).catch((e: unknown) => e);
    // Assess
    expect((error as Error).message).toMatch(/POLYGON_API_KEY/);
    expect(aws.firehose.calls).toEqual([]);
  });

  it("ingests air quality of the named stations into the air-quality stream", async () => {
    // Prepare
    const aws = producerRuntime();
    restore = aws.restore;
    // Act
    const summary = await produce(aws.runtime, { dataset: "air_quality", source: "synthetic", from: "2024-11-25", to: "2024-11-25", stations: ["Paris Centre"] });
    // Assess
    expect(summary).toMatchObject({ dataset: "air_quality", locationsRequested: 1, failures: [] });
    expect(new Set(aws.firehose.calls.map((c) => c.DeliveryStreamName))).toEqual(new Set([STREAMS.air_quality]));
    expect(new Set(aws.firehose.accepted.get(STREAMS.air_quality)!.map((r) => JSON.parse(r).parameter))).toEqual(new Set(["pm25", "pm10", "no2", "o3"]));
  });

  it("asks for subjects when air quality is scheduled without stations (none configured)", async () => {
    // Prepare
    const aws = producerRuntime();
    restore = aws.restore;
    // Act
    const error = await produce(aws.runtime, { dataset: "air_quality" }).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(NoSubjectsError);
    expect((error as Error).message).toContain("datasets.air_quality.subjects");
  });

  it("refuses subjects and sources of another dataset", async () => {
    // Prepare
    const aws = producerRuntime();
    restore = aws.restore;
    // Act
    const tickersForWeather = await produce(aws.runtime, { tickers: ["AAPL"] }).catch((e: unknown) => e);
    const openMeteoForStocks = await produce(aws.runtime, { dataset: "stocks", source: "open-meteo" }).catch((e: unknown) => e);
    // Assess
    expect(tickersForWeather).toBeInstanceOf(ZodError);
    expect((tickersForWeather as ZodError).issues[0]!.message).toBe("tickers applies to dataset stocks, not weather");
    expect((openMeteoForStocks as ZodError).issues[0]!.message).toBe('dataset stocks has no source "open-meteo"; its sources: polygon, synthetic');
    expect(aws.firehose.calls).toEqual([]);
  });

  it("names the stream binding a producer lacks for another dataset", async () => {
    // Prepare: the weather producer's bindings only
    const aws = producerRuntime({ streams: { weather: STREAMS.weather } });
    restore = aws.restore;
    // Act
    const error = await produce(aws.runtime, { dataset: "stocks", source: "synthetic", tickers: ["AAPL"] }).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(MissingBindingError);
    expect((error as Error).message).toMatch(/^Config\.FIREHOSE_STREAM_STOCKS is not bound/);
  });
});
