/**
 * bench/pipeline — 1 M records from raw gzip NDJSON to a published, checked production table on the
 * twin (crawl → drop → CTAS → DQ → publish), against plain DuckDB doing the same work (read, dedup,
 * write partitioned Parquet, one DQ aggregate) in the same run. Also prints:
 *  - the DQ step's bytes scanned against one full scan of the Parquet table, and its time against
 *    one query per rule (what N separate Athena queries would cost);
 *  - the bytes a one-city, one-week dashboard query reads from weather_prod against a full scan of
 *    raw_weather.
 *
 *   npx tsx bench/pipeline.ts [--records 1000000] [--rounds 3]
 *
 * A benchmark, never a test; docs/benchmarks.md records the figures.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { evaluateRuleset, parseRuleset, printRule } from "../packages/core/src/dq";
import type { Ruleset } from "../packages/core/src/dq";
import { silentLogger } from "../packages/core/src/log/logger";
import { pipeline } from "../packages/core/src/pipeline/pipeline";
import { weatherDataset } from "../packages/core/src/pipeline/weather";
import { LocalRuntime } from "../packages/core/src/runtime/local";
import { deliverSyntheticWeather, median, numberArg } from "./common";

const RECORDS = numberArg("records", 1_000_000);
const ROUNDS = numberArg("rounds", 3);
const fmtMB = (b: number) => `${(b / 1e6).toFixed(2)} MB`;

async function sluiceRound(lake: string) {
  const runtime = new LocalRuntime({ lake, pipeline, logger: silentLogger });
  const engine = await runtime.runEngine();
  const started = performance.now();
  const run = await engine.run({ dataset: "weather", source: "synthetic", from: FROM, to: TO, locations, variables: [], skipIngest: true });
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== "succeeded") throw new Error(`run ${run.status}: ${run.failure?.message}`);
  return { runtime, run, seconds };
}

async function plainRound(rawFiles: string[]) {
  const out = mkdtempSync(join(tmpdir(), "sluice-bench-plain-"));
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  const list = `[${rawFiles.map((f) => `'${f}'`).join(", ")}]`;
  const started = performance.now();
  // The same columns as the pipeline's record schema: the work is the same, only the machinery differs.
  const schema = weatherDataset.recordSchema;
  const values = schema.filter((c) => !["city", "measurement_time", "collection_time"].includes(c.name));
  const duckType = (t: string) => (t === "double" ? "DOUBLE" : "VARCHAR");
  await conn.run(
    `COPY (
       SELECT city, CAST(measurement_time AS TIMESTAMP) AS measurement_time,
              ${values.map((c) => `min_by("${c.name}", collection_time) AS "${c.name}"`).join(", ")},
              CAST(min(collection_time) AS TIMESTAMP) AS first_collection_time, count(*) AS collection_count,
              strftime(CAST(measurement_time AS TIMESTAMP), '%Y-%m') AS yr_mo_partition
         FROM read_json(${list}, format = 'newline_delimited', compression = 'gzip',
                        columns = {${schema.map((c) => `"${c.name}": '${duckType(c.type)}'`).join(", ")}})
        GROUP BY city, measurement_time)
     TO '${out}/t' (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (yr_mo_partition))`,
  );
  const dq = await conn.runAndReadAll(
    `SELECT count(*) AS n, count(city) AS c1, count(measurement_time) AS c2, min(temperature) AS tmin, max(temperature) AS tmax,
            count(DISTINCT (city, measurement_time)) AS keys, count(DISTINCT city) AS cities, max(collection_count) AS dup
       FROM read_parquet('${out}/t/**/*.parquet')`,
  );
  const seconds = (performance.now() - started) / 1000;
  const row = dq.getRowObjectsJS()[0]!;
  conn.closeSync();
  db.closeSync();
  rmSync(out, { recursive: true, force: true });
  if (Number(row.keys) !== Number(row.n)) throw new Error("plain DuckDB found duplicates");
  return { seconds };
}

