import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FakeOpenMeteo } from "../sources/fake-open-meteo";
import { removeLake, sluice, tempLake } from "./sluice";

const REPO = join(import.meta.dirname, "..", "..");
// 11 cities: Open-Meteo batches 10 a call, so the first call's records are in the twin's buffers
// (60 s interval, nothing written yet) while the second call is in flight.
const CITIES = "Paris,London,Berlin,Madrid,Rome,Vienna,Tokyo,Oslo,Lisbon,Dublin,Prague";
const DAY = ["--from", "2024-11-24", "--to", "2024-11-24"] as const;

/** Objects under raw/weather, relative to it. */
async function rawObjects(lake: string): Promise<string[]> {
  const entries = await readdir(join(lake, "raw", "weather"), { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe("an ingest stopped by a signal (a real `sluice ingest` process)", () => {
  let fake: FakeOpenMeteo;
  let lake: string;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    fake = await FakeOpenMeteo.start();
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(async () => {
    lake = await tempLake("killed-ingest");
    fake.requests.length = 0;
    // The first call answers; the second never does, so the ingest is mid-way when signalled.
    fake.handler = (_url, index) => (index === 0 ? undefined : { hang: true });
  });
  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await removeLake(lake);
  });

  /** Starts `sluice ingest` (or `run`) and resolves once its second Open-Meteo call is in flight. */
  async function startMidway(command: "ingest" | "run" = "ingest"): Promise<{ child: ChildProcess; stdout: () => string; stderr: () => string }> {
    const started = spawn(
      process.execPath,
      ["bin/sluice.js", command, "--source", "open-meteo", "--base-url", fake.baseUrl, "--endpoint", "historical-forecast", ...DAY, "--locations", CITIES, "--lake", lake, "--json"],
      { cwd: REPO, env: { ...process.env, SLUICE_LOG_LEVEL: "error" }, stdio: ["ignore", "pipe", "pipe"] },
    );
    child = started;
    let stdout = "";
    let stderr = "";
    started.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    started.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const deadline = Date.now() + 20_000;
    while (fake.requests.length < 2) {
      if (started.exitCode !== null) throw new Error(`sluice ${command} exited ${started.exitCode} early: ${stderr}`);
      if (Date.now() > deadline) throw new Error(`no second Open-Meteo call within 20 s; stderr: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return { child: started, stdout: () => stdout, stderr: () => stderr };
  }

  it.for([
    ["SIGTERM", 143],
    ["SIGINT", 130],
  ] as const)("%s: writes the records it had accepted, prints its summary, exits 128 + n; the next run says it was stopped", async ([signal, code]) => {
    // Prepare
    const ingest = await startMidway();
    expect(await rawObjects(lake)).toEqual([]); // still in the twin's buffers

    // Act
    ingest.child.kill(signal);
    const [exitCode] = (await once(ingest.child, "exit")) as [number | null];

    // Assess: the first call's 10 cities are in raw/, the 11th is named as not fetched
    expect(exitCode, ingest.stderr()).toBe(code);
    const summary = JSON.parse(ingest.stdout());
    expect(summary).toMatchObject({ interrupted: signal, recordsFetched: 240, recordsDelivered: 240, locationsDelivered: 10 });
    expect(summary.failures).toEqual([{ location: "Prague", error: `not fetched: the ingest was stopped by ${signal}` }]);
    expect(await rawObjects(lake)).toHaveLength(10);

    // Act: the next run (transform only) reads the journal
    const delivered = CITIES.replace(",Prague", "");
    const run = await sluice("run", "--skip-ingest", ...DAY, "--locations", delivered, "--lake", lake, "--json");
    const again = await sluice("run", "--skip-ingest", ...DAY, "--locations", delivered, "--lake", lake);

    // Assess: reported once, by the first run after it
    expect(run.code, run.out + run.err).toBe(0);
    const cutShort = JSON.parse(run.out).steps.find((s: { name: string }) => s.name === "ingest").detail.cutShort;
    expect(cutShort).toHaveLength(1);
    expect(cutShort[0]).toMatchObject({ signal, locationsDone: 10, recordsDelivered: 240, locations: CITIES.split(",") });
    expect(cutShort[0].note).toContain(`was stopped by ${signal} after 10 of 11 location(s): the 240 record(s) it had accepted were written`);
    expect(again.out).not.toContain("cut short");
  });

  it("SIGKILL (cannot be caught): the buffered records are lost, and the next ingest's summary says the ingest was killed", async () => {
    // Prepare
    const ingest = await startMidway();

    // Act
    ingest.child.kill("SIGKILL");
    await once(ingest.child, "exit");
    const next = await sluice("ingest", "--source", "synthetic", ...DAY, "--locations", "Paris", "--lake", lake);
    const after = await sluice("ingest", "--source", "synthetic", ...DAY, "--locations", "Paris", "--lake", lake);

    // Assess
    expect(next.code, next.err).toBe(0);
    expect(next.out).toMatch(/earlier ingest cut short: ingest of weather 2024-11-24\.\.2024-11-24 \(11 location\(s\), pid \d+, started [^)]+\) was killed before it finished \(SIGKILL, a crash or a shutdown\): records it had accepted but not yet written were lost; ingest that range again/);
    expect(after.out).not.toContain("cut short");
  });

  it("SIGTERM inside `sluice run`: the ingest writes what it accepted, the run is recorded failed at ingest (stopped by SIGTERM), exit 143, lock released", async () => {
    // Prepare
    const { child: started, stdout } = await startMidway("run");

    // Act
    started.kill("SIGTERM");
    const [exitCode] = (await once(started, "exit")) as [number | null];

    // Assess
    expect(exitCode).toBe(143);
    const run = JSON.parse(stdout());
    expect(run.status).toBe("failed");
    expect(run.failure).toMatchObject({ step: "ingest" });
    expect(run.failure.message).toContain("stopped by SIGTERM: the 240 records it had accepted were written; 1 location(s) not delivered");
    expect(await rawObjects(lake)).toHaveLength(10);
    const next = await sluice("run", "--skip-ingest", ...DAY, "--locations", CITIES.replace(",Prague", ""), "--lake", lake);
    expect(next.code, next.out + next.err).toBe(0);
  });

  it("SIGKILL inside `sluice run`: the next run marks the run abandoned and reports the ingest as killed", async () => {
    // Prepare: a run whose ingest is mid-way
    const { child: started } = await startMidway("run");

    // Act
    started.kill("SIGKILL");
    await once(started, "exit");
    const next = await sluice("run", "--source", "synthetic", ...DAY, "--locations", "Paris", "--lake", lake, "--json");

    // Assess
    expect(next.code, next.out + next.err).toBe(0);
    const run = JSON.parse(next.out);
    expect(run.steps.find((s: { name: string }) => s.name === "ingest").detail.cutShort[0].note).toContain("was killed before it finished");
    const runs = JSON.parse((await sluice("runs", "--lake", lake, "--json")).out) as { status: string; failure?: { step: string } }[];
    expect(runs.map((r) => r.status)).toEqual(["succeeded", "abandoned"]);
    expect(runs[1]!.failure!.step).toBe("ingest");
  });
});
