import { randomUUID } from "node:crypto";
import { gzip, gzipSync } from "node:zlib";
import type { Clock } from "../../lake/clock";
import { systemClock } from "../../lake/clock";
import type { ObjectStore } from "../../lake/object-store";
import type { Logger } from "../../log/logger";
import { silentLogger } from "../../log/logger";
import type { BufferingHints, ColumnSpec, FirehoseSpec } from "../../pipeline/types";
import { FirehoseServiceError, PUT_RECORD_BATCH_LIMITS } from "../delivery-stream";
import type { DeliveryStream, PutRecordBatchOutput, PutRecordBatchResponseEntry, RecordData } from "../delivery-stream";
import { ERROR_CODES, errorDocument, NON_JSON_MESSAGE } from "./error-record";
import { loadJq } from "./jq-engine";
import type { JqEngine } from "./jq-engine";
import { objectName } from "./object-name";
import { PartitionKeyExtractor, NEEDS_JQ } from "./partition-keys";
import type { KeyExtraction } from "./partition-keys";
import {
  bindPrefix,
  defaultRandomString,
  effectivePrefixes,
  evaluatePrefix,
  MAX_EVALUATED_PREFIX_LENGTH,
  RANDOM_PLACEHOLDER,
  RANDOM_STRING_LENGTH,
  renderPartition,
} from "./prefix";
import type { BoundPrefix, ErrorOutputType, ParsedPrefix } from "./prefix";
import { compileRecordValidator } from "./schema-validator";
import type { RecordValidator } from "./schema-validator";
import { assertValidFirehoseConfig } from "./validate-config";

/** Options of the Firehose twin. */
export interface FirehoseTwinOptions {
  readonly spec: FirehoseSpec;
  readonly store: ObjectStore;
  /** Destination bucket (on the twin, a folder under the lake root). */
  readonly bucket: string;
  readonly clock?: Clock;
  /** When given, records are checked against it (the stand-in for a validating Lambda). */
  readonly recordSchema?: readonly ColumnSpec[];
  /** Buffering hints; the spec's `localBuffering` by default. */
  readonly buffering?: BufferingHints;
  /** `<stream>-<version>-…` in object names; 1 by default, as on a new stream. */
  readonly version?: number;
  /** Object-name stream; the spec's `streamName` by default (the stack adds app and stage on AWS). */
  readonly name?: string;
  /** How often an unref'd timer checks buffer intervals (ms); false turns it off. Default 1000. */
  readonly timerMs?: number | false;
  /**
   * Active partitions allowed at once; `MAX_ACTIVE_PARTITIONS` (AWS's default quota) by default.
   * AWS raises the quota on request (up to 5,000); a benchmark measuring write cost over more
   * partitions than any quota sets it higher, knowing AWS would divert those records.
   */
  readonly activePartitionQuota?: number;
  /** False sends every record through jq-web (tests compare both paths). */
  readonly jqFastPath?: boolean;
  readonly uuid?: () => string;
  readonly randomString?: () => string;
  readonly logger?: Logger;
}

/** What the twin has done so far. */
export interface FirehoseTwinStats {
  readonly recordsReceived: number;
  /** Records written under the main prefix. */
  readonly recordsDelivered: number;
  /** Objects written, main and error prefixes together. */
  readonly objectsWritten: number;
  /** Distinct evaluated main prefixes that received objects. */
  readonly partitionsWritten: number;
  /** Records sent to the error output, by error output type. */
  readonly errorRecords: Readonly<Record<string, number>>;
  readonly bufferedRecords: number;
  /** Records accepted whose object could not be written (a full disk), by partition. */
  readonly undelivered: readonly UndeliveredObject[];
}

/** An object the twin could not write: its partition (key values, or the error output type), records and why. */
export interface UndeliveredObject {
  readonly partition: string;
  readonly records: number;
  readonly error: string;
}