const lake = mkdtempSync(join(tmpdir(), "sluice-bench-pipeline-"));
const { locations, from: FROM, to: TO } = await deliverSyntheticWeather(lake, RECORDS);
const CITIES = locations.length;
console.log(`bench/pipeline: ${RECORDS} records (${CITIES} cities, ${FROM}..${TO}), ${ROUNDS} paired rounds`);
const ratios: number[] = [];
let last: Awaited<ReturnType<typeof sluiceRound>> | undefined;
for (let round = 1; round <= ROUNDS; round++) {
  const s = await sluiceRound(lake);
  const rawFiles = await (await s.runtime.queryEngine()).filesOf(weatherDataset.tables.raw);
  const p = await plainRound(rawFiles);
  ratios.push(s.seconds / p.seconds);
  const steps = s.run.steps.map((st) => `${st.name} ${((st.durationMs ?? 0) / 1000).toFixed(2)}s`).join(", ");
  console.log(`  round ${round}: sluice ${s.seconds.toFixed(2)} s (${steps})  plain DuckDB ${p.seconds.toFixed(2)} s  ratio ${(s.seconds / p.seconds).toFixed(2)}`);
  if (last) await last.runtime.close();
  last = s;
}
console.log(`pipeline median ratio sluice/plain DuckDB: ${median(ratios).toFixed(2)} (target ≤ 1.5)`);

// DQ: one aggregate scan vs a full scan of the table, and vs one query per rule.
const { runtime, run } = last!;
const engine = await runtime.queryEngine();
const warehouse = await runtime.warehouse();
const dqStep = run.steps.find((st) => st.name === "dq")!;
const table = (await runtime.catalog.getTable(pipeline.glueDatabase, weatherDataset.tables.parquet))!;
const fullScan = await engine.query(`SELECT ${[...table.columns.map((c) => c.name), ...table.partitionKeys].map((c) => `count("${c}")`).join(", ")} FROM "${table.name}"`);
console.log(
  `DQ step: ${dqStep.detail?.queries} queries, ${fmtMB(dqStep.bytesScanned ?? 0)} scanned vs one full scan ${fmtMB(fullScan.bytesScanned)} ` +
    `= ${((dqStep.bytesScanned ?? 0) / fullScan.bytesScanned).toFixed(2)}× (target ≤ 1.2×)`,
);
const rules: Ruleset = parseRuleset(weatherDataset.dqRules({ locationCount: CITIES, from: FROM, to: TO }));
const relation = { sql: `"${table.name}"`, columns: [...table.columns, ...table.partitionKeys.map((k) => ({ name: k, type: "string" as const }))] };
let t = performance.now();
const together = await evaluateRuleset(warehouse, relation, rules, { sampleSize: 0 });
const togetherMs = performance.now() - t;
t = performance.now();
let perRuleBytes = 0;
for (const rule of rules.rules) {
  const single = await evaluateRuleset(warehouse, relation, parseRuleset(`Rules = [ ${printRule(rule)} ]`), { sampleSize: 0 });
  perRuleBytes += single.bytesScanned;
}
const perRuleMs = performance.now() - t;
console.log(
  `DQ ${rules.rules.length} rules: compiled ${togetherMs.toFixed(0)} ms, ${together.queryCount} queries, ${fmtMB(together.bytesScanned)}; ` +
    `one query per rule ${perRuleMs.toFixed(0)} ms, ${rules.rules.length}+ queries, ${fmtMB(perRuleBytes)} (${(perRuleBytes / together.bytesScanned).toFixed(1)}× the bytes)`,
);

// The dashboard question: one city, one week, from production, as the dashboard asks it (with the month partition).
const week = `measurement_time >= TIMESTAMP '2023-06-01 00:00:00' AND measurement_time < TIMESTAMP '2023-06-08 00:00:00'`;
const dashboard = await warehouse.query(
  `SELECT date_trunc('hour', measurement_time) AS hour, avg(temperature) AS temperature FROM weather_prod
    WHERE city = 'Paris' AND yr_mo_partition = '2023-06' AND ${week} GROUP BY 1 ORDER BY 1`,
);
const noPartitionFilter = await warehouse.query(`SELECT avg(temperature) AS t FROM weather_prod WHERE city = 'Paris' AND ${week}`);
const rawScan = await warehouse.query(`SELECT count(city) AS n FROM raw_weather`);
console.log(
  `dashboard (Paris, one week, ${dashboard.rows.length} rows): ${fmtMB(dashboard.bytesScanned)} vs raw_weather full scan ${fmtMB(rawScan.bytesScanned)} = ` +
    `${((100 * dashboard.bytesScanned) / rawScan.bytesScanned).toFixed(2)} % (target ≤ 5 %); without the month partition filter ${fmtMB(noPartitionFilter.bytesScanned)} ` +
    `(${((100 * noPartitionFilter.bytesScanned) / rawScan.bytesScanned).toFixed(2)} %)`,
);
await runtime.close();
rmSync(lake, { recursive: true, force: true });
