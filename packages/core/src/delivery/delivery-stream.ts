/**
 * The delivery port: what a producer needs from a Firehose stream. `FirehoseTwin` implements it
 * locally; the AWS adapter will wrap `@aws-sdk/client-firehose`'s PutRecordBatch.
 * https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecordBatch.html
 */

/** One record's bytes (a string is sent as its UTF-8 bytes). */
export type RecordData = Uint8Array | string;

/** `RequestResponses[i]` of PutRecordBatch: a RecordId, or an ErrorCode and ErrorMessage. */
export interface PutRecordBatchResponseEntry {
  readonly RecordId?: string;
  readonly ErrorCode?: string;
  readonly ErrorMessage?: string;
}

/** The PutRecordBatch response: `FailedPutCount` can be > 0 on a successful call. */
export interface PutRecordBatchOutput {
  readonly FailedPutCount: number;
  readonly Encrypted?: boolean;
  readonly RequestResponses: readonly PutRecordBatchResponseEntry[];
}

/** Anything that takes a PutRecordBatch call (the batcher needs no more). */
export interface PutRecordBatchTarget {
  putRecordBatch(records: readonly RecordData[]): Promise<PutRecordBatchOutput>;
}

/** A delivery stream: PutRecordBatch plus the end-of-buffer controls the twin needs. */
export interface DeliveryStream extends PutRecordBatchTarget {
  readonly name: string;
  /** Delivers everything buffered now, as if every buffer interval had elapsed. */
  flush(): Promise<void>;
  /** Flushes, then refuses further records. */
  close(): Promise<void>;
}

/** PutRecordBatch limits; "These limits cannot be changed" (API reference). */
export const PUT_RECORD_BATCH_LIMITS = {
  maxRecords: 500,
  /** 4 MiB for the whole request. */
  maxRequestBytes: 4 * 1024 * 1024,
  /** 1,000 KiB per record, before base64 (the API's `Data` maximum length is 1024000). */
  maxRecordBytes: 1_024_000,
} as const;

/** Whole-call errors of the Firehose API, by the code AWS returns. */
export type FirehoseErrorCode =
  | "ValidationException"
  | "InvalidArgumentException"
  | "ResourceNotFoundException"
  | "ServiceUnavailableException"
  | "ThrottlingException";

/** A PutRecordBatch call the service refused as a whole (nothing in it was accepted). */
export class FirehoseServiceError extends Error {
  override readonly name = "FirehoseServiceError";
  constructor(
    readonly code: FirehoseErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }

  /** Retrying the same request can succeed (throttling, unavailability); not for bad input. */
  get retryable(): boolean {
    return this.code === "ServiceUnavailableException" || this.code === "ThrottlingException";
  }
}

/** Size in bytes of a record as Firehose counts it. */
export function recordByteLength(record: RecordData): number {
  return typeof record === "string" ? Buffer.byteLength(record, "utf8") : record.byteLength;
}
