import { describe, expect, it } from "vitest";
import { FIREHOSE_MESSAGES } from "../../packages/core/src/delivery";
import { weatherDataset } from "../../packages/core/src/pipeline/weather";
import type { DatasetDefinition } from "../../packages/core/src/pipeline/types";
import { firehoseDestinationOf } from "../../stacks/firehose-destination";
import { scheduleOf, ScheduleExpressionError } from "../../stacks/schedule";

const targets = { bucketArn: "arn:aws:s3:::raw", roleArn: "arn:aws:iam::1:role/r", logGroupName: "g", logStreamName: "s" };
const withFirehose = (changes: Partial<DatasetDefinition["firehose"]>): DatasetDefinition => ({ ...weatherDataset, firehose: { ...weatherDataset.firehose, ...changes } });

// The pure parts of the stacks: how the pipeline definition becomes CloudFormation properties.
describe("stack properties derived from the pipeline definition", () => {
  it("leaves out dynamic partitioning and processors when the definition has none", () => {
    // Act
    const destination = firehoseDestinationOf(
      { ...weatherDataset.firehose, prefix: "weather/", errorOutputPrefix: "errors/", partitionKeyQuery: undefined, appendNewline: false },
      targets,
    );

    // Assess
    expect(destination.dynamicPartitioningConfiguration).toBeUndefined();
    expect(destination.processingConfiguration).toBeUndefined();
  });

  it("accepts rate() and cron() schedules and refuses anything else", () => {
    expect(scheduleOf(weatherDataset)).toBe("rate(1 hour)");
    expect(scheduleOf({ name: "w", schedule: "cron(15 10 * * ? *)" })).toBe("cron(15 10 * * ? *)");
    expect(() => scheduleOf({ name: "w", schedule: "every hour" })).toThrow(ScheduleExpressionError);
  });

  it("words the 64 MiB rule as AWS does, which the Ingest stack throws at synthesis", async () => {
    // The Ingest stack calls assertValidFirehoseConfig(spec, "aws") before building the stream.
    const { assertValidFirehoseConfig } = await import("../../packages/core/src/delivery");
    expect(() => assertValidFirehoseConfig(withFirehose({ buffering: { sizeInMBs: 32, intervalInSeconds: 60 } }).firehose, "aws")).toThrow(FIREHOSE_MESSAGES.sizeAtLeast64);
  });
});
