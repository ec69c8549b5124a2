import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { Clock } from "../lake/clock";
import { systemClock } from "../lake/clock";
import type { ObjectStore } from "../lake/object-store";
import type { FirehoseSpec } from "../pipeline/types";
import type { RecordData } from "./delivery-stream";
import { errorDocument } from "./firehose/error-record";
import { objectName } from "./firehose/object-name";
import { effectivePrefixes, evaluatePrefix } from "./firehose/prefix";
import type { ErrorOutputType } from "./firehose/prefix";

/** A record the client gave up on, with why. */
export interface RejectedRecord {
  readonly data: RecordData;
  readonly errorCode: string;
  readonly errorMessage: string;
  /** Calls that carried the record (0 when it was rejected before sending). */
  readonly attemptsMade: number;
  /** When the batcher first saw the record (epoch ms). */
  readonly arrivalTimestamp: number;
}

/** Where the batcher puts records it could not deliver. */
export interface RejectedRecordSink {
  reject(records: readonly RejectedRecord[]): Promise<void>;
}

/**
 * The error-output type of client-side failures. It is sluice's own, not AWS's: Firehose never
 * saw these records, so `!{firehose:error-output-type}` has no AWS value for them.
 */
export const CLIENT_ERROR_OUTPUT_TYPE: ErrorOutputType = "sluice-client-failed";

/** Options of `ObjectStoreErrorSink`. */
export interface ObjectStoreErrorSinkOptions {
  readonly spec: FirehoseSpec;
  readonly store: ObjectStore;
  readonly bucket: string;
  readonly clock?: Clock;
  readonly name?: string;
  readonly uuid?: () => string;
}

/**
 * Writes rejected records as AWS-shaped error documents (one JSON line each, base64 `rawData`),
 * one object per `reject` call, under the stream's error prefix with the error-output type
 * `sluice-client-failed`, compressed and named as Firehose names its objects.
 */
export class ObjectStoreErrorSink implements RejectedRecordSink {
  private readonly options: ObjectStoreErrorSinkOptions;
  private readonly clock: Clock;
  /** Records written so far. */
  written = 0;

  constructor(options: ObjectStoreErrorSinkOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
  }

  async reject(records: readonly RejectedRecord[]): Promise<void> {
    if (records.length === 0) return;
    const { spec, store, bucket } = this.options;
    const now = this.clock.now();
    const { errorOutputPrefix } = effectivePrefixes(spec.prefix, spec.errorOutputPrefix, spec.partitionKeyQuery !== undefined);
    const oldest = Math.min(...records.map((r) => r.arrivalTimestamp));
    const prefix = evaluatePrefix(errorOutputPrefix, { arrivalMs: oldest, errorOutputType: CLIENT_ERROR_OUTPUT_TYPE });
    const lines = records
      .map((r) => JSON.stringify(errorDocument(r.data, r.errorCode, r.errorMessage, r.arrivalTimestamp, now, r.attemptsMade)) + "\n")
      .join("");
    const raw = Buffer.from(lines, "utf8");
    const body = spec.compression === "GZIP" ? gzipSync(raw) : raw;
    const name = objectName(this.options.name ?? spec.streamName, 1, now, (this.options.uuid ?? randomUUID)(), spec.compression);
    await store.put(bucket, prefix + name, body);
    this.written += records.length;
  }
}