/**
 * Records the twin accepted but could not write. Firehose keeps retrying a failing S3 destination
 * until the retention period ends, 24 hours for Direct PUT ("Troubleshoot errors in Amazon Data
 * Firehose"); the twin's destination is a local disk (a full one does not empty itself during an
 * ingest), so it gives up at once and says so: flush and close throw this after writing every
 * other buffer, and `stats().undelivered` keeps the list.
 */
export class UndeliveredRecordsError extends Error {
  override readonly name = "UndeliveredRecordsError";
  constructor(readonly undelivered: readonly UndeliveredObject[]) {
    const records = undelivered.reduce((n, u) => n + u.records, 0);
    super(`${records} accepted record(s) could not be written: ${undelivered[0]?.error ?? "unknown error"}`);
  }
}

interface PartitionBuffer {
  readonly kind: "main" | "error";
  readonly errorType?: ErrorOutputType;
  readonly keys?: Readonly<Record<string, string>>;
  readonly firstArrivalMs: number;
  readonly chunks: (string | Uint8Array)[];
  binary: boolean;
  bytes: number;
  records: number;
}

interface Failure {
  readonly type: ErrorOutputType;
  readonly code: string;
  readonly message: string;
}

function failure(type: ErrorOutputType, code: string, message: string): Failure {
  return { type, code, message };
}

const MIB = 1024 * 1024;
/**
 * Active partitions a stream may have at once (the default quota); a record for a new partition
 * beyond them goes to the error output as `activePartitionExceeded`
 * (https://docs.aws.amazon.com/firehose/latest/dev/buffering.html).
 */
export const MAX_ACTIVE_PARTITIONS = 500;
/**
 * The instant a partition's identity binds its timestamps to. A buffer is one partition (its keys,
 * or its error type) whatever the hour: its object is named from its oldest record's arrival when
 * it is delivered, so a buffer open across an hour boundary is one object, as on AWS.
 */
const IDENTITY_INSTANT = 0;
/** Objects at least this large (uncompressed) are gzipped off the main thread. */
const BACKGROUND_GZIP_BYTES = 256 * 1024;
/** Objects in flight before `putRecordBatch` waits for one to land. */
const MAX_BACKGROUND_WRITES = 8;

function gzipAsync(raw: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => gzip(raw, (error, result) => (error ? reject(error) : resolve(result))));
}
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The local twin of a Firehose delivery stream with an S3 destination: PutRecordBatch limits,
 * JSON parsing, the schema stage, dynamic partitioning by jq, per-partition buffers flushed on
 * size or interval, GZIP, newline delimiters, object names and the error output, written through
 * the `ObjectStore` port. Stages in order: JSON parse (non-JSON → partitioning-failed, "Non JSON
 * record provided", when dynamic partitioning is on; the schema stage is modelled as a Lambda that
 * passes non-JSON through untouched), schema (→ processing-failed), keys (→ partitioning-failed).
 */
export class FirehoseTwin implements DeliveryStream {
  readonly name: string;
  private readonly spec: FirehoseSpec;
  private readonly store: ObjectStore;
  private readonly putSync?: (bucket: string, key: string, body: Uint8Array | string) => void;
  private readonly bucket: string;
  private readonly clock: Clock;
  private readonly sizeBytes: number;
  private readonly intervalMs: number;
  private readonly version: number;
  private readonly uuid: () => string;
  private readonly randomString: () => string;
  private readonly logger: Logger;
  private readonly prefix: ParsedPrefix;
  private readonly errorPrefix: ParsedPrefix;
  private readonly validator?: RecordValidator;
  private readonly extractor?: PartitionKeyExtractor;
  private readonly buffers = new Map<string, PartitionBuffer>();
  /** Main-prefix buffers open now: Firehose's active partitions. */
  private activePartitions = 0;
  private readonly activePartitionQuota: number;
  private readonly mainIdentity: BoundPrefix;
  private readonly partitions = new Set<string>();
  private readonly pendingWrites = new Set<Promise<void>>();
  private readonly undelivered: UndeliveredObject[] = [];
  /** How many of `undelivered` flush/close have already reported. */
  private reported = 0;
  private readonly timer?: NodeJS.Timeout;
  private readonly idPrefix = randomUUID().replaceAll("-", "");
  private sequence = 0;
  private closed = false;
  private counters = { received: 0, delivered: 0, objects: 0, buffered: 0 };
  private readonly errorCounts: Record<string, number> = {};

