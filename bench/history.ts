/**
 * Does a run cost what the new data costs? Builds two lakes of 50 cities with one ingest a day —
 * a short history (`--short`, default 7 days) and a long one (`--long`, default 730 days) — publishes
 * each once (untimed), then lands one more day and times, on each lake, `sluice run --skip-ingest`
 * for that day (wall time, peak RSS from /usr/bin/time, bytes scanned from the run record) and
 * `sluice query "SELECT 1"`. The reference, in the same run: plain DuckDB merging that day's 50
 * objects into its month's Parquet. Prints the ratios (long / short, run / plain DuckDB).
 *
 *   npx tsx bench/history.ts [--long 730] [--short 7] [--cities 50] [--last-day 2024-12-07] [--keep] [--cpu-prof DIR]
 *
 * Both histories end on `--last-day` and the new day is the next one. By default that is the 8th
 * of a month, so both lakes' touched month holds the same 7 days and the comparison isolates the
 * length of history; `--last-day 2024-12-30` shows a day merged into a full month (the merge
 * re-reads its month: bytes grow with the month's fill, at most ~31 days, not with history).
 * `--keep` leaves both lakes in place and prints their paths; `--cpu-prof DIR` writes a V8 CPU
 * profile of each timed run into DIR. The plain-DuckDB reference is timed in this process and as
 * a fresh process (what a scheduler starts, as it starts sluice).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { DuckDBInstance } from "@duckdb/node-api";
import { FsObjectStore } from "../packages/core/src/lake/fs-object-store";
import { GAZETTEER_CITIES } from "../packages/core/src/sources/gazetteer";
import { SyntheticWeatherSource } from "../packages/core/src/sources/synthetic/synthetic-weather";
import { numberArg, stringArg } from "./common";

const REPO = join(import.meta.dirname, "..");
const LAST_DAY = Date.parse(`${stringArg("last-day") ?? "2024-12-07"}T00:00:00Z`);
if (Number.isNaN(LAST_DAY)) throw new Error(`--last-day takes YYYY-MM-DD`);
const DAY = 86_400_000;
const cities = GAZETTEER_CITIES.slice(0, numberArg("cities", 50));
const source = new SyntheticWeatherSource({ seed: 1 });

const pad = (n: number, w = 2) => String(n).padStart(w, "0");
const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

/** One ingest of day `t` for every city: one gzip object per city, arriving at 01:00 the next day. */
function landDay(store: FsObjectStore, t: number, seq: number): void {
  const arrival = new Date(t + DAY + 3_600_000);
  const folder = `year=${arrival.getUTCFullYear()}/month=${pad(arrival.getUTCMonth() + 1)}/day=${pad(arrival.getUTCDate())}/hour=${pad(arrival.getUTCHours())}`;
  const stamp = arrival.toISOString().slice(0, 19).replace(/[T:]/g, "-");
  for (const city of cities) {
    const records = source.generate(city, t, 24, []).map((r) => JSON.stringify({ ...r, collection_time: arrival.toISOString() }));
    store.putSync("raw", `weather/location=${city.name}/${folder}/sluice-weather-1-${stamp}-${pad(seq, 6)}.gz`, gzipSync(records.join("\n") + "\n"));
  }
}

const profileDir = stringArg("cpu-prof");

function sluice(args: string[], profile = false): { ms: number; rssMb: number; stdout: string } {
  const started = performance.now();
  const nodeFlags = profile && profileDir ? ["--cpu-prof", "--cpu-prof-dir", profileDir] : [];
  const result = spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, ...nodeFlags, join(REPO, "bin/sluice.js"), ...args], { encoding: "utf8", env: { ...process.env, SLUICE_LOG_LEVEL: "silent" }, maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`sluice ${args.join(" ")} exited ${result.status}: ${result.stdout}${result.stderr}`);
  const rssKb = Number(result.stderr.trim().split("\n").at(-1));
  return { ms, rssMb: rssKb / 1024, stdout: result.stdout };
}

interface Measured {
  runMs: number;
  rssMb: number;
  scanned: number;
  selectOneMs: number;
  mode: string;
}

function measure(days: number): Measured & { lake: string } {
  const lake = mkdtempSync(join(tmpdir(), `sluice-history-${days}-`));
  const store = new FsObjectStore(lake);
  const first = LAST_DAY - (days - 1) * DAY;
  for (let i = 0; i < days; i++) landDay(store, first + i * DAY, i);
  const locations = cities.map((c) => c.name).join(",");
  process.stderr.write(`${days} days: ${days * cities.length} raw objects; publishing the history (untimed)\n`);
  sluice(["run", "--skip-ingest", "--from", isoDay(first), "--to", isoDay(LAST_DAY), "--locations", locations, "--lake", lake]);
  const newDay = LAST_DAY + DAY;
  landDay(store, newDay, days);
  const run = sluice(["run", "--skip-ingest", "--from", isoDay(newDay), "--to", isoDay(newDay), "--locations", locations, "--lake", lake, "--json"], true);
  const record = JSON.parse(run.stdout) as { mode: string; steps: { name: string; durationMs?: number; bytesScanned?: number }[] };
  process.stderr.write(`${days} days, one-day run steps: ${record.steps.map((s) => `${s.name} ${((s.durationMs ?? 0) / 1000).toFixed(2)} s${s.bytesScanned ? ` ${(s.bytesScanned / 1e3).toFixed(1)} kB` : ""}`).join(", ")}\n`);
  const selectOne = sluice(["query", "--lake", lake, "SELECT 1"]);
  return { lake, runMs: run.ms, rssMb: run.rssMb, scanned: record.steps.reduce((n, s) => n + (s.bytesScanned ?? 0), 0), selectOneMs: selectOne.ms, mode: record.mode };
}

