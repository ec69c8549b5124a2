import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { crawlTable } from "../../packages/core/src/catalog/crawler";
import { FsCatalog } from "../../packages/core/src/catalog/fs-catalog";
import { rawTableOf } from "../../packages/core/src/catalog/raw-table";
import { FsObjectStore } from "../../packages/core/src/lake/fs-object-store";
import { silentLogger } from "../../packages/core/src/log/logger";
import { pipeline } from "../../packages/core/src/pipeline/pipeline";
import { weatherDataset } from "../../packages/core/src/pipeline/weather";
import { LocalRuntime } from "../../packages/core/src/runtime/local";
import { arrivingNowKey, removeLake, runWeek, tempLake } from "../cli/sluice";

const DB = pipeline.glueDatabase;

function record(city: string, hour: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    city,
    latitude: 48.85,
    longitude: 2.35,
    measurement_time: `2024-11-25T${hour}:00:00Z`,
    temperature: 7.5,
    collection_time: "2026-11-23T12:00:00.000Z",
    source: "synthetic",
    ...extra,
  };
}

/** Gzip NDJSON, as the Firehose twin writes it. */
function ndjson(records: readonly object[]): Buffer {
  return gzipSync(records.map((r) => JSON.stringify(r) + "\n").join(""));
}

function partitionKey(city: string, hour: string, file: string): string {
  return `weather/location=${city}/year=2026/month=11/day=23/hour=${hour}/${file}`;
}