  private constructor(options: FirehoseTwinOptions, jq: JqEngine | undefined) {
    this.spec = options.spec;
    this.name = options.name ?? options.spec.streamName;
    this.store = options.store;
    const maybeSync = (options.store as Partial<{ putSync: FirehoseTwin["putSync"] }>).putSync;
    if (typeof maybeSync === "function") this.putSync = maybeSync.bind(options.store);
    this.bucket = options.bucket;
    this.clock = options.clock ?? systemClock;
    const hints = options.buffering ?? options.spec.localBuffering;
    this.sizeBytes = hints.sizeInMBs * MIB;
    this.intervalMs = hints.intervalInSeconds * 1000;
    this.version = options.version ?? 1;
    this.uuid = options.uuid ?? randomUUID;
    this.randomString = options.randomString ?? defaultRandomString;
    this.logger = (options.logger ?? silentLogger).child({ stream: this.name });
    const dynamicPartitioning = options.spec.partitionKeyQuery !== undefined;
    const prefixes = effectivePrefixes(options.spec.prefix, options.spec.errorOutputPrefix, dynamicPartitioning);
    this.prefix = prefixes.prefix;
    this.errorPrefix = prefixes.errorOutputPrefix;
    this.mainIdentity = bindPrefix(this.prefix, IDENTITY_INSTANT);
    this.activePartitionQuota = options.activePartitionQuota ?? MAX_ACTIVE_PARTITIONS;
    if (options.recordSchema) this.validator = compileRecordValidator(options.recordSchema);
    if (dynamicPartitioning && jq) {
      this.extractor = new PartitionKeyExtractor(jq, options.spec.partitionKeyQuery!, this.prefix.queryKeys, {
        fastPath: options.jqFastPath,
      });
    }
    if (options.timerMs !== false) {
      this.timer = setInterval(() => this.flushExpiredSafely(), options.timerMs ?? 1000);
      this.timer.unref();
    }
  }

  /** Validates the spec for the twin (throws `FirehoseConfigError` with jq's own compile message) and starts the stream. */
  static async create(options: FirehoseTwinOptions): Promise<FirehoseTwin> {
    const jq = options.spec.partitionKeyQuery !== undefined ? await loadJq() : undefined;
    const spec = options.buffering ? { ...options.spec, localBuffering: options.buffering } : options.spec;
    assertValidFirehoseConfig(spec, "twin", { jq });
    return new FirehoseTwin(options, jq);
  }

  /**
   * The same as `putRecordBatchSync`, behind the port's promise; waits while too many objects are
   * being compressed in the background, so memory stays bounded.
   */
  async putRecordBatch(records: readonly RecordData[]): Promise<PutRecordBatchOutput> {
    const output = this.putRecordBatchSync(records);
    while (this.pendingWrites.size >= MAX_BACKGROUND_WRITES) await Promise.race(this.pendingWrites);
    return output;
  }

