import { App } from "sst/constructs";
import { initProject } from "sst/project.js";
import { describe, expect, it, vi } from "vitest";
import type { PipelineDefinition } from "../../packages/core/src/pipeline/types";

// The pipeline definition with a Firehose buffer AWS refuses under dynamic partitioning.
vi.mock("../../packages/core/src/pipeline/pipeline", async (importOriginal) => {
  const original = await importOriginal<{ pipeline: PipelineDefinition }>();
  const weather = original.pipeline.datasets.weather!;
  return {
    ...original,
    pipeline: { ...original.pipeline, datasets: { weather: { ...weather, firehose: { ...weather.firehose, buffering: { sizeInMBs: 32, intervalInSeconds: 60 } } } } },
  };
});

describe("synthesizing an invalid pipeline definition", () => {
  it("fails in the Ingest stack with the message CreateDeliveryStream would answer", async () => {
    // Prepare
    process.env.SST_TELEMETRY_DISABLED = "1";
    await initProject({ stage: "invalid" });
    const app = new App({ mode: "deploy", stage: "invalid", name: "sluice", region: "eu-west-1", account: "123456789012" });
    const { stacks } = await import("../../stacks");

    // Act / Assess: https://docs.aws.amazon.com/firehose/latest/dev/dynamic-partitioning.html
    expect(() => stacks(app)).toThrow(/Firehose stream "weather" is invalid for aws:[\s\S]*BufferingHints\.SizeInMBs must be at least 64 when Dynamic Partitioning is enabled\./);
  });
});
