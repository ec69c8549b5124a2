import { gunzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  FirehoseServiceError,
  FirehoseTwin,
  ObjectStoreErrorSink,
  PUT_RECORD_BATCH_LIMITS,
  PutRecordBatchBatcher,
  recordByteLength,
} from "../../packages/core/src/delivery";
import type {
  FirehoseErrorDocument,
  PutRecordBatchOutput,
  PutRecordBatchTarget,
  RecordData,
  RejectedRecord,
  RejectedRecordSink,
} from "../../packages/core/src/delivery";
import { ManualClock } from "../../packages/core/src/lake/clock";
import type { FsObjectStore } from "../../packages/core/src/lake/fs-object-store";
import { readObjects, seeded, tempLake, weatherRecord, weatherSpec } from "./helpers";

// PutRecordBatch: FailedPutCount can be > 0 on a successful call, RequestResponses[i] matches
// record i, and only the failed records should be resent.
// https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecordBatch.html

/** A stream that fails records and whole calls at random (seeded), and remembers what it accepted. */
class FlakyStream implements PutRecordBatchTarget {
  readonly accepted: string[] = [];
  readonly callSizes: { records: number; bytes: number }[] = [];
  private readonly random: () => number;
  constructor(
    seed: number,
    private readonly recordFailure: number,
    private readonly callFailure: number,
  ) {
    this.random = seeded(seed);
  }
  async putRecordBatch(records: readonly RecordData[]): Promise<PutRecordBatchOutput> {
    this.callSizes.push({ records: records.length, bytes: records.reduce((n, r) => n + recordByteLength(r), 0) });
    if (this.random() < this.callFailure) throw new FirehoseServiceError("ServiceUnavailableException", "Slow down.");
    let failed = 0;
    const responses = records.map((record, i) => {
      if (this.random() < this.recordFailure) {
        failed++;
        return { ErrorCode: "ServiceUnavailableException", ErrorMessage: "Slow down." };
      }
      this.accepted.push(String(record));
      return { RecordId: `id-${this.accepted.length}-${i}` };
    });
    return { FailedPutCount: failed, RequestResponses: responses };
  }
}

class MemorySink implements RejectedRecordSink {
  readonly records: RejectedRecord[] = [];
  async reject(records: readonly RejectedRecord[]): Promise<void> {
    this.records.push(...records);
  }
}