  /**
   * PutRecordBatch, synchronously. Requests over the service limits are refused as a whole, as
   * AWS does: more than 500 records or a record over 1,000 KiB → ValidationException, more than
   * 4 MiB in total → InvalidArgumentException "Records size exceeds 4 MB limit".
   */
  putRecordBatchSync(records: readonly RecordData[]): PutRecordBatchOutput {
    if (this.closed) throw new FirehoseServiceError("ResourceNotFoundException", `Firehose ${this.name} is closed`);
    const sizes = checkLimits(records);
    const now = this.clock.now();
    this.flushExpired(now);

    const dynamicPartitioning = this.extractor !== undefined;
    const mainBound = this.mainIdentity;
    const responses: PutRecordBatchResponseEntry[] = new Array(records.length);
    const texts: (string | undefined)[] = new Array(records.length);
    // Per record: its keys (or undefined without dynamic partitioning), or why it failed.
    const outcomes: (KeyExtraction | Failure | undefined)[] = new Array(records.length);
    const pending: number[] = [];

    for (let i = 0; i < records.length; i++) {
      responses[i] = { RecordId: this.idPrefix + (this.sequence++).toString(36) };
      const record = records[i]!;
      let text: string | undefined;
      try {
        text = typeof record === "string" ? record : decoder.decode(record);
      } catch {
        text = undefined; // not UTF-8, so not JSON
      }
      texts[i] = text;
      if (!dynamicPartitioning && !this.validator) continue;
      let value: unknown;
      try {
        if (text === undefined) throw new SyntaxError("not UTF-8");
        value = JSON.parse(text);
      } catch {
        outcomes[i] = dynamicPartitioning
          ? failure("partitioning-failed", ERROR_CODES.metadataExtractionFailed, NON_JSON_MESSAGE)
          : failure("processing-failed", ERROR_CODES.schemaMismatch, "record is not JSON");
        continue;
      }
      const problem = this.validator?.(value);
      if (problem !== undefined) {
        outcomes[i] = failure("processing-failed", ERROR_CODES.schemaMismatch, problem);
        continue;
      }
      if (!dynamicPartitioning) continue;
      const result = this.extractor!.extractFast(value);
      if (result === NEEDS_JQ) pending.push(i);
      else outcomes[i] = result;
    }
    if (pending.length > 0) {
      const settled = this.extractor!.extractWithJq(pending.map((i) => texts[i]!));
      pending.forEach((index, j) => (outcomes[index] = settled[j]));
    }
    // Buffered in input order once every key is known, so objects keep the order of arrival.
    for (let i = 0; i < records.length; i++) {
      const outcome = outcomes[i];
      if (outcome === undefined) this.append(mainBound, undefined, records[i]!, texts[i], sizes[i]!, now);
      else if ("type" in outcome) this.fail(records[i]!, outcome.type, outcome.code, outcome.message, now);
      else if (!outcome.ok) this.fail(records[i]!, "partitioning-failed", ERROR_CODES.metadataExtractionFailed, outcome.message, now);
      else this.append(mainBound, outcome.keys, records[i]!, texts[i], sizes[i]!, now);
    }
    this.counters.received += records.length;
    return { FailedPutCount: 0, Encrypted: false, RequestResponses: responses };
  }

  /** Writes every buffer now (stands for every buffer interval elapsing) and waits for the writes. */
  async flush(): Promise<void> {
    this.flushSync();
    await this.settleWrites();
  }

  /** Waits for objects already handed off (large ones are gzipped in the background); flushes nothing. */
  async settled(): Promise<void> {
    await this.settleWrites();
  }

  /** Writes every buffer now; with an async-only store the writes finish in `flush()`. */
  flushSync(): void {
    for (const buffer of this.buffers.values()) this.deliver(buffer);
    this.buffers.clear();
  }

  /** Flushes everything (the buffer interval elapsing for every partition), then refuses records. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    try {
      await this.flush();
    } finally {
      this.closed = true;
    }
  }

  /** Delivers the buffers whose interval has elapsed at `now`; returns how many objects were written. */
  flushExpired(now: number = this.clock.now()): number {
    let written = 0;
    // Map order is creation order and a flushed partition starts a new buffer at the end, so the
    // first buffer that has not expired ends the scan.
    for (const [identity, buffer] of this.buffers) {
      if (now - buffer.firstArrivalMs < this.intervalMs) break;
      this.buffers.delete(identity);
      this.deliver(buffer);
      written++;
    }
    return written;
  }

  /** Counts so far. */
  stats(): FirehoseTwinStats {
    return {
      recordsReceived: this.counters.received,
      recordsDelivered: this.counters.delivered,
      objectsWritten: this.counters.objects,
      partitionsWritten: this.partitions.size,
      errorRecords: { ...this.errorCounts },
      bufferedRecords: this.counters.buffered,
      undelivered: [...this.undelivered],
    };
  }

