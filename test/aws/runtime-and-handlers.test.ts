import { PublishCommand } from "@aws-sdk/client-sns";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../packages/core/src/log/logger";
import { pipeline } from "../../packages/core/src/pipeline/pipeline";
import { AwsRuntime } from "../../packages/core/src/runtime/aws";
import { NothingDeliveredError, produce } from "../../packages/functions/src/producer";
import { FakeOpenMeteo } from "../sources/fake-open-meteo";
import { AWS_CONFIG, RUN_PARAMETERS, fakeAws } from "./fake-aws";

const PARAMETERS = RUN_PARAMETERS;

describe("AwsRuntime: the AWS composition root", () => {
  let restore: () => void = () => undefined;
  afterEach(() => restore());

  it("replaces the definition's buckets and Glue database by the bound physical names", () => {
    // Act
    const runtime = new AwsRuntime({ config: AWS_CONFIG, logger: silentLogger });
    // Assess
    expect(runtime.pipeline.buckets).toEqual(AWS_CONFIG.buckets);
    expect(runtime.pipeline.glueDatabase).toBe("sluice_prod");
    expect(runtime.pipeline.datasets).toBe(pipeline.datasets);
    expect(pipeline.buckets.raw).toBe("raw");
  });

  it("runs the whole pipeline on the AWS adapters and publishes a new production version", async () => {
    // Prepare
    const aws = fakeAws();
    restore = aws.restore;
    // Act
    const run = await (await aws.runtime.runEngine()).run(PARAMETERS);
    // Assess
    expect(run.failure).toBeUndefined();
    expect(run.status).toBe("succeeded");
    expect(run.prodVersion).toBe("weather_prod_v0001");
    // Published by reference: the version table reads the run's own folder, nothing was copied.
    expect(aws.s3.keys("sluice-prod-prod")).toEqual([`weather_prod/data/${run.id}/yr_mo_partition=2024-11/part-0.parquet`]);
    expect(aws.glue.tables.get("sluice_prod.weather_prod_v0001")?.StorageDescriptor?.Location).toBe(`s3://sluice-prod-prod/weather_prod/data/${run.id}/`);
    expect(aws.s3.keys("sluice-prod-processed")).toContain("_sluice/state/weather/raw-manifest.json");
    expect(aws.s3.keys("sluice-prod-processed").filter((k) => k.startsWith("_sluice/stage/"))).toEqual([]);
    expect(aws.s3.keys("sluice-prod-processed").filter((k) => k.startsWith("_sluice/runs/"))).toEqual([`_sluice/runs/${run.id}/dq.json`, `_sluice/runs/${run.id}/run.json`]);
    expect(aws.s3.keys("sluice-prod-processed")).not.toContain("_sluice/run.lock");
    expect(aws.snsMock.commandCalls(PublishCommand)).toHaveLength(0);
  });

});

describe("producer handler", () => {
  let restore: () => void = () => undefined;
  let openMeteo: FakeOpenMeteo | undefined;
  afterEach(async () => {
    restore();
    await openMeteo?.close();
    openMeteo = undefined;
  });

  it("ingests the requested range through the bound Firehose stream and returns the summary", async () => {
    // Prepare
    const aws = fakeAws();
    restore = aws.restore;
    // Act
    const summary = await produce(aws.runtime, { source: "synthetic", from: "2024-11-24", to: "2024-11-24", locations: ["Paris", { name: "Home", latitude: 45, longitude: 5 }] });
    // Assess
    expect(summary).toMatchObject({ dataset: "weather", source: "synthetic", locationsRequested: 2, recordsFetched: 48, recordsDelivered: 48, failures: [] });
    expect(new Set(aws.firehose.calls.map((c) => c.DeliveryStreamName))).toEqual(new Set(["sluice-prod-weather"]));
    expect(aws.firehose.accepted.get("sluice-prod-weather")!.map((r) => JSON.parse(r).city).sort()).toEqual([...Array(24).fill("Home"), ...Array(24).fill("Paris")]);
  });

  it("defaults a scheduled event to yesterday..today (UTC), Paris, London and Berlin from Open-Meteo", async () => {
    // Prepare
    openMeteo = await FakeOpenMeteo.start();
    const aws = fakeAws();
    restore = aws.restore;
    const runtime = new AwsRuntime({ ...aws.runtime.options, sourceSettings: { baseUrl: openMeteo.baseUrl } });
    // Act
    const summary = await produce(runtime, { "detail-type": "Scheduled Event", source: "aws.events", detail: {} }, Date.parse("2024-11-25T10:00:00Z"));
    // Assess
    expect(summary).toMatchObject({ source: "open-meteo", from: "2024-11-24", to: "2024-11-25", locationsRequested: 3, failures: [] });
    expect(summary.recordsDelivered).toBeGreaterThan(0);
  });

  it("throws only when no location delivered anything, naming each failure", async () => {
    // Prepare: Open-Meteo answers every request with its documented 400
    openMeteo = await FakeOpenMeteo.start(() => ({ status: 400, body: JSON.stringify({ error: true, reason: "Latitude must be in range of -90 to 90°." }) }));
    const aws = fakeAws();
    restore = aws.restore;
    const runtime = new AwsRuntime({ ...aws.runtime.options, sourceSettings: { baseUrl: openMeteo.baseUrl } });
    // Act
    const error = await produce(runtime, { from: "2024-11-24", to: "2024-11-24", locations: ["Paris"] }).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(NothingDeliveredError);
    expect((error as Error).message).toMatch(/^no records delivered for weather 2024-11-24\.\.2024-11-24: Paris: .*Latitude must be in range/);
  });
});
