import { PutRecordBatchCommand, ServiceUnavailableException } from "@aws-sdk/client-firehose";
import { afterEach, describe, expect, it } from "vitest";
import { FirehoseDeliveryStream, toFirehoseError } from "../../packages/core/src/aws/firehose-delivery-stream";
import { PutRecordBatchBatcher } from "../../packages/core/src/delivery/batcher";
import { FirehoseServiceError } from "../../packages/core/src/delivery/delivery-stream";
import type { RejectedRecord } from "../../packages/core/src/delivery/error-sink";
import { FakeFirehose } from "./fake-firehose";

// PutRecordBatch: FailedPutCount can be > 0 on a 200, RequestResponses[i] matches record i, and
// only failed records should be resent. https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecordBatch.html

describe("FirehoseDeliveryStream over PutRecordBatch", () => {
  let firehose: FakeFirehose;
  afterEach(() => firehose.mock.restore());

  function sink() {
    const records: RejectedRecord[] = [];
    return { records, reject: async (r: readonly RejectedRecord[]) => void records.push(...r) };
  }

  it("sends DeliveryStreamName and Records: [{ Data }] with each record's UTF-8 bytes", async () => {
    // Prepare
    firehose = new FakeFirehose(["sluice-prod-weather"]);
    const stream = new FirehoseDeliveryStream(firehose.client, "sluice-prod-weather");
    // Act
    await stream.putRecordBatch(['{"city":"Zürich"}', new Uint8Array([123, 125])]);
    // Assess
    const input = firehose.calls[0]!;
    expect(input.DeliveryStreamName).toBe("sluice-prod-weather");
    expect(input.Records!.map((r) => Buffer.from(r.Data!).toString("utf8"))).toEqual(['{"city":"Zürich"}', "{}"]);
  });

  it("resends only the failed indices of a partial failure, until every record is accepted once", async () => {
    // Prepare: the first call fails records 1 and 3 of 5
    firehose = new FakeFirehose(["s"]);
    firehose.failNext = [[1, 3]];
    const records = ["r0", "r1", "r2", "r3", "r4"].map((r) => JSON.stringify({ r }));
    // Act
    const counts = await new PutRecordBatchBatcher(new FirehoseDeliveryStream(firehose.client, "s"), { errorSink: sink(), sleep: async () => undefined }).send(records);
    // Assess
    const sent = firehose.mock.commandCalls(PutRecordBatchCommand).map((c) => c.args[0].input.Records!.map((r) => Buffer.from(r.Data!).toString()));
    expect(sent).toEqual([records, [records[1], records[3]]]);
    expect(counts).toMatchObject({ sent: 5, retried: 2, rejected: 0, calls: 2 });
    expect(firehose.accepted.get("s")!.sort()).toEqual([...records].sort());
  });

  it("maps ResourceNotFoundException to a non-retryable FirehoseServiceError: the records go to the error sink after one call", async () => {
    // Prepare
    firehose = new FakeFirehose(["other"]);
    const errors = sink();
    // Act
    const counts = await new PutRecordBatchBatcher(new FirehoseDeliveryStream(firehose.client, "sluice-prod-weather"), { errorSink: errors, sleep: async () => undefined }).send(["{}", "{}"]);
    // Assess
    expect(counts).toMatchObject({ sent: 0, rejected: 2, calls: 1 });
    expect(errors.records[0]!.errorCode).toBe("ResourceNotFoundException");
    expect(errors.records[0]!.errorMessage).toContain("sluice-prod-weather");
  });

  it("maps throttling and unavailability to retryable errors and KMS/source errors to non-retryable ones", () => {
    // Act
    const unavailable = toFirehoseError(new ServiceUnavailableException({ message: "Slow down.", $metadata: {} }), "s");
    const throttled = toFirehoseError(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }), "s");
    const kms = toFirehoseError(Object.assign(new Error("key disabled"), { name: "InvalidKMSResourceException" }), "s");
    const network = new Error("socket hang up");
    // Assess
    expect(unavailable).toBeInstanceOf(FirehoseServiceError);
    expect([(unavailable as FirehoseServiceError).retryable, (throttled as FirehoseServiceError).retryable]).toEqual([true, true]);
    expect(kms).toMatchObject({ code: "InvalidArgumentException", retryable: false });
    expect((kms as Error).message).toContain("InvalidKMSResourceException");
    expect(toFirehoseError(network, "s")).toBe(network);
  });
});