  /** How the jq query was run: records settled by the JS fast path and by jq-web. */
  jqCounts(): { fast: number; jq: number } {
    return { ...(this.extractor?.counts ?? { fast: 0, jq: 0 }) };
  }

  private append(
    bound: BoundPrefix,
    keys: Readonly<Record<string, string>> | undefined,
    record: RecordData,
    text: string | undefined,
    size: number,
    now: number,
  ): void {
    const identity = renderPartition(bound, keys);
    if (identity === undefined) {
      this.fail(record, "partitioning-failed", ERROR_CODES.metadataExtractionFailed, "a partition key of the prefix has no value", now);
      return;
    }
    let buffer = this.buffers.get(identity);
    if (!buffer) {
      const problem = partitionProblem(identity);
      if (problem) {
        this.fail(record, "partitioning-failed", ERROR_CODES.metadataExtractionFailed, problem, now);
        return;
      }
      if (this.extractor && this.activePartitions >= this.activePartitionQuota) {
        this.fail(
          record,
          "activePartitionExceeded",
          ERROR_CODES.activePartitionsLimitExceeded,
          `the stream already has ${this.activePartitionQuota} active partitions (its quota of dynamic partitioning)`,
          now,
        );
        return;
      }
      buffer = { kind: "main", keys, firstArrivalMs: now, chunks: [], binary: false, bytes: 0, records: 0 };
      this.buffers.set(identity, buffer);
      this.activePartitions++;
    }
    if (text !== undefined) buffer.chunks.push(text);
    else {
      buffer.chunks.push(record as Uint8Array);
      buffer.binary = true;
    }
    buffer.bytes += size;
    if (this.spec.appendNewline) {
      buffer.chunks.push("\n");
      buffer.bytes += 1;
    }
    buffer.records++;
    this.counters.buffered++;
    if (buffer.bytes >= this.sizeBytes) {
      this.buffers.delete(identity);
      this.deliver(buffer);
    }
  }

  private fail(record: RecordData, type: ErrorOutputType, code: string, message: string, now: number): void {
    const identity = renderPartition(bindPrefix(this.errorPrefix, IDENTITY_INSTANT, type), undefined)!;
    let buffer = this.buffers.get(identity);
    if (!buffer) {
      buffer = { kind: "error", errorType: type, firstArrivalMs: now, chunks: [], binary: false, bytes: 0, records: 0 };
      this.buffers.set(identity, buffer);
    }
    const line = JSON.stringify(errorDocument(record, code, message, now, now)) + "\n";
    buffer.chunks.push(line);
    buffer.bytes += Buffer.byteLength(line, "utf8");
    buffer.records++;
    this.counters.buffered++;
    this.errorCounts[type] = (this.errorCounts[type] ?? 0) + 1;
    if (buffer.bytes >= this.sizeBytes) {
      this.buffers.delete(identity);
      this.deliver(buffer);
    }
  }

