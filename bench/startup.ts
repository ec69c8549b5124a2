/**
 * bench/startup — how long the `sluice` command takes to start, against `node -e 0` in the same run
 * (the two alternate, round after round; ratios are per round, then the median):
 *  - `sluice --help`                              target ≤ 4× node -e 0
 *  - `sluice query --lake L "SELECT 1"` (a small lake it builds first)   target ≤ 8×
 * `sluice` is invoked as README says after `npm link`: a `sluice` symlink to bin/sluice.js on PATH
 * (a temporary one here, so the machine's global prefix is left alone). `--npx` adds `npx sluice --help`.
 *
 *   npx tsx bench/startup.ts [--rounds 15] [--npx]
 *
 * A benchmark, never a test; docs/benchmarks.md records the figures.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { libIsCurrent } from "../bin/lib-is-current.js";
import { median, numberArg } from "./common";

const ROUNDS = numberArg("rounds", 15);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

if (!libIsCurrent(ROOT)) {
  process.stderr.write("lib/ is missing or older than the sources, so bin/sluice.js would run them through tsx: run `npx projen build:cli` first\n");
  process.exit(1);
}
const work = mkdtempSync(join(tmpdir(), "sluice-bench-startup-"));
const binDir = join(work, "bin");
execFileSync("mkdir", [binDir]);
symlinkSync(join(ROOT, "bin", "sluice.js"), join(binDir, "sluice"));
const env = { ...process.env, PATH: `${binDir}${delimiter}${process.env.PATH ?? ""}`, SLUICE_DEV: "" };
const lake = join(work, "lake");

/** Wall time of one command in ms; a non-zero exit is an error naming the command. */
function timed(command: string, args: string[], cwd = work): number {
  const started = performance.now();
  const result = spawnSync(command, args, { env, cwd, stdio: ["ignore", "ignore", "pipe"] });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return ms;
}

timed("sluice", ["run", "--source", "synthetic", "--from", "2024-11-24", "--to", "2024-11-24", "--locations", "Paris", "--lake", lake]);
const cases = {
  help: ["--help"],
  query: ["query", "--lake", lake, "SELECT 1"],
} as const;
const targets = { help: 4, query: 8 } as const;
const samples = { node: [] as number[], help: [] as number[], query: [] as number[], npx: [] as number[] };
const ratios = { help: [] as number[], query: [] as number[] };

// One warm-up round (page cache, DuckDB's shared library), not counted.
timed("node", ["-e", "0"]);
for (const args of Object.values(cases)) timed("sluice", [...args]);
for (let round = 1; round <= ROUNDS; round++) {
  const line: string[] = [];
  for (const [name, args] of Object.entries(cases) as [keyof typeof cases, readonly string[]][]) {
    const node = timed("node", ["-e", "0"]);
    const ms = timed("sluice", [...args]);
    samples.node.push(node);
    samples[name].push(ms);
    ratios[name].push(ms / node);
    line.push(`${name} ${ms.toFixed(0)} ms / node ${node.toFixed(0)} ms = ${(ms / node).toFixed(2)}`);
  }
  if (process.argv.includes("--npx")) {
    const ms = timed("npx", ["--no-install", "sluice", "--help"], ROOT); // npx finds the project's bin from its root only
    samples.npx.push(ms);
    line.push(`npx sluice --help ${ms.toFixed(0)} ms`);
  }
  console.log(`round ${round}: ${line.join(" · ")}`);
}
rmSync(work, { recursive: true, force: true });

console.log(`\nnode -e 0: median ${median(samples.node).toFixed(0)} ms over ${samples.node.length} runs`);
for (const name of Object.keys(cases) as (keyof typeof cases)[]) {
  const ratio = median(ratios[name]);
  console.log(
    `sluice ${cases[name].join(" ").replace(lake, "L")}: median ${median(samples[name]).toFixed(0)} ms, ` +
      `median ratio ${ratio.toFixed(2)} × node -e 0 (target ≤ ${targets[name]}: ${ratio <= targets[name] ? "met" : "NOT met"})`,
  );
}
if (samples.npx.length) console.log(`npx sluice --help: median ${median(samples.npx).toFixed(0)} ms`);
