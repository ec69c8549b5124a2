import { spawn, spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Command, Help } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { libIsCurrent } from "../../bin/lib-is-current.js";
import { COMMANDS } from "../../packages/cli/src/lazy-commands";
import { buildCli } from "../../scripts/build-cli";
import { removeLake, runWeek, sluice, tempLake } from "./sluice";

const ROOT = join(__dirname, "..", "..");
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
const HEAVY = [/^@duckdb\//, /^hono/, /^@hono\//, /^zod/, /^@aws-sdk\//];

describe("the command table sluice --help is written from", () => {
  it("names each command with the term and arguments its module defines", async () => {
    // Prepare
    const io = { out: () => undefined, err: () => undefined };

    // Act
    const terms: Record<string, string> = {};
    for (const entry of COMMANDS) {
      const program = new Command("sluice");
      (await entry.load())(program, io, () => undefined);
      const command = program.commands.find((c) => c.name() === entry.name);
      terms[entry.name] = command ? new Help().subcommandTerm(command) : "(not registered by its module)";
    }

    // Assess
    expect(terms).toEqual(Object.fromEntries(COMMANDS.map((c) => [c.name, c.term])));
  });

  it("lists every command in --help, and --version is package.json's", async () => {
    const help = await sluice("--help");
    const version = await sluice("--version");

    expect(help.code).toBe(0);
    for (const entry of COMMANDS) expect(help.out).toContain(`  ${entry.term}`);
    expect(help.out).toContain("help [command]");
    expect(version).toMatchObject({ code: 0, out: `${VERSION}\n` });
  });

  it("still suggests a command for a typo, with exit code 2", async () => {
    const result = await sluice("qery");

    expect(result.code).toBe(2);
    expect(result.err).toContain("Did you mean query?");
  });
});

describe("the compiled CLI (scripts/build-cli.ts)", () => {
  // Under .ci/out/ (gitignored), inside the checkout: the bundle finds package.json, packages/web
  // and node_modules upward, as lib/ does.
  const out = join(ROOT, ".ci", "out", `cli-bundle-${process.pid}`);
  let lake: string;
  const bundled = (...args: string[]) =>
    spawnSync(process.execPath, ["--input-type=module", "-e", RUN_MAIN, join(out, "main.js"), ...args], { encoding: "utf8", env: { ...process.env, SLUICE_LOG_LEVEL: "silent" } });

  beforeAll(async () => {
    await buildCli(out);
    lake = await tempLake("bundle");
    expect((await runWeek(lake)).code).toBe(0);
  }, 60_000);
  afterAll(async () => {
    rmSync(out, { recursive: true, force: true });
    await removeLake(lake);
  });

  it("loads no DuckDB, hono, zod or AWS SDK for --help: they sit behind each command's import()", () => {
    const packages = staticPackages(join(out, "main.js"));

    expect(packages.filter((p) => HEAVY.some((re) => re.test(p)))).toEqual([]);
    expect(packages).toContain("commander");
  });

  it("answers --version and a query from the bundle", () => {
    const version = bundled("--version");
    const query = bundled("query", "--lake", lake, "--format", "json", "SELECT count(*) AS n FROM weather_prod");

    expect(version.stdout).toBe(`${VERSION}\n`);
    expect(query.status).toBe(0);
    expect(JSON.parse(query.stdout)).toEqual([{ n: 504 }]);
  }, 30_000);

  it("serves the dashboard's files from the bundle (found from lib/'s place, not the sources')", async () => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", RUN_MAIN, join(out, "main.js"), "serve", "--lake", lake, "--port", "0"], {
      env: { ...process.env, SLUICE_API_TOKEN: "a-test-token-of-24-chars", SLUICE_LOG_LEVEL: "silent" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let text = "";
    child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.once("exit", done));
    try {
      for (let i = 0; i < 300 && !text.includes("http://"); i++) await new Promise((done) => setTimeout(done, 100));
      const url = /(http:\/\/\S+)/.exec(text)?.[1];
      expect(url).toBeDefined();
      const page = await fetch(new URL("/", url));
      const uplot = await fetch(new URL("/ui/uPlot.iife.min.js", url));

      expect(page.status).toBe(200);
      expect(await page.text()).toContain("<html");
      expect(uplot.status).toBe(200);
    } finally {
      child.kill("SIGTERM");
      await exited;
    }
  }, 60_000);

  it("is current for bin/sluice.js until a source it read is newer than the build, or gone", () => {
    const manifestPath = join(out, "build.json");
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { builtAt: number; inputs: string[] };
    expect(manifest.inputs).toContain("packages/cli/src/main.ts");
    expect(libIsCurrent(ROOT, out)).toBe(true);

    writeFileSync(manifestPath, JSON.stringify({ ...manifest, builtAt: 0 }));
    expect(libIsCurrent(ROOT, out)).toBe(false);

    writeFileSync(manifestPath, JSON.stringify({ ...manifest, inputs: [...manifest.inputs, "packages/cli/src/gone.ts"] }));
    expect(libIsCurrent(ROOT, out)).toBe(false);

    rmSync(manifestPath);
    expect(libIsCurrent(ROOT, out)).toBe(false);
  });
});

/** Runs a bundle's main() with the arguments after its path (what bin/sluice.js does with lib/). */
const RUN_MAIN = "const { main } = await import(process.argv[1]); process.exitCode = await main(['node', 'sluice', ...process.argv.slice(2)]);";

/** The packages a module loads before any import() runs: its static imports, through its chunks. */
function staticPackages(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const text = readFileSync(file, "utf8");
  const specifiers = [...text.matchAll(/^(?:import|export)\s[^;]*?from\s*"([^"]+)"|^import\s*"([^"]+)"/gms)].map((m) => (m[1] ?? m[2])!);
  return specifiers.flatMap((s) => (s.startsWith(".") ? staticPackages(join(dirname(file), s), seen) : s.startsWith("node:") ? [] : [s]));
}
