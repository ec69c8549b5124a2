import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FirehoseConfigError, FirehoseServiceError, FirehoseTwin } from "../../packages/core/src/delivery";
import type { FirehoseErrorDocument, FirehoseTwinOptions } from "../../packages/core/src/delivery";
import { ManualClock } from "../../packages/core/src/lake/clock";
import type { FsObjectStore } from "../../packages/core/src/lake/fs-object-store";
import { weatherDataset } from "../../packages/core/src/pipeline/weather";
import { readObjects, tempLake, weatherRecord, weatherSpec } from "./helpers";

const T0 = Date.parse("2024-11-25T10:30:00Z");
let store: FsObjectStore;
let cleanup: () => Promise<void>;
let clock: ManualClock;
const twins: FirehoseTwin[] = [];

beforeEach(async () => {
  ({ store, cleanup } = await tempLake());
  clock = new ManualClock(T0);
});
afterEach(async () => {
  for (const twin of twins.splice(0)) await twin.close().catch(() => undefined);
  await cleanup();
});

async function twin(options: Partial<FirehoseTwinOptions> = {}): Promise<FirehoseTwin> {
  let n = 0;
  const created = await FirehoseTwin.create({
    spec: weatherSpec(),
    store,
    bucket: "raw",
    clock,
    timerMs: false,
    uuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`,
    ...options,
  });
  twins.push(created);
  return created;
}

const json = (value: unknown) => JSON.stringify(value);

describe("FirehoseTwin delivery", () => {
  it("writes one gzip NDJSON object per partition, named <stream>-<version>-<time>-<uuid>.gz", async () => {
    // Prepare: https://docs.aws.amazon.com/firehose/latest/dev/s3-object-name.html
    const stream = await twin();
    const paris = [json(weatherRecord("Paris")), json(weatherRecord("Paris", { temperature: 8 }))];
    const lyon = [json(weatherRecord("Lyon"))];
    // Act
    const response = await stream.putRecordBatch([paris[0]!, lyon[0]!, paris[1]!]);
    clock.advance(5_000);
    await stream.flush();
    // Assess
    expect(response.FailedPutCount).toBe(0);
    expect(response.RequestResponses).toHaveLength(3);
    expect(new Set(response.RequestResponses.map((r) => r.RecordId)).size).toBe(3);
    const objects = await readObjects(store, "raw");
    expect(objects).toEqual([
      {
        key: "weather/location=Lyon/year=2024/month=11/day=25/hour=10/weather-1-2024-11-25-10-30-05-00000000-0000-4000-8000-000000000002.gz",
        text: lyon.join("\n") + "\n",
      },
      {
        key: "weather/location=Paris/year=2024/month=11/day=25/hour=10/weather-1-2024-11-25-10-30-05-00000000-0000-4000-8000-000000000001.gz",
        text: paris.join("\n") + "\n",
      },
    ]);
    expect(stream.stats()).toMatchObject({ recordsReceived: 3, recordsDelivered: 3, objectsWritten: 2, partitionsWritten: 2, bufferedRecords: 0 });
  });

  it("writes uncompressed objects without an extension and without delimiters when asked", async () => {
    const stream = await twin({ spec: weatherSpec({ compression: "UNCOMPRESSED", appendNewline: false }) });
    await stream.putRecordBatch([json(weatherRecord("Oslo")), json(weatherRecord("Oslo"))]);
    await stream.close();
    const [object] = await readObjects(store, "raw");
    expect(object!.key).toMatch(/\/weather-1-2024-11-25-10-30-00-[0-9a-f-]{36}$/);
    expect(object!.text).toBe(json(weatherRecord("Oslo")).repeat(2));
  });

  it("writes one object per buffer, named from its oldest record's arrival, even across an hour boundary", async () => {
    // Prepare: https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html#timestamp-namespace ("the
    // approximate arrival timestamp of the oldest record in the object"); a buffer is one partition
    // and goes out as one object (https://docs.aws.amazon.com/firehose/latest/dev/buffering.html)
    const stream = await twin();
    clock.set(Date.parse("2024-11-25T10:59:59Z"));
    await stream.putRecordBatch([json(weatherRecord("Rome"))]);
    clock.set(Date.parse("2024-11-25T11:00:01Z"));
    await stream.putRecordBatch([json(weatherRecord("Rome", { temperature: 9 }))]);
    // Act
    await stream.flush();
    clock.set(Date.parse("2024-11-25T11:00:30Z"));
    await stream.putRecordBatch([json(weatherRecord("Rome", { temperature: 10 }))]);
    await stream.close();
    // Assess: the first buffer (10:59:59 and 11:00:01) is one object under hour=10; the next one opens at 11:00:30
    const objects = (await readObjects(store, "raw")).map((o) => ({ prefix: o.key.replace(/weather-1-.*$/, ""), records: o.text.split("\n").filter(Boolean).length }));
    expect(objects).toEqual([
      { prefix: "weather/location=Rome/year=2024/month=11/day=25/hour=10/", records: 2 },
      { prefix: "weather/location=Rome/year=2024/month=11/day=25/hour=11/", records: 1 },
    ]);
    expect(stream.stats().partitionsWritten).toBe(2);
  });
});

describe("FirehoseTwin buffering", () => {
  it("delivers a partition as soon as its buffer reaches SizeInMBs", async () => {
    // Prepare: 1 MiB buffers; ~10 KB records
    const stream = await twin({ buffering: { sizeInMBs: 1, intervalInSeconds: 900 } });
    const record = json(weatherRecord("Berlin", { note: "x".repeat(10_000) }));
    // Act
    for (let i = 0; i < 3; i++) await stream.putRecordBatch(Array.from({ length: 40 }, () => record));
    // Assess: 120 × ~10.2 KB crosses 1 MiB once, with no flush and no time passing (a 1 MiB object
    // is gzipped in the background: wait for the hand-off only)
    await stream.settled();
    const objects = await readObjects(store, "raw");
    expect(objects).toHaveLength(1);
    const lines = objects[0]!.text.split("\n").filter(Boolean);
    expect(lines.length * (record.length + 1)).toBeGreaterThanOrEqual(1024 * 1024);
    expect(stream.stats().bufferedRecords).toBe(120 - lines.length);
  });

  it("delivers a partition when IntervalInSeconds has elapsed, checked on each put", async () => {
    // Prepare
    const stream = await twin({ buffering: { sizeInMBs: 16, intervalInSeconds: 60 } });
    await stream.putRecordBatch([json(weatherRecord("Madrid"))]);
    clock.advance(59_000);
    await stream.putRecordBatch([json(weatherRecord("Madrid")), json(weatherRecord("Lisbon"))]);
    const before = await readObjects(store, "raw");
    // Act
    clock.advance(1_000);
    await stream.putRecordBatch([json(weatherRecord("Madrid"))]);
    // Assess: Madrid's buffer (opened at T0) went out with its 2 records; Lisbon (opened at +59 s) waits
    const after = await readObjects(store, "raw");
    expect(before).toEqual([]);
    expect(after).toHaveLength(1);
    expect(after[0]!.key).toContain("location=Madrid/");
    expect(after[0]!.text.split("\n").filter(Boolean)).toHaveLength(2);
    expect(stream.stats().bufferedRecords).toBe(2);
    clock.advance(59_000);
    expect(stream.flushExpired()).toBe(1); // Lisbon, opened at +59 s
    clock.advance(1_000);
    expect(stream.flushExpired()).toBe(1); // the second Madrid buffer, opened at +60 s
  });

  it("checks intervals on an unref'd timer too, without any put", async () => {
    const stream = await twin({ buffering: { sizeInMBs: 16, intervalInSeconds: 1 }, timerMs: 10 });
    await stream.putRecordBatch([json(weatherRecord("Vienna"))]);
    clock.advance(1_000);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(stream.stats().objectsWritten).toBe(1);
  });
});

describe("FirehoseTwin error output", () => {
  const decodeErrors = (text: string) => text.split("\n").filter(Boolean).map((line) => JSON.parse(line) as FirehoseErrorDocument);

  it("sends records whose partition key cannot be extracted to partitioning-failed, byte for byte", async () => {
    // Prepare: https://docs.aws.amazon.com/firehose/latest/dev/dynamic-partitioning-error-handling.html
    const stream = await twin();
    const bad: (string | Uint8Array)[] = [
      json({ temperature: 3 }),
      json({ city: null }),
      json({ city: { name: "Paris" } }),
      "not json at all",
      new Uint8Array([0xff, 0xfe, 0x7b, 0x7d]),
      '  {"city": "unterminated"',
    ];
    const good = json(weatherRecord("Paris"));
    // Act
    await stream.putRecordBatch([good, ...bad]);
    clock.advance(1_000);
    await stream.close();
    // Assess
    const errors = await readObjects(store, "raw", "errors/");
    expect(errors).toHaveLength(1);
    expect(errors[0]!.key).toMatch(/^errors\/weather\/partitioning-failed\/year=2024\/month=11\/day=25\/weather-1-2024-11-25-10-30-01-.+\.gz$/);
    const documents = decodeErrors(errors[0]!.text);
    const raw = documents.map((d) => Buffer.from(d.rawData, "base64"));
    expect(raw).toEqual(bad.map((b) => Buffer.from(b)));
    expect(documents[0]).toEqual({
      attemptsMade: 1,
      arrivalTimestamp: T0,
      errorCode: "DynamicPartitioning.MetadataExtractionFailed",
      errorMessage: expect.any(String),
      attemptEndingTimestamp: T0,
      rawData: expect.any(String),
    });
    expect(documents.map((d) => d.errorMessage)).toEqual([
      'partition key "location" is null or missing',
      'partition key "location" is null or missing',
      'partition key "location" is an object, not a scalar',
      "Non JSON record provided",
      "Non JSON record provided",
      "Non JSON record provided",
    ]);
    expect(stream.stats()).toMatchObject({ recordsDelivered: 1, errorRecords: { "partitioning-failed": 6 } });
  });

  it("sends records that break the record schema to processing-failed", async () => {
    // Prepare
    const stream = await twin({ recordSchema: weatherDataset.recordSchema });
    const wrongType = json(weatherRecord("Paris", { temperature: "warm" }));
    const missing = json({ ...weatherRecord("Paris"), source: undefined });
    const extraColumn = json(weatherRecord("Paris", { uv_index: 3 }));
    // Act
    await stream.putRecordBatch([wrongType, missing, extraColumn]);
    await stream.close();
    // Assess
    const errors = await readObjects(store, "raw", "errors/weather/processing-failed/");
    const documents = decodeErrors(errors[0]!.text);
    expect(documents.map((d) => [Buffer.from(d.rawData, "base64").toString(), d.errorCode, d.errorMessage])).toEqual([
      [wrongType, "Sluice.RecordSchemaMismatch", 'column "temperature" must be a double, got "warm"'],
      [missing, "Sluice.RecordSchemaMismatch", 'column "source" is missing but not nullable'],
    ]);
    expect(stream.stats()).toMatchObject({ recordsDelivered: 1, errorRecords: { "processing-failed": 2 } });
  });

  it("keeps partition values that would escape the lake out of it", async () => {
    const stream = await twin();
    await stream.putRecordBatch([json(weatherRecord("x/../y")), json(weatherRecord("a\\b")), json(weatherRecord("a//b"))]);
    await stream.close();
    expect(await readObjects(store, "raw", "weather/")).toEqual([]);
    expect(stream.stats().errorRecords).toEqual({ "partitioning-failed": 3 });
  });
});

describe("FirehoseTwin active-partition quota", () => {
  // https://docs.aws.amazon.com/firehose/latest/dev/buffering.html: "Once the number of active
  // partitions reaches a limit of 500 per Firehose stream, the rest of the records in the Firehose
  // stream are delivered to the specified S3 error bucket prefix (activePartitionExceeded)"; a
  // partition stops being active once its buffer is delivered.
  const cities = (from: number, count: number) => Array.from({ length: count }, (_, i) => json(weatherRecord(`City${from + i}`)));

  it("sends records for a 501st active partition to the error output, and takes new partitions again once buffers are delivered", async () => {
    // Prepare
    const stream = await twin();
    // Act: 500 partitions open, then a record for a new one and one for an open one
    await stream.putRecordBatch(cities(0, 250));
    await stream.putRecordBatch(cities(250, 250));
    const extra = json(weatherRecord("City500"));
    await stream.putRecordBatch([extra, json(weatherRecord("City7", { temperature: 1 }))]);
    await stream.flush();
    const afterFlush = json(weatherRecord("City501"));
    await stream.putRecordBatch([afterFlush]);
    await stream.close();
    // Assess
    const errors = await readObjects(store, "raw", "errors/");
    expect(errors).toHaveLength(1);
    expect(errors[0]!.key).toMatch(/^errors\/weather\/activePartitionExceeded\/year=2024\/month=11\/day=25\/weather-1-/);
    const [document, ...others] = errors[0]!.text.split("\n").filter(Boolean).map((line) => JSON.parse(line) as FirehoseErrorDocument);
    expect(others).toEqual([]);
    expect(Buffer.from(document!.rawData, "base64").toString()).toBe(extra);
    expect(document!.errorCode).toBe("DynamicPartitioning.ActivePartitionsLimitExceeded");
    const delivered = await readObjects(store, "raw", "weather/");
    expect(delivered).toHaveLength(501);
    expect(delivered.some((o) => o.key.startsWith("weather/location=City501/"))).toBe(true);
    expect(delivered.some((o) => o.key.startsWith("weather/location=City500/"))).toBe(false);
    expect(stream.stats()).toMatchObject({ recordsDelivered: 502, errorRecords: { activePartitionExceeded: 1 } });
  });
});

describe("FirehoseTwin PutRecordBatch limits (service side)", () => {
  // https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecordBatch.html: ≤ 500 records,
  // ≤ 1,000 KiB a record, ≤ 4 MiB a call. Over the limits, AWS refuses the whole call:
  // ValidationException for the count and the record size, InvalidArgumentException
  // "Records size exceeds 4 MB limit" for the total.
  const refusal = async (stream: FirehoseTwin, records: string[]) => {
    try {
      await stream.putRecordBatch(records);
    } catch (error) {
      return error as FirehoseServiceError;
    }
    throw new Error("call was accepted");
  };

  it("refuses more than 500 records as a whole", async () => {
    const stream = await twin();
    const error = await refusal(stream, Array.from({ length: 501 }, () => json(weatherRecord("Paris"))));
    expect(error).toBeInstanceOf(FirehoseServiceError);
    expect(error.code).toBe("ValidationException");
    expect(error.message).toContain("Member must have length less than or equal to 500");
    expect(stream.stats().recordsReceived).toBe(0);
    expect((await stream.putRecordBatch(Array.from({ length: 500 }, () => json(weatherRecord("Paris"))))).RequestResponses).toHaveLength(500);
  });

  it("refuses a record over 1,000 KiB and a call over 4 MiB", async () => {
    const stream = await twin();
    const big = (bytes: number) => json({ city: "Paris", pad: "x".repeat(bytes - 25) }).padEnd(bytes, " ");
    const tooBig = await refusal(stream, [big(1_024_001)]);
    const tooMuch = await refusal(stream, Array.from({ length: 5 }, () => big(900_000)));
    expect([tooBig.code, tooMuch.code]).toEqual(["ValidationException", "InvalidArgumentException"]);
    expect(tooMuch.message).toBe("InvalidArgumentException: Records size exceeds 4 MB limit");
    expect((await stream.putRecordBatch([big(1_024_000)])).FailedPutCount).toBe(0);
    expect(stream.stats().recordsReceived).toBe(1);
  });

  it("refuses records after close, and refuses an invalid spec at creation", async () => {
    const stream = await twin();
    await stream.close();
    expect((await refusal(stream, ["{}"])).code).toBe("ResourceNotFoundException");
    await expect(twin({ spec: weatherSpec({ errorOutputPrefix: "errors/!{timestamp:yyyy}/" }) })).rejects.toBeInstanceOf(FirehoseConfigError);
  });
});
