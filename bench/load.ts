// The load driver of bench/api's uncached part, run in its own process so that it takes no time
// from the server's event loop: `connections` keep-alive connections, each sending its next GET as
// soon as the last one answered, for `seconds`. Every URL is unique (`{n}` in the template becomes
// a counter), so a response cache never answers. Prints one JSON line.
//   npx tsx bench/load.ts --url 'http://127.0.0.1:3000/series?city=Paris&city=x{n}&…' --connections 10 --seconds 5
import { Agent, request } from "node:http";
import { numberArg } from "./common";

const args = process.argv.slice(2);
const template = args[args.indexOf("--url") + 1];
if (!args.includes("--url") || !template) throw new Error("--url <template with {n}> is required");
const connections = numberArg("connections", 1);
const seconds = numberArg("seconds", 5);

const agent = new Agent({ keepAlive: true, maxSockets: connections });
let counter = 0;
const latencies: number[] = [];
let errors = 0;
const statuses: Record<number, number> = {};

function get(url: string): Promise<number> {
  return new Promise((done, fail) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on("end", () => done(res.statusCode ?? 0));
      res.on("error", fail);
    });
    req.on("error", fail);
    req.end();
  });
}

const started = performance.now();
const deadline = started + seconds * 1000;
await Promise.all(
  Array.from({ length: connections }, async () => {
    while (performance.now() < deadline) {
      const t = performance.now();
      try {
        const status = await get(template.replaceAll("{n}", String(++counter)));
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status !== 200) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - t);
    }
  }),
);
const elapsed = (performance.now() - started) / 1000;
agent.destroy();
latencies.sort((a, b) => a - b);
const quantile = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
console.log(JSON.stringify({ requests: latencies.length, rps: latencies.length / elapsed, p50: quantile(0.5), p99: quantile(0.99), errors, statuses }));