  private deliver(buffer: PartitionBuffer): void {
    const deliveredAt = this.clock.now();
    const parsedPrefix = buffer.kind === "main" ? this.prefix : this.errorPrefix;
    const prefix = evaluatePrefix(parsedPrefix, {
      arrivalMs: buffer.firstArrivalMs,
      keys: buffer.keys,
      errorOutputType: buffer.errorType,
      randomString: this.randomString,
    });
    const key = prefix + objectName(this.name, this.version, deliveredAt, this.uuid(), this.spec.compression);
    const raw = buffer.binary
      ? Buffer.concat(buffer.chunks.map((c) => (typeof c === "string" ? Buffer.from(c, "utf8") : c)))
      : Buffer.from(buffer.chunks.join(""), "utf8");
    this.counters.buffered -= buffer.records;
    // A flushed buffer closes its partition (Firehose's active-partition count), written or not.
    if (buffer.kind === "main") this.activePartitions--;
    // Counted once the object is written: a record is delivered or undelivered, never both.
    const written = () => {
      this.counters.objects++;
      if (buffer.kind === "main") {
        this.counters.delivered += buffer.records;
        this.partitions.add(prefix);
      }
    };
    const failed = (error: unknown) => {
      const partition = buffer.keys ? Object.values(buffer.keys).join("/") : `error output (${buffer.errorType})`;
      this.undelivered.push({ partition, records: buffer.records, error: error instanceof Error ? error.message : String(error) });
      this.logger.warn("object write failed", { bucket: this.bucket, key, records: buffer.records, error });
    };
    const gzipped = this.spec.compression === "GZIP";
    if (this.putSync && (!gzipped || raw.byteLength < BACKGROUND_GZIP_BYTES)) {
      try {
        this.putSync(this.bucket, key, gzipped ? gzipSync(raw) : raw);
        written();
      } catch (error) {
        failed(error);
      }
      return;
    }
    // Large objects are compressed on libuv's thread pool, so gzip overlaps with the parsing and
    // partitioning of the next records (measured in bench/ingest); small ones stay synchronous,
    // where the thread hop costs more than it saves (PLATFORM.md).
    const body: Promise<Uint8Array> = gzipped ? gzipAsync(raw) : Promise.resolve(raw);
    const putSync = this.putSync;
    const write = body.then((bytes) => (putSync ? putSync(this.bucket, key, bytes) : this.store.put(this.bucket, key, bytes))).then(written, failed);
    this.pendingWrites.add(write);
    void write.finally(() => this.pendingWrites.delete(write));
  }

  private async settleWrites(): Promise<void> {
    await Promise.all([...this.pendingWrites]);
    if (this.undelivered.length > this.reported) {
      const failures = this.undelivered.slice(this.reported);
      this.reported = this.undelivered.length;
      throw new UndeliveredRecordsError(failures);
    }
  }

  private flushExpiredSafely(): void {
    try {
      this.flushExpired();
    } catch (error) {
      this.logger.error("interval flush failed", { error });
    }
  }
}

function checkLimits(records: readonly RecordData[]): number[] {
  const limits = PUT_RECORD_BATCH_LIMITS;
  if (records.length === 0) {
    throw new FirehoseServiceError(
      "ValidationException",
      "1 validation error detected: Value at 'records' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  }
  if (records.length > limits.maxRecords) {
    throw new FirehoseServiceError(
      "ValidationException",
      `1 validation error detected: Value at 'records' failed to satisfy constraint: Member must have length less than or equal to ${limits.maxRecords}`,
    );
  }
  const sizes = new Array<number>(records.length);
  let total = 0;
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const size = typeof record === "string" ? Buffer.byteLength(record, "utf8") : record.byteLength;
    if (size > limits.maxRecordBytes) {
      throw new FirehoseServiceError(
        "ValidationException",
        `1 validation error detected: Value at 'records.${i + 1}.member.data' failed to satisfy constraint: Member must have length less than or equal to ${limits.maxRecordBytes}`,
      );
    }
    sizes[i] = size;
    total += size;
  }
  if (total > limits.maxRequestBytes) throw new FirehoseServiceError("InvalidArgumentException", "Records size exceeds 4 MB limit");
  return sizes;
}

// A partition whose evaluated prefix Firehose could not use, or that would escape the twin's lake.
function partitionProblem(identity: string): string | undefined {
  const randoms = identity.split(RANDOM_PLACEHOLDER).length - 1;
  const length = identity.length + randoms * (RANDOM_STRING_LENGTH - 1);
  if (length > MAX_EVALUATED_PREFIX_LENGTH) return "Length of evaluated prefix cannot be greater than 512";
  for (const segment of (identity.replaceAll(RANDOM_PLACEHOLDER, "r") + "x").split("/")) {
    if (segment === "" || segment === "." || segment === ".." || segment.includes("\\") || segment.includes("\0")) {
      return `evaluated prefix ${JSON.stringify(identity)} is not a valid object key on the twin (empty, "." or ".." segment, backslash or NUL)`;
    }
  }
  return undefined;
}
