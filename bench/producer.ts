// Benchmark (not a test): what an hourly scheduled producer costs as the lake ages. Two twin lakes
// are fed by the same hourly schedule against a fake Open-Meteo on 127.0.0.1 (documented response
// shape), on a manual clock:
//  incremental: the producer as deployed (each subject from its cursor, less overlapHours, to the
//               current hour; `ingestIncrementally`);
//  reference:   the producer before cursors (yesterday..today every hour), measured in the same run.
// Per day of the schedule it prints the records, requests and raw bytes of one invocation and the
// ratio reference / incremental; the last lines compare the whole schedule. Stops by itself.
// Run: npx tsx bench/producer.ts [--days 10] [--cities 3] [--overlap 3]
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ingest } from "../packages/core/src/ingest/ingest";
import { ingestIncrementally } from "../packages/core/src/ingest/incremental";
import { ManualClock } from "../packages/core/src/lake/clock";
import { silentLogger } from "../packages/core/src/log/logger";
import { pipeline } from "../packages/core/src/pipeline/pipeline";
import { LocalRuntime } from "../packages/core/src/runtime/local";
import { GAZETTEER_CITIES, resolveLocations } from "../packages/core/src/sources/gazetteer";
import { OpenMeteoSource } from "../packages/core/src/sources/open-meteo/index";
import { FakeOpenMeteo } from "../test/sources/fake-open-meteo";
import { numberArg } from "./common";

const days = numberArg("days", 10);
const cityCount = numberArg("cities", 3);
const overlapHours = numberArg("overlap", 3);
const HOUR = 3_600_000;
const START = Date.parse("2024-11-01T00:20:00Z");
const weather = pipeline.datasets.weather!;
const cities = resolveLocations(GAZETTEER_CITIES.slice(0, cityCount).map((c) => c.name), []);

interface Invocation {
  readonly records: number;
  readonly requests: number;
  readonly ms: number;
}

async function bytesUnder(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  let total = 0;
  for (const entry of entries) if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  return total;
}

/** One side: a lake, the fake API, and an invocation per hour of the schedule. */
async function side(name: "incremental" | "reference", fake: FakeOpenMeteo) {
  const lake = await mkdtemp(join(tmpdir(), `sluice-bench-producer-${name}-`));
  const clock = new ManualClock(START);
  const runtime = new LocalRuntime({ lake, pipeline, logger: silentLogger, clock });
  const source = new OpenMeteoSource({ baseUrl: fake.baseUrl, clock });
  const invocations: Invocation[] = [];
  return {
    lake,
    invocations,
    clock,
    async invoke(): Promise<void> {
      const before = fake.requests.length;
      const started = performance.now();
      const now = clock.now();
      const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
      const summary =
        name === "incremental"
          ? await ingestIncrementally({ dataset: "weather", locations: cities, variables: ["temperature_2m"], source, delivery: await runtime.delivery(weather), cursors: runtime.cursors(), logger: silentLogger, clock, timeColumn: weather.transform.timeColumn, overlapHours })
          : await ingest({ dataset: "weather", request: { from: day(now - 86_400_000), to: day(now), locations: cities, variables: ["temperature_2m"] }, source, delivery: await runtime.delivery(weather), logger: silentLogger, now: () => clock.now() });
      if (summary.failures.length > 0) throw new Error(`${name}: ${summary.failures.map((f) => `${f.location}: ${f.error}`).join("; ")}`);
      invocations.push({ records: summary.recordsFetched, requests: fake.requests.length - before, ms: performance.now() - started });
    },
    close: () => runtime.close(),
  };
}

const fakeIncremental = await FakeOpenMeteo.start();
const fakeReference = await FakeOpenMeteo.start();
const incremental = await side("incremental", fakeIncremental);
const reference = await side("reference", fakeReference);
const perDay = (invocations: readonly Invocation[], d: number) => invocations.slice(d * 24, (d + 1) * 24);
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
try {
  console.log(`hourly producer, ${cities.length} cities, overlapHours ${overlapHours}, ${days} days of schedule (${days * 24} invocations a side)`);
  console.log("day  | records/invocation ref | incr | ratio | raw MB ref | incr | ratio | ms/invocation ref | incr");
  for (let d = 0; d < days; d++) {
    for (let h = 0; h < 24; h++) {
      // Alternated, so the machine's noise hits both sides alike.
      await reference.invoke();
      await incremental.invoke();
      reference.clock.advance(HOUR);
      incremental.clock.advance(HOUR);
    }
    const [ref, inc] = [perDay(reference.invocations, d), perDay(incremental.invocations, d)];
    const [refBytes, incBytes] = [await bytesUnder(join(reference.lake, pipeline.buckets.raw)), await bytesUnder(join(incremental.lake, pipeline.buckets.raw))];
    const r = mean(ref.map((i) => i.records));
    const n = mean(inc.map((i) => i.records));
    console.log(
      `${String(d + 1).padStart(4)} | ${r.toFixed(1).padStart(22)} | ${n.toFixed(1).padStart(4)} | ${(r / n).toFixed(1).padStart(5)} | ${(refBytes / 1e6).toFixed(2).padStart(10)} | ${(incBytes / 1e6).toFixed(2).padStart(4)} | ${(refBytes / incBytes).toFixed(1).padStart(5)} | ${mean(ref.map((i) => i.ms)).toFixed(1).padStart(17)} | ${mean(inc.map((i) => i.ms)).toFixed(1)}`,
    );
  }
  const total = (invocations: readonly Invocation[], key: keyof Invocation) => invocations.reduce((a, i) => a + i[key], 0);
  const hours = days * 24 * cities.length;
  console.log(`whole schedule: records ${total(reference.invocations, "records")} vs ${total(incremental.invocations, "records")} (${(total(reference.invocations, "records") / total(incremental.invocations, "records")).toFixed(1)}x), each hour collected ${(total(reference.invocations, "records") / hours).toFixed(1)} vs ${(total(incremental.invocations, "records") / hours).toFixed(1)} times`);
  console.log(`requests ${total(reference.invocations, "requests")} vs ${total(incremental.invocations, "requests")}; time ${(total(reference.invocations, "ms") / 1000).toFixed(1)} s vs ${(total(incremental.invocations, "ms") / 1000).toFixed(1)} s`);
  const [first, last] = [perDay(incremental.invocations, 0), perDay(incremental.invocations, days - 1)];
  console.log(`incremental, last day vs first day: records ${(mean(last.map((i) => i.records)) / mean(first.map((i) => i.records))).toFixed(2)}x, ms ${(mean(last.map((i) => i.ms)) / mean(first.map((i) => i.ms))).toFixed(2)}x`);
} finally {
  await incremental.close();
  await reference.close();
  await fakeIncremental.close();
  await fakeReference.close();
  await rm(incremental.lake, { recursive: true, force: true });
  await rm(reference.lake, { recursive: true, force: true });
}
