// Benchmark (not a test): the cached GET /series against a plain node:http hello-world, both on
// 127.0.0.1 in the same run, alternated so the machine's noise hits both. Stops by itself.
// Target: cached /series ≥ 0.5 × raw node:http in req/s, with p99 < 20 ms.
// Run: npx tsx bench/api.ts [--seconds 3] [--connections 20] [--rounds 5]
// autocannon runs in its own process: in the servers' process it would take their event loop.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { runDemoPipeline } from "../packages/cli/src/commands/demo";
import { startServer } from "../packages/cli/src/commands/serve";
import { createLogger } from "../packages/core/src/log/logger";
import { pipeline } from "../packages/core/src/pipeline/pipeline";
import { LocalRuntime } from "../packages/core/src/runtime/local";
import { median, numberArg } from "./common";

const seconds = numberArg("seconds", 3);
const connections = numberArg("connections", 20);
const rounds = numberArg("rounds", 5);

const AUTOCANNON = join(process.cwd(), "node_modules", ".bin", "autocannon");

async function load(url: string): Promise<{ rps: number; p99: number; errors: number }> {
  const { stdout } = await promisify(execFile)(AUTOCANNON, ["--json", "-c", String(connections), "-d", String(seconds), url], { maxBuffer: 16 * 1024 * 1024 });
  const result = JSON.parse(stdout) as { requests: { average: number }; latency: { p99: number }; errors: number; non2xx: number };
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

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
