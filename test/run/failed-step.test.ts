import { spawnSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LakeWriteError } from "../../packages/core/src/lake/atomic-write";
import { FsObjectStore } from "../../packages/core/src/lake/fs-object-store";
import { silentLogger } from "../../packages/core/src/log/logger";
import { pipeline } from "../../packages/core/src/pipeline/pipeline";
import { evaluateDqdl } from "../../packages/core/src/run/dq-evaluator";
import { RunEngine } from "../../packages/core/src/run/run-engine";
import type { RunStore } from "../../packages/core/src/run/run-store";
import { LocalRuntime } from "../../packages/core/src/runtime/local";
import { resolveLocations } from "../../packages/core/src/sources/gazetteer";
import { arrivingNowKey, PROD_FINGERPRINT_SQL, prodSnapshot, queryRows, removeLake, runWeek, sluice, tempLake, WEEK } from "../cli/sluice";

interface RunView {
  id: string;
  status: string;
  failure?: { step: string; message: string };
  steps: { name: string; status: string; detail?: Record<string, unknown> }[];
}

describe("a run whose step fails", () => {
  let lake: string;
  beforeEach(async () => {
    lake = await tempLake("failed");
  });
  afterEach(() => removeLake(lake));

  it("exits 1 naming the step when --skip-ingest finds no raw data, and records the run as failed", async () => {
    // Act
    const run = await runWeek(lake, "--skip-ingest");

    // Assess
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/FAILED/);
    expect(run.out).toMatch(/Failed at crawl: step crawl failed: no raw objects under s3:\/\/raw\/weather\/: ingest data first/);
    const [record] = JSON.parse((await sluice("runs", "--lake", lake, "--json")).out) as RunView[];
    expect(record).toMatchObject({ status: "failed", failure: { step: "crawl" } });
    expect(record!.steps.map((s) => s.status)).toEqual(["skipped", "failed", "skipped", "skipped", "skipped", "skipped"]);
    expect(await prodSnapshot(lake)).toEqual({});
  });

  it("quarantines an object with a string in a number column, naming it and the line; production stays and the next run publishes", async () => {
    // Prepare: a published week, then an object in the current arrival hour whose second line is bad
    expect((await runWeek(lake)).code).toBe(0);
    const before = await prodSnapshot(lake);
    const answer = await queryRows(lake, PROD_FINGERPRINT_SQL);
    const key = arrivingNowKey("Paris", "typed.gz");
    const good = { city: "Paris", latitude: 48.8566, longitude: 2.3522, measurement_time: "2024-11-24T00:00:00Z", temperature: 5, collection_time: new Date().toISOString(), source: "synthetic" };
    const bad = { ...good, temperature: "warm" };
    await new FsObjectStore(lake).put("raw", key, gzipSync(JSON.stringify(good) + "\n" + JSON.stringify(bad) + "\n"));

    // Act
    const run = await runWeek(lake, "--skip-ingest", "--json");

    // Assess: nothing else was new, so production is as it was; the object is named with its line
    expect(run.code, run.out + run.err).toBe(0);
    const record = JSON.parse(run.out) as RunView;
    const crawl = record.steps.find((s) => s.name === "crawl")!.detail!;
    expect(crawl).toMatchObject({
      drift: [{ kind: "type-change", column: "temperature", catalogType: "double", observedType: "string", seenIn: key }],
      quarantined: [{ key, reason: 'line 2: column temperature (double) holds "warm"' }],
      upToDate: true,
    });
    expect(await prodSnapshot(lake)).toEqual(before);
    expect(await queryRows(lake, PROD_FINGERPRINT_SQL)).toEqual(answer);
    const listed = await sluice("quarantine", "--lake", lake, "--json");
    expect(listed.code, listed.err).toBe(0);
    expect(JSON.parse(listed.out)).toMatchObject([{ runId: record.id, kind: "unreadable", objects: [{ key }] }]);

    // Act: the next run with good data
    const next = await runWeek(lake);

    // Assess: it publishes; the quarantined object is not read again
    expect(next.code, next.out + next.err).toBe(0);
    expect(await queryRows(lake, "SELECT count(*) AS n, max(collection_count) AS cc FROM weather_prod")).toEqual([{ n: 504, cc: 2 }]);
  });
});

describe("a run whose record cannot be saved at the end (no room even for a slim record)", () => {
  let lake: string;
  beforeEach(async () => {
    lake = await tempLake("unsaved");
  });
  afterEach(() => removeLake(lake));

  it("keeps the lock, so the next run takes it over and records the run abandoned at the step that failed", async () => {
    // Prepare: raw data, and an engine whose run store refuses every save once the crawl has started
    expect((await sluice("ingest", "--from", WEEK.from, "--to", WEEK.to, "--locations", WEEK.locations, "--lake", lake)).code).toBe(0);
    const runtime = new LocalRuntime({ lake, pipeline, logger: silentLogger });
    let refusing = false;
    const runStore: RunStore = {
      save: async (run) => {
        if (refusing) throw new LakeWriteError(`${lake}/processed/_sluice/runs/${run.id}/run.json`, "ENOSPC", { cause: new Error("ENOSPC") });
        if (run.steps.find((s) => s.name === "crawl")!.status === "running") refusing = true;
        await runtime.runStore.save(run);
      },
      get: (id) => runtime.runStore.get(id),
      list: (options) => runtime.runStore.list(options),
      saveReport: (id, report) => runtime.runStore.saveReport(id, report),
      getReport: (id) => runtime.runStore.getReport(id),
    };
    const engine = new RunEngine({
      pipeline,
      store: runtime.store,
      catalog: runtime.catalog,
      warehouse: await runtime.warehouse(),
      runStore,
      lock: runtime.lock,
      evaluateDq: evaluateDqdl,
      clock: runtime.clock,
      logger: silentLogger,
    });
    const parameters = { dataset: "weather", source: "synthetic", from: WEEK.from, to: WEEK.to, locations: resolveLocations(WEEK.locations.split(","), []), variables: ["temperature_2m"], skipIngest: true };

    // Act: the crawl step's end cannot be recorded; nor can the failed run
    let run;
    try {
      run = await engine.run(parameters);
    } finally {
      await runtime.close();
    }
    const held = await runtime.lock.holder();
    // This test process stands for the run's process: it lives on, so the lock it kept is made to
    // name a pid that has exited, as it would once `sluice run` returned.
    const lockPath = join(lake, "_sluice", "run.lock");
    const dead = spawnSync(process.execPath, ["-e", ""]).pid!;
    await writeFile(lockPath, JSON.stringify({ ...JSON.parse(await readFile(lockPath, "utf8")), pid: dead, startTime: undefined }));
    const next = await runWeek(lake, "--skip-ingest");

    // Assess
    expect(run).toMatchObject({ status: "failed", failure: { step: "crawl" } });
    expect(run.failure!.message).toContain(`the run record could not be saved: cannot write ${lake}/processed/_sluice/runs/${run.id}/run.json: no space left on device (ENOSPC)`);
    expect(held?.runId).toBe(run.id);
    expect(next.code, next.out + next.err).toBe(0);
    const records = JSON.parse((await sluice("runs", "--lake", lake, "--json")).out) as RunView[];
    expect(records.find((r) => r.id === run.id)).toMatchObject({ status: "abandoned", failure: { step: "crawl" } });
  });
});
