/**
 * The JSON document Firehose writes for each failed record under the error prefix.
 * https://docs.aws.amazon.com/firehose/latest/dev/data-transformation.html (processing_failed:
 * attemptsMade, arrivalTimestamp, errorCode, errorMessage, attemptEndingTimestamp, rawData).
 */

/** One failed record, as AWS writes it (rawData is the base64 of the exact bytes received). */
export interface FirehoseErrorDocument {
  readonly attemptsMade: number;
  readonly arrivalTimestamp: number;
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly attemptEndingTimestamp: number;
  readonly rawData: string;
}

/** Error codes the twin writes. */
export const ERROR_CODES = {
  /** AWS's code when inline parsing cannot extract keys (seen in real error outputs). */
  metadataExtractionFailed: "DynamicPartitioning.MetadataExtractionFailed",
  /**
   * A record for a new partition while 500 are active (https://docs.aws.amazon.com/firehose/latest/dev/buffering.html
   * names the error prefix `activePartitionExceeded`; this code is the one users report from real error outputs).
   */
  activePartitionsLimitExceeded: "DynamicPartitioning.ActivePartitionsLimitExceeded",
  /** sluice's own: the schema stage rejected the record (on AWS a Lambda would report it). */
  schemaMismatch: "Sluice.RecordSchemaMismatch",
  /** sluice's own: the client-side batcher gave up on the record. */
  clientRejected: "Sluice.ClientRejected",
} as const;

/** AWS's message for a record that is not JSON when inline parsing is on. */
export const NON_JSON_MESSAGE = "Non JSON record provided";

/** Builds the error document of one record. */
export function errorDocument(
  raw: Uint8Array | string,
  errorCode: string,
  errorMessage: string,
  arrivalMs: number,
  endingMs: number,
  attemptsMade = 1,
): FirehoseErrorDocument {
  const bytes = typeof raw === "string" ? Buffer.from(raw, "utf8") : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  return {
    attemptsMade,
    arrivalTimestamp: arrivalMs,
    errorCode,
    errorMessage,
    attemptEndingTimestamp: endingMs,
    rawData: bytes.toString("base64"),
  };
}