describe("the crawler twin over raw_weather", () => {
  let lake: string;
  let store: FsObjectStore;
  let catalog: FsCatalog;
  beforeEach(async () => {
    lake = await tempLake("crawl");
    store = new FsObjectStore(lake);
    catalog = new FsCatalog(join(lake, "_catalog"));
    await catalog.putTable(rawTableOf(pipeline, weatherDataset));
  });
  afterEach(() => removeLake(lake));

  async function crawl() {
    const table = (await catalog.getTable(DB, weatherDataset.tables.raw))!;
    return crawlTable(store, catalog, table, { logger: silentLogger });
  }

  it("reports a new column as drift and adds it to the table, where queries can read it", async () => {
    // Prepare
    await store.put("raw", partitionKey("Paris", "10", "a.gz"), ndjson([record("Paris", "10")]));
    await crawl();
    await store.put("raw", partitionKey("Paris", "11", "b.gz"), ndjson([record("Paris", "11", { uv_index: 2.5 }), record("Paris", "12", { uv_index: 3 })]));

    // Act
    const result = await crawl();

    // Assess
    expect(result.drift).toEqual([{ kind: "new-column", column: "uv_index", observedType: "double", seenIn: partitionKey("Paris", "11", "b.gz") }]);
    expect(result.columnsAdded).toEqual(["uv_index"]);
    expect(result).toMatchObject({ partitionsAdded: 1, partitionsTotal: 2, objectsOutsideLayout: 0 });
    const table = (await catalog.getTable(DB, "raw_weather"))!;
    expect(table.columns.at(-1)).toEqual({ name: "uv_index", type: "double" });
    expect(table.columns.find((c) => c.name === "temperature")!.type).toBe("double");
    const runtime = new LocalRuntime({ lake, pipeline, logger: silentLogger });
    try {
      const rows = (await (await runtime.warehouse()).query("SELECT measurement_time, uv_index FROM raw_weather ORDER BY measurement_time")).rows;
      expect(rows).toEqual([
        { measurement_time: "2024-11-25T10:00:00Z", uv_index: null },
        { measurement_time: "2024-11-25T11:00:00Z", uv_index: 2.5 },
        { measurement_time: "2024-11-25T12:00:00Z", uv_index: 3 },
      ]);
    } finally {
      await runtime.close();
    }
  });

  it("reports a changed type (a string where a number is expected) without failing, and keeps the catalog type", async () => {
    // Prepare
    await store.put("raw", partitionKey("Paris", "10", "a.gz"), ndjson([record("Paris", "10", { temperature: "warm" })]));

    // Act
    const result = await crawl();

    // Assess
    expect(result.drift).toEqual([
      { kind: "type-change", column: "temperature", catalogType: "double", observedType: "string", seenIn: partitionKey("Paris", "10", "a.gz") },
    ]);
    expect(result.columnsAdded).toEqual([]);
    expect(result.partitionsAdded).toBe(1);
    expect((await catalog.getTable(DB, "raw_weather"))!.columns.find((c) => c.name === "temperature")!.type).toBe("double");
  });

  it("sees drift in an object that lands in an already registered partition (named later, as Firehose names objects)", async () => {
    // Prepare: two deliveries in the same arrival hour; the second carries a new column
    await store.put("raw", partitionKey("Paris", "10", "weather-1-2026-11-23-10-01-00-aaaa.gz"), ndjson([record("Paris", "10")]));
    await crawl();
    await store.put("raw", partitionKey("Paris", "10", "weather-1-2026-11-23-10-05-00-bbbb.gz"), ndjson([record("Paris", "11", { uv_index: 3 })]));

    // Act
    const result = await crawl();

    // Assess
    expect(result.partitionsAdded).toBe(0);
    expect(result.drift).toEqual([expect.objectContaining({ kind: "new-column", column: "uv_index", observedType: "bigint" })]);
    expect((await catalog.getTable(DB, weatherDataset.tables.raw))!.columns.map((c) => c.name)).toContain("uv_index");
  });

  it("counts and skips objects outside the k=v/ layout", async () => {
    // Prepare
    await store.put("raw", partitionKey("Berlin", "10", "good.gz"), ndjson([record("Berlin", "10")]));
    await store.put("raw", "weather/stray.gz", ndjson([record("Berlin", "11")]));
    await store.put("raw", "weather/location=Berlin/year=2026/notes.txt", "not data");
    await store.put("raw", "weather/city=Berlin/year=2026/month=11/day=23/hour=10/x.gz", ndjson([record("Berlin", "12")]));
    await store.put("raw", "weather/location=Berlin/year=2026/month=11/day=23/10/y.gz", ndjson([record("Berlin", "13")]));

    // Act
    const result = await crawl();

    // Assess
    expect(result).toMatchObject({ objectsSeen: 5, objectsOutsideLayout: 4, partitionsAdded: 1, partitionsTotal: 1, drift: [] });
    expect(await catalog.getPartitions(DB, "raw_weather")).toEqual([
      { values: ["Berlin", "2026", "11", "23", "10"], location: "s3://raw/weather/location=Berlin/year=2026/month=11/day=23/hour=10/" },
    ]);
  });

  it("adds nothing and reports no drift when crawled again without new objects", async () => {
    // Prepare
    await store.put("raw", partitionKey("Paris", "10", "a.gz"), ndjson([record("Paris", "10", { uv_index: 1 })]));
    await crawl();

    // Act
    const again = await crawl();

    // Assess
    expect(again).toMatchObject({ partitionsAdded: 0, partitionsTotal: 1, drift: [], columnsAdded: [] });
  });
});

describe("drift seen by sluice run", () => {
  let lake: string;
  beforeEach(async () => {
    lake = await tempLake("crawl-run");
  });
  afterEach(() => removeLake(lake));

  it("reports the new column in the crawl step and still publishes", async () => {
    // Prepare: a good run, then an object with an extra column in a new raw partition
    expect((await runWeek(lake)).code).toBe(0);
    const store = new FsObjectStore(lake);
    await store.put(
      "raw",
      arrivingNowKey("Paris", "drift.gz"),
      ndjson([{ ...record("Paris", "10"), latitude: 48.8566, longitude: 2.3522, measurement_time: "2024-11-24T00:00:00Z", collection_time: "2026-11-23T23:59:59.000Z", uv_index: 4 }]),
    );

    // Act
    const run = await runWeek(lake, "--skip-ingest", "--json");

    // Assess
    expect(run.code, run.out + run.err).toBe(0);
    const crawlStep = (JSON.parse(run.out) as { steps: { name: string; detail: Record<string, unknown> }[] }).steps.find((s) => s.name === "crawl")!;
    expect(crawlStep.detail).toMatchObject({
      rawObjectsNew: 1,
      columnsAdded: ["uv_index"],
      drift: [{ kind: "new-column", column: "uv_index", observedType: "bigint" }],
    });
  });
});
