import { gzipSync } from "node:zlib";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { GLUE_FORMATS, encodePrestoView } from "../../packages/core/src/aws/glue-table-input";
import { weatherDataset } from "../../packages/core/src/pipeline/weather";
import { parquetBaseColumns } from "../../packages/core/src/transform/athena-sql";
import { ManualClock } from "../../packages/core/src/lake/clock";
import { silentLogger } from "../../packages/core/src/log/logger";
import type { RunParameters } from "../../packages/core/src/run/run-record";
import type { AwsRuntimeConfig } from "../../packages/core/src/runtime/aws";
import { AwsRuntime } from "../../packages/core/src/runtime/aws";
import type { AthenaAnswer } from "./fake-athena";
import { FakeAthena } from "./fake-athena";
import { FakeFirehose } from "./fake-firehose";
import { FakeGlue } from "./fake-glue";
import { FakeS3 } from "./fake-s3";

/** Physical names as the stacks would bind them. */
export const AWS_CONFIG: AwsRuntimeConfig = {
  region: "eu-west-1",
  buckets: { raw: "sluice-prod-raw", processed: "sluice-prod-processed", prod: "sluice-prod-prod", athenaResults: "sluice-prod-athena-results" },
  glueDatabase: "sluice_prod",
  athenaWorkgroup: "sluice-prod",
  firehoseStreams: { weather: "sluice-prod-weather" },
  rawCrawler: "sluice-prod-raw",
  dqAlertTopic: "arn:aws:sns:eu-west-1:123456789012:sluice-prod-dq-alerts",
};

/** A weather run over the three cities the scripted Athena answers for, without an ingest. */
export const RUN_PARAMETERS: RunParameters = {
  dataset: "weather",
  source: "synthetic",
  from: "2024-11-24",
  to: "2024-11-24",
  locations: [
    { name: "Paris", latitude: 48.8566, longitude: 2.3522 },
    { name: "London", latitude: 51.5074, longitude: -0.1278 },
    { name: "Berlin", latitude: 52.52, longitude: 13.405 },
  ],
  variables: ["temperature_2m"],
  skipIngest: true,
};

/** The rows the scripted Athena's Parquet table holds: 3 cities × 24 h. */
const ROWS = 72;

/**
 * The AWS runtime over in-memory S3 and Glue and a scripted Athena that behaves enough like the
 * real one for a run: CTAS registers its table in Glue and writes an object, CREATE VIEW registers a
 * view, DQ metrics answer "every row passes" (`customSqlValue` decides the CustomSql rule).
 */
