import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { copyFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashTree, PROD_FINGERPRINT_SQL, prodSnapshot, queryRows, removeLake, runWeek, sluice, tempLake, WEEK } from "../cli/sluice";

const REPO = join(import.meta.dirname, "..", "..");

interface RunView {
  id: string;
  status: string;
  failure?: { step: string; message: string };
  steps: { name: string; status: string }[];
}

/** Starts a real `sluice run` process that stops after `step` and waits to be killed. */
async function startPausedRun(lake: string, step: string): Promise<{ child: ChildProcess; stderr: () => string }> {
  const child = spawn(
    process.execPath,
    ["bin/sluice.js", "run", "--source", "synthetic", "--from", WEEK.from, "--to", WEEK.to, "--locations", WEEK.locations, "--lake", lake],
    { cwd: REPO, env: { ...process.env, SLUICE_PAUSE_AFTER_STEP: step, SLUICE_LOG_LEVEL: "warn" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "paused after ${step}" within 20 s; stderr: ${stderr}`)), 20_000);
    child.stderr!.on("data", () => {
      if (stderr.includes(`paused after ${step}`)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`sluice run exited ${code} before pausing; stderr: ${stderr}`));
    });
  });
  return { child, stderr: () => stderr };
}

async function runs(lake: string): Promise<RunView[]> {
  return JSON.parse((await sluice("runs", "--lake", lake, "--json")).out) as RunView[];
}

describe("a run killed mid-way, and the run lock", () => {
  let lake: string;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    lake = await tempLake("crash");
  });
  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await removeLake(lake);
  });

  it("refuses a second run while one holds the lock (exit 5, naming the running id); a run killed after CTAS leaves production intact; the next run succeeds and marks it abandoned", async () => {
    // Prepare: production v0001 from a good run, then a real process paused after its ctas step
    const good = await runWeek(lake);
    expect(good.code, good.out + good.err).toBe(0);
    const before = await prodSnapshot(lake);
    const answerBefore = await queryRows(lake, PROD_FINGERPRINT_SQL);
    const paused = await startPausedRun(lake, "ctas");
    child = paused.child;
    const holder = (await runs(lake))[0]!;
    expect(holder).toMatchObject({ status: "running" });
    expect(holder.steps.find((s) => s.name === "ctas")!.status).toBe("succeeded");

    // Act: a second run, and a rollback, while the paused one holds the lake
    const refused = await runWeek(lake);
    const rollback = await sluice("rollback", "--lake", lake);

    // Assess: refused with exit 5, the message names the running run
    expect(refused.code).toBe(5);
    expect(refused.err).toContain(`run ${holder.id} has been running since`);
    expect(refused.err).toMatch(/only one run at a time/);
    expect(rollback.code).toBe(5);
    expect(rollback.err).toContain(holder.id);
    expect((await runs(lake)).map((r) => r.id)).toEqual([holder.id, expect.any(String)]);

    // Act: kill the paused run (still alive, waiting) with no chance to clean up
    expect(child.exitCode).toBeNull();
    child.kill("SIGKILL");
    await once(child, "exit");
    expect(child.signalCode).toBe("SIGKILL");

    // Assess: production (files, catalog, answer) is exactly as before the killed run
    expect(await prodSnapshot(lake)).toEqual(before);
    expect(await queryRows(lake, PROD_FINGERPRINT_SQL)).toEqual(answerBefore);

    // Act: the next run
    const next = await runWeek(lake);

    // Assess: it takes the stale lock over, succeeds, and the killed run is recorded as abandoned
    expect(next.code, next.out + next.err).toBe(0);
    const after = await runs(lake);
    const killed = after.find((r) => r.id === holder.id)!;
    expect(killed.status).toBe("abandoned");
    // it died after ctas, before dq started
    expect(killed.failure).toEqual({ step: "dq", message: "the process running it stopped before it finished" });
    expect(killed.steps.map((s) => s.status)).toEqual(["succeeded", "succeeded", "succeeded", "succeeded", "skipped", "skipped"]);
    expect(killed.steps.find((s) => s.name === "publish")!.status).toBe("skipped");
    expect(after[0]!.status).toBe("succeeded");
    const table = await sluice("runs", "--lake", lake);
    expect(table.out).toMatch(new RegExp(`${holder.id}\\s+abandoned`));
    // three ingests reached raw/ (the killed run's too): still one row per city and hour
    expect(await queryRows(lake, "SELECT count(*) AS n, max(collection_count) AS cc FROM weather_prod")).toEqual([{ n: 504, cc: 3 }]);
  });

  it("never reads, and prunes, a run folder no version references (what a killed or failed run leaves)", async () => {
    // Prepare: a lake with v0001, and Parquet a killed run left in its own run folder (never registered)
    const own = await tempLake("crash-publish");
    try {
      expect((await runWeek(own)).code).toBe(0);
      const v1 = Object.keys(await prodSnapshot(own)).filter((p) => p.endsWith(".parquet"));
      expect(v1).toHaveLength(1);
      const orphan = join(own, "prod", "weather_prod", "data", "r20240101t000000z-dead", "yr_mo_partition=2024-11");
      await mkdir(orphan, { recursive: true });
      await copyFile(join(own, v1[0]!), join(orphan, "part-left-by-a-killed-run.parquet"));

      // Act
      const run = await runWeek(own);

      // Assess: v0002 holds the two collections once each; the orphan folder is gone
      expect(run.code, run.out + run.err).toBe(0);
      expect(run.out).toMatch(/Published weather_prod_v0002\./);
      expect(await queryRows(own, "SELECT count(*) AS n, max(collection_count) AS cc FROM weather_prod")).toEqual([{ n: 504, cc: 2 }]);
      expect(Object.keys(await hashTree(own, join(own, "prod", "weather_prod", "data", "r20240101t000000z-dead")))).toEqual([]);
    } finally {
      await removeLake(own);
    }
  });

  it("records a killed run as abandoned when the next command to take the lake is a rollback", async () => {
    // Prepare: two published versions, then a run killed after ctas
    const own = await tempLake("crash-rollback");
    let paused: ChildProcess | undefined;
    try {
      expect((await runWeek(own)).code).toBe(0);
      expect((await runWeek(own)).code).toBe(0);
      paused = (await startPausedRun(own, "ctas")).child;
      const killedId = (await runs(own))[0]!.id;
      paused.kill("SIGKILL");
      await once(paused, "exit");

      // Act
      const rollback = await sluice("rollback", "--lake", own);

      // Assess
      expect(rollback.code, rollback.err).toBe(0);
      expect(rollback.out).toContain("production now reads weather_prod_v0001");
      expect((await runs(own)).find((r) => r.id === killedId)!.status).toBe("abandoned");
    } finally {
      if (paused && paused.exitCode === null && paused.signalCode === null) paused.kill("SIGKILL");
      await removeLake(own);
    }
  });
  it("records a run killed right after the view switch as published: the record, the manifest and the rollback targets follow the view", async () => {
    // Prepare: v0001 from a good run, then a real run killed inside publish, after the view switched
    const own = await tempLake("crash-switch");
    let paused: ChildProcess | undefined;
    try {
      const first = await sluice("run", "--source", "synthetic", "--from", WEEK.from, "--to", WEEK.to, "--locations", WEEK.locations, "--lake", own, "--json");
      expect(first.code, first.err).toBe(0);
      const objectsPerIngest = (JSON.parse(first.out) as { steps: { name: string; detail?: { rawObjectsNew?: number } }[] }).steps.find((s) => s.name === "crawl")!.detail!.rawObjectsNew!;
      expect(objectsPerIngest).toBeGreaterThan(0);
      paused = (await startPausedRun(own, "view-switch")).child;
      const killedId = (await runs(own))[0]!.id;
      expect((await runs(own))[0]!.status).toBe("running");
      paused.kill("SIGKILL");
      await once(paused, "exit");
      // production already reads the killed run's version: two collections
      expect(await queryRows(own, "SELECT count(*) AS n, max(collection_count) AS cc FROM weather_prod")).toEqual([{ n: 504, cc: 2 }]);

      // Act: the next run, then a rollback
      const next = await sluice("run", "--source", "synthetic", "--from", WEEK.from, "--to", WEEK.to, "--locations", WEEK.locations, "--lake", own, "--json");
      const rollback = await sluice("rollback", "--lake", own);

      // Assess: the killed run is recorded as the run that published v0002 (the record follows the view)
      expect(next.code, next.err).toBe(0);
      const killed = (await runs(own)).find((r) => r.id === killedId)! as RunView & { prodVersion?: string };
      expect(killed.status).toBe("succeeded");
      expect(killed.prodVersion).toBe("weather_prod_v0002");
      expect(killed.steps.find((s) => s.name === "publish")!.status).toBe("succeeded");
      // its raw objects were consumed: the next run read only its own ingest's objects
      const nextRecord = JSON.parse(next.out) as { prodVersion: string; steps: { name: string; detail?: { rawObjectsNew?: number } }[] };
      expect(nextRecord.prodVersion).toBe("weather_prod_v0003");
      expect(nextRecord.steps.find((s) => s.name === "crawl")!.detail!.rawObjectsNew).toBe(objectsPerIngest);
      // v0002 was production, so it is a rollback target (newest first)
      expect(rollback.code, rollback.err).toBe(0);
      expect(rollback.out).toContain("production now reads weather_prod_v0002");
      expect(await queryRows(own, "SELECT count(*) AS n, max(collection_count) AS cc FROM weather_prod")).toEqual([{ n: 504, cc: 2 }]);
    } finally {
      if (paused && paused.exitCode === null && paused.signalCode === null) paused.kill("SIGKILL");
      await removeLake(own);
    }
  });
});