describe("PutRecordBatchBatcher", () => {
  it("delivers every record exactly once or sends it to the error sink, under random partial and whole-call failures", async () => {
    // Prepare: 6000 distinct records, 25 % of records and 10 % of calls failing, fixed seed
    const stream = new FlakyStream(20241125, 0.25, 0.1);
    const sink = new MemorySink();
    const delays: number[] = [];
    const batcher = new PutRecordBatchBatcher(stream, {
      errorSink: sink,
      maxAttempts: 4,
      sleep: async (ms) => void delays.push(ms),
      random: seeded(7),
    });
    const records = Array.from({ length: 6000 }, (_, i) => JSON.stringify(weatherRecord(`City${i % 37}`, { seq: i })));
    // Act
    const counts = await batcher.send(records);
    // Assess: nothing lost, nothing duplicated
    const sunk = sink.records.map((r) => String(r.data));
    expect(new Set(stream.accepted).size).toBe(stream.accepted.length);
    expect(stream.accepted.length + sunk.length).toBe(records.length);
    expect(new Set([...stream.accepted, ...sunk])).toEqual(new Set(records));
    expect(sunk.length).toBeGreaterThan(0); // 0.25⁴ of the records run out of attempts
    expect(counts.sent).toBe(stream.accepted.length);
    expect(counts.rejected).toBe(sunk.length);
    expect(counts.retried).toBeGreaterThan(1500);
    expect(sink.records.every((r) => r.attemptsMade === 4 && r.errorCode === "ServiceUnavailableException")).toBe(true);
    // Calls never exceed the service limits; back-off grows per round and stays jittered below the cap
    expect(stream.callSizes.every((c) => c.records <= 500 && c.bytes <= PUT_RECORD_BATCH_LIMITS.maxRequestBytes)).toBe(true);
    expect(delays).toHaveLength(3);
    delays.forEach((ms, round) => expect(ms).toBeLessThan(100 * 2 ** round));
  });

  it("splits calls at 4 MiB and rejects a record over 1,000 KiB without sending it", async () => {
    // Prepare
    const stream = new FlakyStream(1, 0, 0);
    const sink = new MemorySink();
    const batcher = new PutRecordBatchBatcher(stream, { errorSink: sink, sleep: async () => undefined });
    const large = Array.from({ length: 10 }, (_, i) => `${i}`.padEnd(900_000, "x"));
    const tooLarge = "y".repeat(PUT_RECORD_BATCH_LIMITS.maxRecordBytes + 1);
    // Act
    const counts = await batcher.send([...large, tooLarge]);
    // Assess
    expect(stream.callSizes.map((c) => c.records)).toEqual([4, 4, 2]);
    expect(sink.records).toHaveLength(1);
    expect(sink.records[0]).toMatchObject({ attemptsMade: 0, errorCode: "Sluice.ClientRejected" });
    expect(stream.accepted).not.toContain(tooLarge);
    expect(counts).toEqual({ sent: 10, rejected: 1, retried: 0, calls: 3 });
  });

  it("does not retry a call the service refuses as invalid", async () => {
    const refusing: PutRecordBatchTarget = {
      putRecordBatch: async () => {
        throw new FirehoseServiceError("InvalidArgumentException", "Records size exceeds 4 MB limit");
      },
    };
    const sink = new MemorySink();
    const counts = await new PutRecordBatchBatcher(refusing, { errorSink: sink, sleep: async () => undefined }).send(["a", "b"]);
    expect(counts).toEqual({ sent: 0, rejected: 2, retried: 0, calls: 1 });
    expect(sink.records[0]!.errorMessage).toContain("Records size exceeds 4 MB limit");
  });
});

describe("PutRecordBatchBatcher with the twin and the object-store error sink", () => {
  let store: FsObjectStore;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ store, cleanup } = await tempLake()));
  afterEach(async () => cleanup());

  it("delivers through the twin and writes client-side rejects under sluice-client-failed, intact", async () => {
    // Prepare
    const clock = new ManualClock(Date.parse("2024-11-25T10:30:00Z"));
    const spec = weatherSpec();
    const twin = await FirehoseTwin.create({ spec, store, bucket: "raw", clock, timerMs: false });
    const sink = new ObjectStoreErrorSink({ spec, store, bucket: "raw", clock });
    const batcher = new PutRecordBatchBatcher(twin, { errorSink: sink, clock });
    const good = Array.from({ length: 1200 }, (_, i) => JSON.stringify(weatherRecord(i % 2 ? "Paris" : "Lyon", { seq: i })));
    const oversized = JSON.stringify(weatherRecord("Paris", { pad: "é".repeat(600_000) }));
    // Act
    const counts = await batcher.send([...good, oversized]);
    await twin.close();
    // Assess
    expect(counts).toMatchObject({ sent: 1200, rejected: 1, calls: 3 });
    expect(twin.stats()).toMatchObject({ recordsDelivered: 1200, partitionsWritten: 2 });
    const rejects = await store.list("raw", "errors/weather/sluice-client-failed/year=2024/month=11/day=25/");
    expect(rejects).toHaveLength(1);
    const line = gunzipSync(Buffer.from(await store.get("raw", rejects[0]!.key))).toString("utf8").trim();
    const document = JSON.parse(line) as FirehoseErrorDocument;
    expect(Buffer.from(document.rawData, "base64").toString("utf8")).toBe(oversized);
    expect(document.errorCode).toBe("Sluice.ClientRejected");
    const delivered = (await readObjects(store, "raw", "weather/")).flatMap((o) => o.text.split("\n").filter(Boolean));
    expect(delivered.sort()).toEqual([...good].sort());
  });
});
