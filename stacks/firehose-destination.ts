import type { CfnDeliveryStream } from "aws-cdk-lib/aws-kinesisfirehose";
import type { FirehoseSpec } from "../packages/core/src/pipeline/types";

/** The physical parts of a destination that the pipeline definition cannot know. */
export interface FirehoseDestinationTargets {
  readonly bucketArn: string;
  readonly roleArn: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
}

/**
 * `ExtendedS3DestinationConfiguration` from a dataset's FirehoseSpec: the same prefix, error prefix,
 * jq partitioning, buffering and compression the twin runs with.
 * https://docs.aws.amazon.com/firehose/latest/dev/dynamic-partitioning.html
 */
export function firehoseDestinationOf(
  spec: FirehoseSpec,
  targets: FirehoseDestinationTargets,
): CfnDeliveryStream.ExtendedS3DestinationConfigurationProperty {
  const processors: CfnDeliveryStream.ProcessorProperty[] = [];
  if (spec.partitionKeyQuery !== undefined) {
    processors.push({
      type: "MetadataExtraction",
      parameters: [
        { parameterName: "MetadataExtractionQuery", parameterValue: spec.partitionKeyQuery },
        { parameterName: "JsonParsingEngine", parameterValue: "JQ-1.6" },
      ],
    });
  }
  // AppendDelimiterToRecord needs no parameter (API_Processor): it appends a newline.
  if (spec.appendNewline) processors.push({ type: "AppendDelimiterToRecord" });
  return {
    bucketArn: targets.bucketArn,
    roleArn: targets.roleArn,
    prefix: spec.prefix,
    errorOutputPrefix: spec.errorOutputPrefix,
    bufferingHints: { sizeInMBs: spec.buffering.sizeInMBs, intervalInSeconds: spec.buffering.intervalInSeconds },
    compressionFormat: spec.compression,
    dynamicPartitioningConfiguration: spec.partitionKeyQuery !== undefined ? { enabled: true, retryOptions: { durationInSeconds: 300 } } : undefined,
    processingConfiguration: processors.length > 0 ? { enabled: true, processors } : undefined,
    cloudWatchLoggingOptions: { enabled: true, logGroupName: targets.logGroupName, logStreamName: targets.logStreamName },
  };
}
