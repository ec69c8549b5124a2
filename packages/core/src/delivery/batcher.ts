import type { Clock } from "../lake/clock";
import { systemClock } from "../lake/clock";
import { FirehoseServiceError, PUT_RECORD_BATCH_LIMITS, recordByteLength } from "./delivery-stream";
import type { PutRecordBatchTarget, RecordData } from "./delivery-stream";
import type { RejectedRecord, RejectedRecordSink } from "./error-sink";
import { ERROR_CODES } from "./firehose/error-record";

/** Options of `PutRecordBatchBatcher`. */
export interface BatcherOptions {
  readonly errorSink: RejectedRecordSink;
  /** Calls per record before it goes to the error sink (default 4: one try and three retries). */
  readonly maxAttempts?: number;
  /** First back-off (default 100 ms); doubles per retry, capped by `maxDelayMs` (default 5 s). */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Injected for tests: waits `ms`. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Injected for tests: uniform in [0, 1) for the jitter. */
  readonly random?: () => number;
  readonly clock?: Clock;
}

/** What the batcher has done so far. */
export interface BatcherCounts {
  /** Records the stream accepted (each exactly once). */
  readonly sent: number;
  /** Records sent to the error sink (too large, or still failing after the last attempt). */
  readonly rejected: number;
  /** Record resends (a record retried twice counts twice). */
  readonly retried: number;
  /** PutRecordBatch calls made. */
  readonly calls: number;
}

interface Pending {
  readonly data: RecordData;
  readonly size: number;
  readonly arrival: number;
  attempts: number;
  lastError?: { code: string; message: string };
}

/**
 * Client side of PutRecordBatch, shared by the twin and the AWS adapter: groups records into
 * calls of ≤ 500 records and ≤ 4 MiB, rejects records over 1,000 KiB without sending them, resends
 * only the failed indices of a partial failure (`FailedPutCount > 0` on a 200) and retries failed
 * calls, with exponential back-off and full jitter, a bounded number of times; whatever still fails
 * goes to the error sink. Non-retryable call errors (ValidationException, InvalidArgumentException,
 * ResourceNotFoundException) send the call's records to the sink at once.
 */
export class PutRecordBatchBatcher {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly clock: Clock;
  private counters = { sent: 0, rejected: 0, retried: 0, calls: 0 };

  constructor(
    private readonly target: PutRecordBatchTarget,
    private readonly options: BatcherOptions,
  ) {
    this.maxAttempts = options.maxAttempts ?? 4;
    this.baseDelayMs = options.baseDelayMs ?? 100;
    this.maxDelayMs = options.maxDelayMs ?? 5000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.clock = options.clock ?? systemClock;
  }

  /** Counts so far. */
  counts(): BatcherCounts {
    return { ...this.counters };
  }

  /** Sends every record: each ends up accepted by the stream or in the error sink, exactly once. */
  async send(records: Iterable<RecordData>): Promise<BatcherCounts> {
    const now = this.clock.now();
    const tooLarge: RejectedRecord[] = [];
    let queue: Pending[] = [];
    for (const data of records) {
      const size = recordByteLength(data);
      if (size > PUT_RECORD_BATCH_LIMITS.maxRecordBytes) {
        tooLarge.push({
          data,
          errorCode: ERROR_CODES.clientRejected,
          errorMessage: `record of ${size} bytes is over the PutRecordBatch limit of ${PUT_RECORD_BATCH_LIMITS.maxRecordBytes} bytes`,
          attemptsMade: 0,
          arrivalTimestamp: now,
        });
      } else queue.push({ data, size, arrival: now, attempts: 0 });
    }
    await this.reject(tooLarge);

    let round = 0;
    while (queue.length > 0) {
      if (round > 0) await this.sleep(this.backoff(round));
      const retry: Pending[] = [];
      for (const batch of group(queue)) retry.push(...(await this.call(batch)));
      const exhausted = retry.filter((p) => p.attempts >= this.maxAttempts);
      queue = retry.filter((p) => p.attempts < this.maxAttempts);
      this.counters.retried += queue.length;
      await this.reject(
        exhausted.map((p) => ({
          data: p.data,
          errorCode: p.lastError?.code ?? ERROR_CODES.clientRejected,
          errorMessage: `gave up after ${p.attempts} attempts: ${p.lastError?.message ?? "unknown error"}`,
          attemptsMade: p.attempts,
          arrivalTimestamp: p.arrival,
        })),
      );
      round++;
    }
    return this.counts();
  }

  // Sends one call; returns the records to try again.
  private async call(batch: Pending[]): Promise<Pending[]> {
    for (const p of batch) p.attempts++;
    this.counters.calls++;
    let output;
    try {
      output = await this.target.putRecordBatch(batch.map((p) => p.data));
    } catch (error) {
      const code = error instanceof FirehoseServiceError ? error.code : ((error as Error).name ?? "Error");
      const message = (error as Error).message ?? String(error);
      for (const p of batch) p.lastError = { code, message };
      if (error instanceof FirehoseServiceError && !error.retryable) {
        for (const p of batch) p.attempts = this.maxAttempts;
      }
      return batch;
    }
    if (output.RequestResponses.length !== batch.length) {
      // A response that cannot be matched to its inputs: treat the whole call as failed.
      for (const p of batch) p.lastError = { code: "MismatchedResponse", message: "RequestResponses does not match the records sent" };
      return batch;
    }
    const failed: Pending[] = [];
    output.RequestResponses.forEach((entry, i) => {
      const p = batch[i]!;
      if (entry.ErrorCode) {
        p.lastError = { code: entry.ErrorCode, message: entry.ErrorMessage ?? entry.ErrorCode };
        failed.push(p);
      } else this.counters.sent++;
    });
    return failed;
  }

  private backoff(round: number): number {
    const cap = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (round - 1));
    return Math.floor(this.random() * cap);
  }

  private async reject(records: RejectedRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.options.errorSink.reject(records);
    this.counters.rejected += records.length;
  }
}

// Splits the queue into calls of at most 500 records and 4 MiB.
function* group(queue: readonly Pending[]): Generator<Pending[]> {
  let batch: Pending[] = [];
  let bytes = 0;
  for (const p of queue) {
    if (batch.length === PUT_RECORD_BATCH_LIMITS.maxRecords || bytes + p.size > PUT_RECORD_BATCH_LIMITS.maxRequestBytes) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(p);
    bytes += p.size;
  }
  if (batch.length > 0) yield batch;
}
