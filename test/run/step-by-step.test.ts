import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../packages/core/src/log/logger";
import { pipeline } from "../../packages/core/src/pipeline/pipeline";
import type { RunEngine, StepOutcome } from "../../packages/core/src/run/run-engine";
import type { RunParameters, RunRecord } from "../../packages/core/src/run/run-record";
import { LocalRuntime } from "../../packages/core/src/runtime/local";
import { resolveLocations } from "../../packages/core/src/sources/gazetteer";
import { PROD_FINGERPRINT_SQL, queryRows, removeLake, sluice, tempLake, WEEK } from "../cli/sluice";

const PARAMETERS: RunParameters = { dataset: "weather", source: "synthetic", from: WEEK.from, to: WEEK.to, locations: resolveLocations(WEEK.locations.split(","), []), variables: ["temperature_2m"], skipIngest: true };

/** One call on an engine of its own, closed after: as if each step ran in another process. */
async function withEngine<T>(lake: string, call: (engine: RunEngine) => Promise<T>): Promise<T> {
  const runtime = new LocalRuntime({ lake, pipeline, logger: silentLogger });
  try {
    return await call(await runtime.runEngine());
  } finally {
    await runtime.close();
  }
}

describe("the run engine step by step on the twin (startRun, runStep, finishRun)", () => {
  const lakes: string[] = [];
  beforeEach(async () => {
    for (const label of ["steps", "whole"]) {
      const lake = await tempLake(label);
      lakes.push(lake);
      const ingested = await sluice("ingest", "--from", WEEK.from, "--to", WEEK.to, "--locations", WEEK.locations, "--lake", lake);
      if (ingested.code !== 0) throw new Error(ingested.err);
    }
  });
  afterEach(async () => {
    for (const lake of lakes.splice(0)) await removeLake(lake);
  });

  it("publishes what run() publishes, with the same step records, and frees the lock", async () => {
    // Prepare
    const [stepLake, wholeLake] = lakes as [string, string];
    // Act
    let outcome: StepOutcome = await withEngine(stepLake, (engine) => engine.startRun(PARAMETERS));
    const visited: string[] = [];
    while (outcome.next !== "finish") {
      const step = outcome.next;
      visited.push(step);
      outcome = await withEngine(stepLake, (engine) => engine.runStep(outcome.run.id, step));
    }
    const stepwise = await withEngine(stepLake, (engine) => engine.finishRun(outcome.run.id));
    const whole = await withEngine(wholeLake, (engine) => engine.run(PARAMETERS));
    // Assess
    expect(visited).toEqual(["ingest", "crawl", "drop", "ctas", "dq", "publish"]);
    const shape = (run: RunRecord) => ({ status: run.status, mode: run.mode, prodVersion: run.prodVersion, dq: run.dq, steps: run.steps.map((s) => [s.name, s.status, s.rowsIn, s.rowsOut]) });
    expect(shape(stepwise)).toEqual(shape(whole));
    expect(stepwise.status).toBe("succeeded");
    expect(await queryRows(stepLake, PROD_FINGERPRINT_SQL)).toEqual(await queryRows(wholeLake, PROD_FINGERPRINT_SQL));
    expect(await new LocalRuntime({ lake: stepLake, pipeline, logger: silentLogger }).lock.holder()).toBeUndefined();
  });
});
