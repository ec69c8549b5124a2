import { BatchCreatePartitionCommand, BatchDeletePartitionCommand, CreateTableCommand, GetCrawlerCommand, StartCrawlerCommand } from "@aws-sdk/client-glue";
import { afterEach, describe, expect, it } from "vitest";
import { GlueCatalog, GluePartitionError } from "../../packages/core/src/aws/glue-catalog";
import { decodePrestoView, encodePrestoView } from "../../packages/core/src/aws/glue-table-input";
import { ManualClock } from "../../packages/core/src/lake/clock";
import { parquetTable, rawTable } from "../contract/catalog.contract";
import { FakeGlue } from "./fake-glue";

// Glue shapes: TableInput/StorageDescriptor (https://docs.aws.amazon.com/glue/latest/webapi/API_TableInput.html),
// BatchCreatePartition ≤ 100 and BatchDeletePartition ≤ 25 items with per-partition Errors,
// GetCrawler State READY/RUNNING/STOPPING and LastCrawl (https://docs.aws.amazon.com/glue/latest/webapi/API_GetCrawler.html).

describe("GlueCatalog against Glue's documented shapes", () => {
  let glue: FakeGlue;
  afterEach(() => glue.mock.restore());

  it("writes a JSON table as an EXTERNAL_TABLE with the OpenX JSON SerDe and string partition keys", async () => {
    // Prepare
    glue = new FakeGlue();
    // Act
    await new GlueCatalog(glue.client).putTable(rawTable);
    // Assess
    const input = glue.mock.commandCalls(CreateTableCommand)[0]!.args[0].input.TableInput!;
    expect(input).toMatchObject({
      Name: "raw_weather",
      TableType: "EXTERNAL_TABLE",
      Parameters: { EXTERNAL: "TRUE", classification: "json", compressionType: "gzip" },
      PartitionKeys: [{ Name: "location", Type: "string" }, { Name: "year", Type: "string" }],
      StorageDescriptor: {
        Location: "s3://raw/weather/",
        InputFormat: "org.apache.hadoop.mapred.TextInputFormat",
        OutputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
        SerdeInfo: { SerializationLibrary: "org.openx.data.jsonserde.JsonSerDe" },
        Columns: [{ Name: "city", Type: "string", Comment: "Location name" }, { Name: "temperature", Type: "double" }, { Name: "weather_code", Type: "bigint" }],
      },
    });
  });

  it("writes a Parquet table with the Parquet SerDe and input/output formats", async () => {
    // Prepare
    glue = new FakeGlue();
    // Act
    await new GlueCatalog(glue.client).putTable(parquetTable);
    // Assess
    expect(glue.mock.commandCalls(CreateTableCommand)[0]!.args[0].input.TableInput!.StorageDescriptor).toMatchObject({
      InputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
      OutputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
      SerdeInfo: { SerializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe" },
    });
  });

  it("reads the SQL of a view Athena created from its `/* Presto View: <base64> */` ViewOriginalText", async () => {
    // Prepare: the table Athena's CREATE VIEW leaves in Glue
    glue = new FakeGlue();
    const originalSql = 'SELECT * FROM "weather_prod_v0003"';
    const viewText = `/* Presto View: ${Buffer.from(JSON.stringify({ originalSql, catalog: "awsdatacatalog", schema: "sluice", columns: [{ name: "city", type: "varchar" }, { name: "temperature", type: "double" }], owner: "arn:aws:iam::123456789012:role/runner", runAsInvoker: false })).toString("base64")} */`;
    glue.tables.set("sluice.weather_prod", {
      Name: "weather_prod",
      DatabaseName: "sluice",
      TableType: "VIRTUAL_VIEW",
      Parameters: { presto_view: "true", comment: "Presto View" },
      ViewOriginalText: viewText,
      ViewExpandedText: "/* Presto View */",
      StorageDescriptor: { Columns: [{ Name: "city", Type: "string" }, { Name: "temperature", Type: "double" }], SerdeInfo: {} },
      PartitionKeys: [],
      VersionId: "4",
      UpdateTime: new Date("2024-11-25T10:00:00Z"),
    });
    // Act
    const view = await new GlueCatalog(glue.client).getTable("sluice", "weather_prod");
    // Assess
    expect(view).toMatchObject({ kind: "view", viewSql: originalSql, version: 4, updatedAt: "2024-11-25T10:00:00.000Z", partitionKeys: [] });
    expect(decodePrestoView(encodePrestoView({ originalSql, catalog: "awsdatacatalog", schema: "sluice", columns: [] }))).toBe(originalSql);
  });

  it("creates 250 partitions in BatchCreatePartition calls of at most 100, copying the table's storage descriptor", async () => {
    // Prepare
    glue = new FakeGlue();
    const catalog = new GlueCatalog(glue.client);
    await catalog.putTable(rawTable);
    const partitions = Array.from({ length: 250 }, (_, i) => ({ values: [`City${i}`, "2024"], location: `s3://raw/weather/location=City${i}/year=2024/` }));
    // Act
    const added = await catalog.addPartitions("sluice", "raw_weather", partitions);
    // Assess
    const calls = glue.mock.commandCalls(BatchCreatePartitionCommand).map((c) => c.args[0].input.PartitionInputList!);
    expect(added).toBe(250);
    expect(calls.map((c) => c.length)).toEqual([100, 100, 50]);
    expect(calls[0]![0]!.StorageDescriptor).toMatchObject({ Location: "s3://raw/weather/location=City0/year=2024/", SerdeInfo: { SerializationLibrary: "org.openx.data.jsonserde.JsonSerDe" } });
  });

  it("surfaces BatchCreatePartition errors other than AlreadyExistsException", async () => {
    // Prepare
    glue = new FakeGlue();
    const catalog = new GlueCatalog(glue.client);
    await catalog.putTable(rawTable);
    glue.refused.set("Paris/2024", "ResourceNumberLimitExceededException");
    // Act
    const error = await catalog.addPartitions("sluice", "raw_weather", [{ values: ["Paris", "2024"], location: "s3://raw/weather/location=Paris/year=2024/" }]).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(GluePartitionError);
    expect((error as Error).message).toBe("BatchCreatePartition on sluice.raw_weather failed for 1 partition(s): [Paris, 2024] ResourceNumberLimitExceededException: refused Paris/2024");
  });

  it("replaces 60 partitions by deleting the 30 gone ones in calls of at most 25 and keeping the unchanged ones", async () => {
    // Prepare
    glue = new FakeGlue();
    const catalog = new GlueCatalog(glue.client);
    await catalog.putTable(parquetTable);
    const p = (i: number) => ({ values: [`2020-${String(i).padStart(2, "0")}`], location: `s3://processed/weather_parquet/m${i}/` });
    await catalog.addPartitions("sluice", "weather_parquet", Array.from({ length: 60 }, (_, i) => p(i)));
    glue.mock.resetHistory();
    // Act
    await catalog.replacePartitions("sluice", "weather_parquet", Array.from({ length: 30 }, (_, i) => p(i + 30)));
    // Assess
    expect(glue.mock.commandCalls(BatchDeletePartitionCommand).map((c) => c.args[0].input.PartitionsToDelete!.length)).toEqual([25, 5]);
    expect(glue.mock.commandCalls(BatchCreatePartitionCommand)).toHaveLength(0);
    expect((await catalog.getPartitions("sluice", "weather_parquet")).map((x) => x.values[0])).toEqual(Array.from({ length: 30 }, (_, i) => p(i + 30).values[0]));
  });

  it("starts a crawler, polls GetCrawler until READY, and reports how the crawl ended", async () => {
    // Prepare: READY (previous crawl) → RUNNING → STOPPING → READY with a failed LastCrawl
    glue = new FakeGlue();
    const clock = new ManualClock(Date.parse("2024-11-25T10:00:00Z"));
    const previous = { Status: "SUCCEEDED" as const, StartTime: new Date("2024-11-24T10:00:00Z") };
    const ours = { Status: "FAILED" as const, ErrorMessage: "Insufficient Lake Formation permission(s)", LogGroup: "/aws-glue/crawlers", LogStream: "sluice-raw", StartTime: new Date("2024-11-25T10:00:01Z") };
    const states = [
      { State: "READY", LastCrawl: previous },
      { State: "RUNNING", LastCrawl: previous },
      { State: "STOPPING", LastCrawl: previous },
      { State: "READY", LastCrawl: ours },
    ];
    glue.mock.on(StartCrawlerCommand).resolves({});
    glue.mock.on(GetCrawlerCommand).callsFake(() => ({ Crawler: { Name: "sluice-raw", ...states.shift()! } }));
    const waits: number[] = [];
    const catalog = new GlueCatalog(glue.client, { clock, sleep: async (ms) => void (waits.push(ms), clock.advance(ms)), crawlerPollMs: 5000 });
    // Act
    const report = await catalog.startCrawlerAndWait("sluice-raw");
    // Assess
    expect(report).toEqual({ crawler: "sluice-raw", status: "FAILED", errorMessage: "Insufficient Lake Formation permission(s)", logGroup: "/aws-glue/crawlers", logStream: "sluice-raw", startTime: "2024-11-25T10:00:01.000Z" });
    expect(waits).toEqual([5000, 5000, 5000]);
  });
});
