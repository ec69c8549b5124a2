import { describe, expect, it } from "vitest";

// SST v2 binds a Config.Parameter as the env var SST_Parameter_value_<NAME> and reads them once,
// on the first import of sst/node/* (PLATFORM.md); this file runs in its own worker.

describe("fromSstBindings", () => {
  it("reads the physical names from the bound Config parameters", async () => {
    // Prepare
    const bound: Record<string, string> = {
      RAW_BUCKET: "sluice-prod-raw",
      PROCESSED_BUCKET: "sluice-prod-processed",
      PROD_BUCKET: "sluice-prod-prod",
      ATHENA_RESULTS_BUCKET: "sluice-prod-athena-results",
      GLUE_DATABASE: "sluice_prod",
      ATHENA_WORKGROUP: "sluice-prod",
      FIREHOSE_STREAM_WEATHER: "sluice-prod-weather",
      RAW_CRAWLER: "sluice-prod-raw",
      DQ_ALERT_TOPIC: "arn:aws:sns:eu-west-1:123456789012:sluice-prod-dq-alerts",
    };
    process.env.SST_APP = "sluice";
    process.env.SST_STAGE = "prod";
    for (const [name, value] of Object.entries(bound)) process.env[`SST_Parameter_value_${name}`] = value;
    const { fromSstBindings } = await import("../../packages/core/src/runtime/aws");
    // Act
    const config = await fromSstBindings();
    // Assess
    expect(config).toEqual({
      buckets: { raw: "sluice-prod-raw", processed: "sluice-prod-processed", prod: "sluice-prod-prod", athenaResults: "sluice-prod-athena-results" },
      glueDatabase: "sluice_prod",
      athenaWorkgroup: "sluice-prod",
      firehoseStreams: { weather: "sluice-prod-weather" },
      rawCrawler: "sluice-prod-raw",
      dqAlertTopic: "arn:aws:sns:eu-west-1:123456789012:sluice-prod-dq-alerts",
    });
  });
});
