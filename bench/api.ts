// Benchmark (not a test), two parts, each alternated in rounds so the machine's noise hits both
// sides of a ratio; every load runs in its own process and stops by itself (127.0.0.1 only).
//  cached:   the cached GET /series against a plain node:http hello-world (autocannon).
//            Target: cached /series ≥ 0.5 × raw node:http in req/s, with p99 < 20 ms.
//  uncached: `sluice serve` (a real process) over a synthetic weather lake of --records records;
//            GET /series with a unique URL each time (so the response cache never answers) from 1
//            connection, then 10. Target: 10 connections ≥ 1.6 × the req/s of 1 (the DuckDB
//            read pool spreads concurrent queries over the cores).
// Run: npx tsx bench/api.ts [--only cached|uncached] [--seconds 3] [--connections 20] [--rounds 5]
//        [--records 10000000] [--lake DIR (reused when it has production, else built there)]
//        [--pool N (SLUICE_DUCKDB_CONNECTIONS of the server)] [--cpu-prof DIR (profile the server)]
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { promisify } from "node:util";
import { runDemoPipeline } from "../packages/cli/src/commands/demo";
import { startServer } from "../packages/cli/src/commands/serve";
import { createLogger, silentLogger } from "../packages/core/src/log/logger";
import { pipeline } from "../packages/core/src/pipeline/pipeline";
import { weatherDataset } from "../packages/core/src/pipeline/weather";
import { LocalRuntime } from "../packages/core/src/runtime/local";
import { deliverSyntheticWeather, median, numberArg, stringArg, syntheticWeatherOf } from "./common";

const seconds = numberArg("seconds", 3);
const connections = numberArg("connections", 20);
const rounds = numberArg("rounds", 5);
const records = numberArg("records", 10_000_000);
const pool = process.argv.includes("--pool") ? numberArg("pool", 4) : undefined;
const only = stringArg("only");
if (only !== undefined && only !== "cached" && only !== "uncached") throw new Error(`--only takes cached or uncached, got "${only}"`);

const AUTOCANNON = join(process.cwd(), "node_modules", ".bin", "autocannon");
const run = promisify(execFile);

async function load(url: string): Promise<{ rps: number; p99: number; errors: number }> {
  const { stdout } = await run(AUTOCANNON, ["--json", "-c", String(connections), "-d", String(seconds), url], { maxBuffer: 16 * 1024 * 1024 });
  const result = JSON.parse(stdout) as { requests: { average: number }; latency: { p99: number }; errors: number; non2xx: number };
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

async function cachedPart(): Promise<void> {
  const lake = await mkdtemp(join(tmpdir(), "sluice-bench-api-"));
  const runtime = new LocalRuntime({ lake, pipeline, logger: createLogger("error") });
  const raw: Server = createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "text/plain" });
    res.end("hello world");
  });
  try {
    const run = await runDemoPipeline(runtime);
    if (run.status !== "succeeded") throw new Error(`demo run ended ${run.status}`);
    const server = await startServer(runtime, { token: "bench-token-0123456789", host: "127.0.0.1", port: 0 });
    await new Promise<void>((done) => raw.listen(0, "127.0.0.1", done));
    const rawUrl = `http://127.0.0.1:${(raw.address() as AddressInfo).port}/`;
    const seriesUrl = new URL("/series?dataset=weather&city=Paris&from=2024-11-24&to=2024-11-30&interval=hour&metric=temperature", server.url).href;
    const warm = await fetch(seriesUrl);
    const body = await warm.text();
    console.log(`series answer: ${warm.status}, ${body.length} bytes, ETag ${warm.headers.get("ETag")}`);

    const results = { raw: [] as Awaited<ReturnType<typeof load>>[], series: [] as Awaited<ReturnType<typeof load>>[] };
    for (let round = 1; round <= rounds; round++) {
      results.raw.push(await load(rawUrl));
      results.series.push(await load(seriesUrl));
      console.log(
        `round ${round}: raw node:http ${results.raw.at(-1)!.rps.toFixed(0)} req/s p99 ${results.raw.at(-1)!.p99} ms; cached /series ${results.series.at(-1)!.rps.toFixed(0)} req/s p99 ${results.series.at(-1)!.p99} ms`,
      );
    }
    const rawRps = median(results.raw.map((r) => r.rps));
    const seriesRps = median(results.series.map((r) => r.rps));
    const seriesP99 = Math.max(...results.series.map((r) => r.p99));
    const errors = [...results.raw, ...results.series].reduce((n, r) => n + r.errors, 0);
    console.log(`\n${connections} connections, ${seconds} s × ${rounds} rounds each, 127.0.0.1`);
    console.log(`raw node:http   ${rawRps.toFixed(0)} req/s  p99 ${Math.max(...results.raw.map((r) => r.p99))} ms`);
    console.log(`cached /series  ${seriesRps.toFixed(0)} req/s  p99 ${seriesP99} ms  (${body.length} B answers)`);
    const paired = median(results.series.map((r, i) => r.rps / results.raw[i]!.rps));
    console.log(`ratio ${paired.toFixed(2)} (median of the rounds' paired ratios; target ≥ 0.5), p99 ${seriesP99 < 20 ? "<" : "≥"} 20 ms, errors ${errors}`);
    await server.close();
  } finally {
    raw.close();
    await runtime.close();
    await rm(lake, { recursive: true, force: true });
  }
}

