import { PutRecordBatchCommand, type FirehoseClient } from "@aws-sdk/client-firehose";
import type { DeliveryStream, FirehoseErrorCode, PutRecordBatchOutput, RecordData } from "../delivery/delivery-stream";
import { FirehoseServiceError } from "../delivery/delivery-stream";
import { awsErrorName, messageOf } from "./aws-errors";

const KNOWN_CODES: ReadonlySet<string> = new Set<FirehoseErrorCode>([
  "ValidationException",
  "InvalidArgumentException",
  "ResourceNotFoundException",
  "ServiceUnavailableException",
  "ThrottlingException",
]);

/**
 * Whole-call errors PutRecordBatch documents that the port's `FirehoseErrorCode` does not name:
 * none of them can succeed on a retry, so they map to the non-retryable InvalidArgumentException
 * (the message keeps the original code).
 */
const NOT_RETRYABLE: ReadonlySet<string> = new Set(["InvalidKMSResourceException", "InvalidSourceException", "AccessDeniedException"]);

/**
 * A Kinesis Data Firehose delivery stream behind the delivery port: PutRecordBatch with
 * `DeliveryStreamName` and `Records: [{ Data }]`. The response is passed through as the shared
 * `PutRecordBatchBatcher` expects it (`FailedPutCount`, `RequestResponses[i]` for record i);
 * service exceptions become `FirehoseServiceError` with AWS's code, so throttling and
 * unavailability are retried and bad input is not. Other errors (network, timeouts) are rethrown
 * as they are, and the batcher retries them.
 * https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecordBatch.html
 *
 * `flush` and `close` do nothing: Firehose buffers server-side and delivers to S3 when its
 * buffering hints (size or interval) are reached; a client cannot force that.
 */
export class FirehoseDeliveryStream implements DeliveryStream {
  constructor(
    private readonly firehose: FirehoseClient,
    /** The physical delivery stream name (the stack prefixes app and stage). */
    readonly name: string,
  ) {}

  async putRecordBatch(records: readonly RecordData[]): Promise<PutRecordBatchOutput> {
    let output;
    try {
      output = await this.firehose.send(
        new PutRecordBatchCommand({
          DeliveryStreamName: this.name,
          Records: records.map((record) => ({ Data: typeof record === "string" ? Buffer.from(record, "utf8") : record })),
        }),
      );
    } catch (error) {
      throw toFirehoseError(error, this.name);
    }
    return {
      FailedPutCount: output.FailedPutCount ?? 0,
      ...(output.Encrypted !== undefined ? { Encrypted: output.Encrypted } : {}),
      RequestResponses: (output.RequestResponses ?? []).map((entry) => ({
        ...(entry.RecordId !== undefined ? { RecordId: entry.RecordId } : {}),
        ...(entry.ErrorCode !== undefined ? { ErrorCode: entry.ErrorCode } : {}),
        ...(entry.ErrorMessage !== undefined ? { ErrorMessage: entry.ErrorMessage } : {}),
      })),
    };
  }

  /** Nothing to do: Firehose flushes its buffers by its own hints. */
  async flush(): Promise<void> {}

  /** Nothing to release: the stream outlives the producer. */
  async close(): Promise<void> {}
}

/** Maps an SDK error of PutRecordBatch to the port's error; unknown errors pass through (retryable). */
export function toFirehoseError(error: unknown, stream: string): unknown {
  const name = awsErrorName(error);
  if (name && KNOWN_CODES.has(name)) return new FirehoseServiceError(name as FirehoseErrorCode, `${messageOf(error)} (stream ${stream})`);
  if (name && NOT_RETRYABLE.has(name)) return new FirehoseServiceError("InvalidArgumentException", `${name}: ${messageOf(error)} (stream ${stream})`);
  return error;
}
