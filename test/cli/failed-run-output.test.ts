import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../net";
import { removeLake, tempLake } from "./sluice";

const BIN = join(__dirname, "..", "..", "bin", "sluice.js");

/** `sluice …` as a real process, with the environment a user has (no SLUICE_LOG_LEVEL). */
function sluiceProcess(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const env = { ...process.env };
  delete env.SLUICE_LOG_LEVEL;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, out, err }));
  });
}

describe("a failed sluice run, as a user's terminal shows it", () => {
  let lake: string;
  let args: string[];

  beforeAll(async () => {
    lake = await tempLake("failed-run");
    const baseUrl = `http://127.0.0.1:${await freePort()}`;
    args = ["run", "--source", "open-meteo", "--base-url", baseUrl, "--from", "2024-11-24", "--to", "2024-11-24", "--locations", "Paris", "--lake", lake];
  });
  afterAll(() => removeLake(lake));

  it("prints the human table and the failed step once, with no JSON log line on stderr", async () => {
    const result = await sluiceProcess(args);

    expect(result.code).toBe(1);
    expect(result.out).toMatch(/^Run \S+: FAILED/);
    expect(result.out).toMatch(/^ingest +failed/m);
    expect(result.out).toContain("Failed at ingest:");
    expect(result.err).not.toContain('"level":"error"');
    expect(result.err).not.toContain("step failed");
  }, 60_000);

  it("logs the failed step as a JSON line with --verbose", async () => {
    const result = await sluiceProcess([...args, "--verbose"]);

    expect(result.code).toBe(1);
    const failed = result.err
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((entry) => entry.message === "step failed");
    expect(failed).toMatchObject({ level: "error", step: "ingest" });
  }, 60_000);
});