/** A lake with a published weather production of `records` synthetic records (built once, reused with --lake). */
async function weatherLake(dir: string): Promise<{ from: string; to: string }> {
  const runtime = new LocalRuntime({ lake: dir, pipeline, logger: silentLogger });
  try {
    const prod = await runtime.catalog.getTable(pipeline.glueDatabase, weatherDataset.tables.prod);
    const runs = await runtime.runStore.list({ limit: 1 });
    const last = runs.find((r) => r.status === "succeeded");
    if (prod && last) {
      console.log(`reusing the lake ${dir} (run ${last.id}, ${String(last.parameters.from)}..${String(last.parameters.to)})`);
      return { from: String(last.parameters.from), to: String(last.parameters.to) };
    }
  } finally {
    await runtime.close();
  }
  let t = performance.now();
  // Raw delivered by an earlier start whose run failed is used again (delivering it twice would double the records).
  const delivered = (await readdir(join(dir, "raw")).catch(() => [])).length > 0;
  const weather = delivered ? syntheticWeatherOf(records) : await deliverSyntheticWeather(dir, records);
  console.log(
    `${delivered ? "found raw of" : "delivered"} ${weather.records} records (${weather.locations.length} cities, ${weather.from}..${weather.to})${delivered ? "" : ` in ${((performance.now() - t) / 1000).toFixed(0)} s`}`,
  );
  const builder = new LocalRuntime({ lake: dir, pipeline, logger: silentLogger });
  try {
    t = performance.now();
    const engine = await builder.runEngine();
    const built = await engine.run({ dataset: "weather", source: "synthetic", from: weather.from, to: weather.to, locations: [...weather.locations], variables: [], skipIngest: true });
    if (built.status !== "succeeded") throw new Error(`the lake's run ended ${built.status}: ${built.failure?.message}`);
    console.log(`published ${built.prodVersion} in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  } finally {
    await builder.close();
  }
  return { from: weather.from, to: weather.to };
}

/** `sluice serve` in its own process on a free port of 127.0.0.1; resolves with its URL. */
async function serveProcess(dir: string, profileDir: string | undefined) {
  const child = spawn(
    process.execPath,
    [...(profileDir ? ["--cpu-prof", "--cpu-prof-dir", profileDir] : []), "bin/sluice.js", "serve", "--lake", dir, "--port", "0", "--host", "127.0.0.1"],
    { env: { ...process.env, SLUICE_API_TOKEN: "bench-token-0123456789", ...(pool ? { SLUICE_DUCKDB_CONNECTIONS: String(pool) } : {}) }, stdio: ["ignore", "pipe", "inherit"] },
  );
  let output = "";
  const url = await new Promise<string>((done, fail) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /on (http:\/\/\S+\/) /.exec(output);
      if (match) done(match[1]!);
    });
    child.once("exit", (code) => fail(new Error(`sluice serve exited ${code} before listening: ${output}`)));
  });
  return {
    url,
    stop: async () => {
      child.kill("SIGTERM");
      if (child.exitCode === null) await once(child, "exit");
    },
  };
}

interface LoadResult {
  readonly requests: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
}

/** bench/load.ts in its own process: unique URLs from `clients` connections for --seconds. */
async function uniqueLoad(template: string, clients: number): Promise<LoadResult> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", "bench/load.ts", "--url", template, "--connections", String(clients), "--seconds", String(seconds)]);
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as LoadResult;
}

async function uncachedPart(): Promise<void> {
  const given = stringArg("lake");
  const dir = given ? resolve(given) : await mkdtemp(join(tmpdir(), "sluice-bench-api-uncached-"));
  const profileDir = stringArg("cpu-prof");
  try {
    const { from } = await weatherLake(dir);
    const server = await serveProcess(dir, profileDir ? resolve(profileDir) : undefined);
    try {
      // One week of one city, hourly: the dashboard's question. `city=bench-{n}` (an unknown city
      // answers an empty series) makes every URL, and so every cache key, new.
      const weekStart = new Date(Date.parse(`${from}T00:00:00Z`) + 150 * 86_400_000).toISOString().slice(0, 10);
      const weekEnd = new Date(Date.parse(`${weekStart}T00:00:00Z`) + 6 * 86_400_000).toISOString().slice(0, 10);
      const template = new URL(`/series?dataset=weather&city=Paris&city=bench-{n}&from=${weekStart}&to=${weekEnd}&interval=hour&metric=temperature`, server.url).href;
      const probe = await fetch(template.replace("{n}", "probe"));
      const answer = (await probe.json()) as { series?: { points: unknown[] }[]; bytesScanned?: number };
      if (probe.status !== 200 || !answer.series?.[0]?.points.length) throw new Error(`the probe /series answered ${probe.status} ${JSON.stringify(answer).slice(0, 300)}`);
      console.log(`uncached /series: Paris ${weekStart}..${weekEnd} hourly, ${answer.series[0].points.length} points, ${answer.bytesScanned} bytes scanned per query`);
      await uniqueLoad(template.replace("{n}", "warm-{n}"), 2);
      const one: LoadResult[] = [];
      const ten: LoadResult[] = [];
      for (let round = 1; round <= rounds; round++) {
        // Alternate which goes first, so a trend in the machine's load does not favour one side.
        if (round % 2) {
          one.push(await uniqueLoad(template.replace("{n}", `r${round}c1-{n}`), 1));
          ten.push(await uniqueLoad(template.replace("{n}", `r${round}c10-{n}`), 10));
        } else {
          ten.push(await uniqueLoad(template.replace("{n}", `r${round}c10-{n}`), 10));
          one.push(await uniqueLoad(template.replace("{n}", `r${round}c1-{n}`), 1));
        }
        const [a, b] = [one.at(-1)!, ten.at(-1)!];
        console.log(
          `round ${round}: 1 connection ${a.rps.toFixed(1)} req/s (p50 ${a.p50.toFixed(0)} ms, p99 ${a.p99.toFixed(0)} ms); ` +
            `10 connections ${b.rps.toFixed(1)} req/s (p50 ${b.p50.toFixed(0)} ms, p99 ${b.p99.toFixed(0)} ms); ratio ${(b.rps / a.rps).toFixed(2)}`,
        );
      }
      const errors = [...one, ...ten].reduce((n, r) => n + r.errors, 0);
      const paired = median(ten.map((r, i) => r.rps / one[i]!.rps));
      console.log(`\nuncached /series, ${seconds} s × ${rounds} rounds each, pool ${pool ?? "default"}, 127.0.0.1`);
      console.log(`1 connection    ${median(one.map((r) => r.rps)).toFixed(1)} req/s (median)`);
      console.log(`10 connections  ${median(ten.map((r) => r.rps)).toFixed(1)} req/s (median)`);
      console.log(`ratio 10/1 ${paired.toFixed(2)} (median of the rounds' paired ratios; target ≥ 1.6), errors ${errors}`);
    } finally {
      await server.stop();
    }
  } finally {
    if (!given) await rm(dir, { recursive: true, force: true });
  }
}

if (only !== "uncached") await cachedPart();
if (only !== "cached") await uncachedPart();