export function fakeAws(options: { customSqlValue?: number } = {}) {
  const s3 = new FakeS3();
  const glue = new FakeGlue();
  const firehose = new FakeFirehose([AWS_CONFIG.firehoseStreams.weather!]);
  const sns = new SNSClient({ region: "eu-west-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  const snsMock = mockClient(sns);
  snsMock.on(PublishCommand).resolves({ MessageId: "msg-1" });
  const clock = new ManualClock(Date.parse("2024-11-25T10:00:00Z"));
  s3.now = () => clock.now();
  const db = AWS_CONFIG.glueDatabase;

  const answer = (sql: string): AthenaAnswer => {
    const ctas = /^CREATE TABLE "(\w+)"[\s\S]*external_location = '(s3:\/\/[^']+)'/.exec(sql);
    if (ctas) {
      const [, name, location] = ctas;
      const bucket = location!.slice(5, location!.indexOf("/", 5));
      const prefix = location!.slice(bucket.length + 6);
      s3.store(bucket, `${prefix}yr_mo_partition=2024-11/part-0.parquet`, Buffer.from("PAR1"));
      glue.tables.set(`${db}.${name}`, {
        Name: name,
        DatabaseName: db,
        TableType: "EXTERNAL_TABLE",
        VersionId: "0",
        Parameters: { classification: "parquet", "parquet.compression": "ZSTD" },
        PartitionKeys: [{ Name: "yr_mo_partition", Type: "string" }],
        StorageDescriptor: {
          // The CTAS writes the Parquet table's columns (parquetBaseColumns), as Athena would register them.
          Columns: parquetBaseColumns(weatherDataset).map((c) => ({ Name: c, Type: c.endsWith("_time") ? "timestamp" : c === "city" || c === "source" ? "string" : c === "collection_count" ? "bigint" : "double" })),
          Location: location,
          InputFormat: GLUE_FORMATS.parquet.InputFormat,
          OutputFormat: GLUE_FORMATS.parquet.OutputFormat,
          SerdeInfo: { SerializationLibrary: GLUE_FORMATS.parquet.SerializationLibrary },
        },
      });
      glue.partitions.set(`${db}.${name}`, new Map([["2024-11", { Values: ["2024-11"], StorageDescriptor: { Location: `${location}yr_mo_partition=2024-11/` } }]]));
      return { state: "SUCCEEDED", statementType: "DDL", substatementType: "CREATE_TABLE_AS_SELECT", bytesScanned: 3_000_000, outputRows: ROWS };
    }
    // The months a run's staged objects touch (the one raw object below is of November 2024).
    if (/^SELECT DISTINCT date_format\(.*, '%Y-%m'\) AS "yr_mo_partition" FROM/.test(sql)) {
      return { state: "SUCCEEDED", columns: [{ name: "yr_mo_partition", type: "varchar" }], rows: [["2024-11"]], bytesScanned: 10_000 };
    }
    // Athena's CREATE OR REPLACE VIEW leaves a VIRTUAL_VIEW in Glue, its SQL in ViewOriginalText.
    const view = /^CREATE OR REPLACE VIEW "(\w+)" AS\n([\s\S]*)$/.exec(sql);
    if (view) {
      const before = glue.tables.get(`${db}.${view[1]}`);
      glue.tables.set(`${db}.${view[1]}`, {
        Name: view[1],
        DatabaseName: db,
        TableType: "VIRTUAL_VIEW",
        VersionId: String(Number(before?.VersionId ?? -1) + 1),
        Parameters: { presto_view: "true", comment: "Presto View" },
        ViewOriginalText: encodePrestoView({ originalSql: view[2]!, catalog: "awsdatacatalog", schema: db, columns: [] }),
        ViewExpandedText: "/* Presto View */",
        StorageDescriptor: { Columns: [] },
      });
    }
    if (/^(CREATE OR REPLACE VIEW|DROP TABLE)/.test(sql)) return { state: "SUCCEEDED", statementType: "DDL", substatementType: sql.startsWith("DROP") ? "DROP_TABLE" : "CREATE_VIEW" };
    const metrics = [...sql.matchAll(/AS "(m\d+)"/g)].map((m) => m[1]!);
    if (metrics.length > 0) {
      return { state: "SUCCEEDED", columns: metrics.map((name) => ({ name, type: "bigint" })), rows: [metrics.map(() => String(ROWS))], bytesScanned: 1_500_000 };
    }
    if (/count\(distinct city\)/i.test(sql)) return { state: "SUCCEEDED", columns: [{ name: "_col0", type: "bigint" }], rows: [[String(options.customSqlValue ?? 3)]], bytesScanned: 500_000 };
    return { state: "FAILED", reason: `the scripted Athena does not know: ${sql}` };
  };
  const athena = new FakeAthena(answer);
  athena.runningPolls = 0;

  // One raw object, so the run's crawl finds a partition.
  const line = JSON.stringify({ city: "Paris", latitude: 48.85, longitude: 2.35, measurement_time: "2024-11-24T10:00:00Z", temperature: 7.5, collection_time: "2024-11-24T10:05:00Z", source: "synthetic" });
  s3.store(AWS_CONFIG.buckets.raw, "weather/location=Paris/year=2024/month=11/day=24/hour=10/sluice-prod-weather-1-2024-11-24-10-05-00-x.gz", gzipSync(line + "\n"));

  const runtime = new AwsRuntime({
    config: AWS_CONFIG,
    logger: silentLogger,
    clock,
    sleep: async () => undefined,
    clients: { s3: s3.client, glue: glue.client, athena: athena.client, firehose: firehose.client, sns },
  });
  const restore = () => {
    for (const m of [s3.mock, glue.mock, athena.mock, firehose.mock, snsMock]) m.restore();
  };
  /** Lands one more raw object (a later collection of Paris) for a second, incremental run. */
  const deliverMore = (hour: string) => {
    const later = JSON.stringify({ city: "Paris", latitude: 48.85, longitude: 2.35, measurement_time: "2024-11-24T10:00:00Z", temperature: 8.5, collection_time: `2024-11-25T${hour}:05:00Z`, source: "synthetic" });
    s3.store(AWS_CONFIG.buckets.raw, `weather/location=Paris/year=2024/month=11/day=25/hour=${hour}/sluice-prod-weather-1-2024-11-25-${hour}-05-00-y.gz`, gzipSync(later + "\n"));
  };
  return { runtime, s3, glue, athena, firehose, snsMock, clock, restore, deliverMore };
}
