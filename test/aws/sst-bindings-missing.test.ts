import { describe, expect, it } from "vitest";

describe("fromSstBindings without a required binding", () => {
  it("names the Config parameter the stack forgot to bind", async () => {
    // Prepare: everything but GLUE_DATABASE
    process.env.SST_APP = "sluice";
    process.env.SST_STAGE = "prod";
    for (const name of ["RAW_BUCKET", "PROCESSED_BUCKET", "PROD_BUCKET", "ATHENA_RESULTS_BUCKET", "ATHENA_WORKGROUP"]) process.env[`SST_Parameter_value_${name}`] = "x";
    const { fromSstBindings, MissingBindingError } = await import("../../packages/core/src/runtime/aws");
    // Act
    const error = await fromSstBindings().catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(MissingBindingError);
    expect((error as Error).message).toBe("Config.GLUE_DATABASE is not bound to this function: bind the Config.Parameter in its stack");
  });
});
