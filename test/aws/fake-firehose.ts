import { FirehoseClient, PutRecordBatchCommand, ResourceNotFoundException, type PutRecordBatchCommandInput } from "@aws-sdk/client-firehose";
import { mockClient } from "aws-sdk-client-mock";

/**
 * A Firehose stream on aws-sdk-client-mock that accepts records as PutRecordBatch documents it:
 * a 200 with `FailedPutCount` and one `RequestResponses` entry per record, in order; `failNext`
 * fails chosen records of upcoming calls (a partial failure), and an unknown stream name is a
 * ResourceNotFoundException. https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecordBatch.html
 */
export class FakeFirehose {
  readonly client = new FirehoseClient({ region: "eu-west-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  readonly mock = mockClient(this.client);
  /** Record payloads accepted, as text, per stream. */
  readonly accepted = new Map<string, string[]>();
  readonly calls: PutRecordBatchCommandInput[] = [];
  /** For each upcoming call, the indices to fail with ServiceUnavailableException. */
  failNext: number[][] = [];

  constructor(readonly streams: readonly string[]) {
    this.mock.on(PutRecordBatchCommand).callsFake((input: PutRecordBatchCommandInput) => {
      this.calls.push(input);
      const stream = input.DeliveryStreamName!;
      if (!streams.includes(stream)) {
        throw new ResourceNotFoundException({ message: `Firehose ${stream} under account 123456789012 not found.`, $metadata: { httpStatusCode: 400 } });
      }
      const failing = new Set(this.failNext.shift() ?? []);
      const accepted = this.accepted.get(stream) ?? [];
      this.accepted.set(stream, accepted);
      const RequestResponses = (input.Records ?? []).map((record, i) => {
        if (failing.has(i)) return { ErrorCode: "ServiceUnavailableException", ErrorMessage: "Slow down." };
        accepted.push(Buffer.from(record.Data!).toString("utf8"));
        return { RecordId: `record-${this.calls.length}-${i}` };
      });
      return { FailedPutCount: failing.size, Encrypted: false, RequestResponses };
    });
  }
}
