/**
 * bench/ingest — 1 M synthetic weather records through the Firehose twin into the raw lake, against
 * plain DuckDB writing the same records as partitioned gzip NDJSON (COPY … PARTITION_BY through the
 * CSV writer, the form DuckDB 1.5 needs: see shared/PLATFORM.md), in the same run.
 *
 *   npx tsx bench/ingest.ts [--records 1000000] [--rounds 3]
 *
 * Two layouts, each written the same way by both sides:
 *  - "raw": the weather dataset's own raw layout (city × arrival hour; one run → one large object per city);
 *  - "daily": city × measurement day from the jq query `{location: .city, day: .measurement_time[0:10]}`,
 *    many small objects, the file-bound case shared/PLATFORM.md measured.
 * A benchmark, never a test: it prints rates and the ratio; docs/benchmarks.md records the figures.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FirehoseTwin, ObjectStoreErrorSink, PutRecordBatchBatcher } from "../packages/core/src/delivery";
import { FsObjectStore } from "../packages/core/src/lake/fs-object-store";
import { weatherDataset } from "../packages/core/src/pipeline/weather";
import type { FirehoseSpec } from "../packages/core/src/pipeline/types";
import { GAZETTEER_CITIES } from "../packages/core/src/sources/gazetteer";
import type { WeatherRecord } from "../packages/core/src/sources/source";
import { SyntheticWeatherSource } from "../packages/core/src/sources/synthetic/synthetic-weather";
import { median, numberArg } from "./common";

const RECORDS = numberArg("records", 1_000_000);
const ROUNDS = numberArg("rounds", 3);
const CITIES = 50;

function makeRecords(): WeatherRecord[] {
  const hours = Math.ceil(RECORDS / CITIES);
  const source = new SyntheticWeatherSource({ seed: 1 });
  const start = Date.UTC(2023, 0, 1);
  const out: WeatherRecord[] = [];
  for (const city of GAZETTEER_CITIES.slice(0, CITIES)) {
    out.push(...source.generate(city, start, hours, []));
  }
  return out.slice(0, RECORDS);
}

interface Layout {
  readonly name: string;
  readonly spec: FirehoseSpec;
  /** DuckDB's partition columns (SQL expressions over table t, aliased to the prefix's names). */
  readonly duckPartitions: string;
  readonly duckPartitionBy: string;
}

const now = new Date();
const pad = (n: number) => String(n).padStart(2, "0");
const LAYOUTS: Layout[] = [
  {
    name: "raw (city × arrival hour)",
    spec: weatherDataset.firehose,
    duckPartitions: `city AS location, '${now.getUTCFullYear()}' AS year, '${pad(now.getUTCMonth() + 1)}' AS month, '${pad(now.getUTCDate())}' AS day, '${pad(now.getUTCHours())}' AS hour`,
    duckPartitionBy: "location, year, month, day, hour",
  },
  {
    name: "daily (city × measurement day)",
    spec: {
      ...weatherDataset.firehose,
      prefix: "weather/location=!{partitionKeyFromQuery:location}/day=!{partitionKeyFromQuery:day}/",
      partitionKeyQuery: "{location: .city, day: .measurement_time[0:10]}",
    },
    duckPartitions: "city AS location, substr(measurement_time, 1, 10) AS day",
    duckPartitionBy: "location, day",
  },
];

async function twinRound(layout: Layout, records: readonly WeatherRecord[]): Promise<{ seconds: number; objects: number }> {
  const lake = mkdtempSync(join(tmpdir(), "sluice-bench-twin-"));
  const store = new FsObjectStore(lake);
  const started = performance.now();
  // The same wiring as LocalRuntime.delivery, with the layout's spec.
  // The daily layout opens a partition per city and measured day (~40 k at once): far past AWS's
  // active-partition quota (500, 5,000 on request), where AWS would divert records to the error
  // prefix. The bench measures the cost of writing the layout, so the twin's quota is lifted here.
  const stream = await FirehoseTwin.create({
    spec: layout.spec,
    store,
    bucket: "raw",
    recordSchema: weatherDataset.recordSchema,
    timerMs: false,
    activePartitionQuota: Number.POSITIVE_INFINITY,
  });
  const batcher = new PutRecordBatchBatcher(stream, { errorSink: new ObjectStoreErrorSink({ spec: layout.spec, store, bucket: "raw" }) });
  const chunk = 500;
  for (let i = 0; i < records.length; i += chunk) {
    const batch = new Array<string>(Math.min(chunk, records.length - i));
    for (let j = 0; j < batch.length; j++) batch[j] = JSON.stringify(records[i + j]);
    await batcher.send(batch);
  }
  await stream.close();
  const seconds = (performance.now() - started) / 1000;
  const stats = stream.stats();
  rmSync(lake, { recursive: true, force: true });
  if (stats.recordsDelivered !== records.length) throw new Error(`twin delivered ${stats.recordsDelivered} of ${records.length}`);
  return { seconds, objects: stats.objectsWritten };
}

async function duckdbRound(layout: Layout, records: readonly WeatherRecord[]): Promise<{ seconds: number }> {
  // Load the same records into DuckDB first (not timed): the timed part is the partitioned write.
  const dir = mkdtempSync(join(tmpdir(), "sluice-bench-duck-"));
  const input = join(dir, "input.ndjson");
  writeFileSync(input, records.map((r) => JSON.stringify(r)).join("\n"));
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  await conn.run(
    `CREATE TABLE t AS SELECT * FROM read_json('${input}', format = 'newline_delimited', columns = {city: 'VARCHAR', latitude: 'DOUBLE', longitude: 'DOUBLE', measurement_time: 'VARCHAR', temperature: 'DOUBLE', collection_time: 'VARCHAR', source: 'VARCHAR'})`,
  );
  const out = join(dir, "raw");
  const started = performance.now();
  await conn.run(
    `COPY (SELECT to_json(struct_pack(city := city, latitude := latitude, longitude := longitude, measurement_time := measurement_time,
                 temperature := temperature, collection_time := collection_time, source := source)) AS j,
                 ${layout.duckPartitions} FROM t)
       TO '${out}' (FORMAT csv, HEADER false, DELIMITER '\n', QUOTE '', ESCAPE '', COMPRESSION gzip, PARTITION_BY (${layout.duckPartitionBy}))`,
  );
  const seconds = (performance.now() - started) / 1000;
  conn.closeSync();
  db.closeSync();
  rmSync(dir, { recursive: true, force: true });
  return { seconds };
}

const records = makeRecords();
console.log(`bench/ingest: ${records.length} records, ${CITIES} cities, ${ROUNDS} paired rounds per layout`);
for (const layout of LAYOUTS) {
  const twin: number[] = [];
  const duck: number[] = [];
  const ratios: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const t = await twinRound(layout, records);
    const d = await duckdbRound(layout, records);
    twin.push(records.length / t.seconds);
    duck.push(records.length / d.seconds);
    ratios.push(d.seconds / t.seconds);
    console.log(
      `  ${layout.name} round ${round}: twin ${Math.round(records.length / t.seconds).toLocaleString("en")} rec/s (${t.objects} objects)  ` +
        `duckdb ${Math.round(records.length / d.seconds).toLocaleString("en")} rec/s  ratio twin/duckdb ${(d.seconds / t.seconds).toFixed(2)}`,
    );
  }
  console.log(
    `${layout.name} median: twin ${Math.round(median(twin)).toLocaleString("en")} rec/s, duckdb ${Math.round(median(duck)).toLocaleString("en")} rec/s, ` +
      `ratio twin/duckdb ${median(ratios).toFixed(2)} (target ≥ 0.80)`,
  );
}
