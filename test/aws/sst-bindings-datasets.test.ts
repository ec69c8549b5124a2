import { describe, expect, it } from "vitest";

// SST v2 binds a Config.Secret as SST_Secret_value_<NAME>; a literal value (not __FETCH_FROM_SSM__)
// is used as is, so no SSM call happens here. This file runs in its own worker.

describe("fromSstBindings with every dataset's stream and the sources' secrets", () => {
  it("reads FIREHOSE_STREAM_<DATASET> for each dataset and the bound API keys", async () => {
    // Prepare: the stocks producer's bindings (its stream and POLYGON_API_KEY, no OpenAQ key)
    process.env.SST_APP = "sluice";
    process.env.SST_STAGE = "prod";
    for (const name of ["RAW_BUCKET", "PROCESSED_BUCKET", "PROD_BUCKET", "ATHENA_RESULTS_BUCKET", "GLUE_DATABASE", "ATHENA_WORKGROUP"]) process.env[`SST_Parameter_value_${name}`] = name.toLowerCase();
    process.env.SST_Parameter_value_FIREHOSE_STREAM_STOCKS = "sluice-prod-stocks";
    process.env.SST_Parameter_value_FIREHOSE_STREAM_AIR_QUALITY = "sluice-prod-air_quality";
    process.env.SST_Secret_value_POLYGON_API_KEY = "pk-test";
    const { fromSstBindings } = await import("../../packages/core/src/runtime/aws");
    // Act
    const config = await fromSstBindings();
    // Assess
    expect(config.firehoseStreams).toEqual({ stocks: "sluice-prod-stocks", air_quality: "sluice-prod-air_quality" });
    expect(config.sourceKeys).toEqual({ polygonApiKey: "pk-test" });
  });
});