/** Plain DuckDB: the new day's objects merged into its month's Parquet, written anew; timed in this process, and as a fresh process. */
async function plainDuckDb(lake: string): Promise<{ inProcessMs: number; processMs: number }> {
  const newDay = new Date(LAST_DAY + DAY + DAY + 3_600_000);
  const files: string[] = [];
  for (const city of cities) {
    const dir = join(lake, "raw", "weather", `location=${city.name}`, `year=${newDay.getUTCFullYear()}`, `month=${pad(newDay.getUTCMonth() + 1)}`, `day=${pad(newDay.getUTCDate())}`, `hour=${pad(newDay.getUTCHours())}`);
    for (const name of readdirSync(dir)) files.push(join(dir, name));
  }
  const touched = isoDay(LAST_DAY + DAY).slice(0, 7);
  const month = execFileSync("find", [join(lake, "prod"), "-path", `*yr_mo_partition=${touched}*`, "-name", "*.parquet"], { encoding: "utf8" }).trim().split("\n").filter(Boolean);
  const out = join(lake, "plain-duckdb");
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const list = (paths: string[]) => `[${paths.map((p) => `'${p}'`).join(", ")}]`;
  const merge = (target: string) => `COPY (
      SELECT city, measurement_time, arg_max(temperature, collection_time) AS temperature, count(*) AS n FROM (
        SELECT city, CAST(measurement_time AS TIMESTAMP) AS measurement_time, temperature, CAST(collection_time AS TIMESTAMP) AS collection_time FROM read_json(${list(files)}, format = 'newline_delimited')
        UNION ALL
        SELECT city, measurement_time, temperature, last_collection_time FROM read_parquet(${list(month)}))
      GROUP BY ALL) TO '${target}' (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (city), OVERWRITE_OR_IGNORE)`;
  const started = performance.now();
  await connection.run(merge(out));
  const inProcessMs = performance.now() - started;
  connection.closeSync();
  instance.closeSync();
  // The same merge as a job a scheduler starts: node, DuckDB and the statement.
  const script = `import { DuckDBInstance } from "@duckdb/node-api"; const i = await DuckDBInstance.create(":memory:"); const c = await i.connect(); await c.run(${JSON.stringify(merge(`${out}-process`))}); c.closeSync(); i.closeSync();`;
  const spawned = performance.now();
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: REPO, encoding: "utf8" });
  if (child.status !== 0) throw new Error(`plain DuckDB process exited ${child.status}: ${child.stderr}`);
  return { inProcessMs, processMs: performance.now() - spawned };
}

const short = measure(numberArg("short", 7));
const long = measure(numberArg("long", 730));
const reference = await plainDuckDb(long.lake);
const row = (label: string, m: Measured) => `| ${label} | ${m.mode} | ${(m.runMs / 1000).toFixed(2)} s | ${(m.scanned / 1e6).toFixed(2)} MB | ${m.rssMb.toFixed(0)} MB | ${(m.selectOneMs / 1000).toFixed(2)} s |`;
console.log(`| lake | mode | one-day run | bytes scanned | peak RSS | sluice query "SELECT 1" |`);
console.log(`|---|---|---|---|---|---|`);
console.log(row(`${numberArg("short", 7)} days`, short));
console.log(row(`${numberArg("long", 730)} days`, long));
const earlier = new Date(LAST_DAY + DAY).getUTCDate() - 1;
console.log(`\nnew day ${isoDay(LAST_DAY + DAY)}: its month holds ${Math.min(numberArg("long", 730), earlier)} earlier days in the long lake, ${Math.min(numberArg("short", 7), earlier)} in the short one`);
console.log(`plain DuckDB merging the day into its month: ${(reference.inProcessMs / 1000).toFixed(3)} s in process, ${(reference.processMs / 1000).toFixed(3)} s as a fresh process`);
console.log(`long / short: run ${(long.runMs / short.runMs).toFixed(2)}x, bytes ${(long.scanned / Math.max(1, short.scanned)).toFixed(2)}x, SELECT 1 ${(long.selectOneMs / short.selectOneMs).toFixed(2)}x`);
console.log(`long run / plain DuckDB: ${(long.runMs / reference.processMs).toFixed(1)}x the fresh process, ${(long.runMs / reference.inProcessMs).toFixed(1)}x in process`);
if (process.argv.includes("--keep")) console.log(`\nlakes kept: ${short.lake} ${long.lake}`);
else for (const m of [short, long]) rmSync(m.lake, { recursive: true, force: true });
