import { describe, expect, it } from "vitest";
import type { PutRecordBatchTarget, RecordData } from "../../packages/core/src/delivery/delivery-stream";
import { PutRecordBatchBatcher } from "../../packages/core/src/delivery/batcher";
import type { RejectedRecord, RejectedRecordSink } from "../../packages/core/src/delivery/error-sink";

/**
 * A fresh stream and a way to read what it delivered. On the twin "delivered" means written to the
 * lake (after flush); on AWS it means accepted by Firehose, which writes to S3 later, server-side.
 */
export type DeliveryFixture = () => Promise<{ target: PutRecordBatchTarget; delivered(): Promise<string[]>; cleanup(): Promise<void> }>;

class MemorySink implements RejectedRecordSink {
  readonly records: RejectedRecord[] = [];
  async reject(records: readonly RejectedRecord[]): Promise<void> {
    this.records.push(...records);
  }
}

/** A weather record as the producer sends it. */
export function weatherLine(city: string, i: number): string {
  return JSON.stringify({
    city,
    latitude: 48.85,
    longitude: 2.35,
    measurement_time: `2024-11-25T${String(i % 24).padStart(2, "0")}:00:00Z`,
    temperature: 7.5,
    collection_time: "2024-11-25T10:05:00.000Z",
    source: "synthetic",
    seq: i,
  });
}

/** PutRecordBatchTarget + the shared batcher: the behaviours every delivery adapter must have. */
export function describeDeliveryContract(adapter: string, fixture: DeliveryFixture): void {
  describe(`PutRecordBatchTarget + batcher contract: ${adapter}`, () => {
    it("answers a batch with FailedPutCount 0 and one RecordId per record, in order", async () => {
      const { target, cleanup } = await fixture();
      try {
        // Act
        const output = await target.putRecordBatch([weatherLine("Paris", 0), weatherLine("Berlin", 1), Buffer.from(weatherLine("London", 2))]);
        // Assess
        expect(output.FailedPutCount).toBe(0);
        expect(output.RequestResponses).toHaveLength(3);
        for (const entry of output.RequestResponses) {
          expect(entry.RecordId).toEqual(expect.any(String));
          expect(entry.ErrorCode).toBeUndefined();
        }
      } finally {
        await cleanup();
      }
    });

    it("delivers 1,200 records exactly once through the batcher in calls of at most 500", async () => {
      const { target, delivered, cleanup } = await fixture();
      try {
        // Prepare
        const sizes: number[] = [];
        const counting: PutRecordBatchTarget = { putRecordBatch: (records: readonly RecordData[]) => (sizes.push(records.length), target.putRecordBatch(records)) };
        const sink = new MemorySink();
        const records = Array.from({ length: 1200 }, (_, i) => weatherLine(["Paris", "London", "Berlin"][i % 3]!, i));
        // Act
        const counts = await new PutRecordBatchBatcher(counting, { errorSink: sink, sleep: async () => undefined }).send(records);
        // Assess
        expect(counts).toMatchObject({ sent: 1200, rejected: 0, calls: 3 });
        expect(sizes).toEqual([500, 500, 200]);
        expect((await delivered()).map((r) => JSON.parse(r).seq).sort((a, b) => a - b)).toEqual(records.map((_, i) => i));
        expect(sink.records).toEqual([]);
      } finally {
        await cleanup();
      }
    });

    it("never sends a record over 1,000 KiB: it goes to the error sink", async () => {
      const { target, delivered, cleanup } = await fixture();
      try {
        // Prepare
        const sink = new MemorySink();
        const huge = JSON.stringify({ city: "Paris", padding: "x".repeat(1_100_000) });
        // Act
        const counts = await new PutRecordBatchBatcher(target, { errorSink: sink, sleep: async () => undefined }).send([weatherLine("Paris", 1), huge]);
        // Assess
        expect(counts).toMatchObject({ sent: 1, rejected: 1 });
        expect(sink.records.map((r) => r.attemptsMade)).toEqual([0]);
        expect(await delivered()).toHaveLength(1);
      } finally {
        await cleanup();
      }
    });
  });
}
