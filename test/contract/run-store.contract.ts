import { describe, expect, it } from "vitest";
import type { RunRecord } from "../../packages/core/src/run/run-record";
import { RUN_STEPS } from "../../packages/core/src/run/run-record";
import type { RunStore } from "../../packages/core/src/run/run-store";
import { InvalidRunIdError } from "../../packages/core/src/run/run-store";

/** A fresh, empty run store and its cleanup. */
export type RunStoreFixture = () => Promise<{ runStore: RunStore; cleanup(): Promise<void> }>;

/** A run record as the engine saves it. */
export function runRecord(id: string, status: RunRecord["status"] = "succeeded"): RunRecord {
  return {
    id,
    status,
    parameters: { dataset: "weather", source: "synthetic", from: "2024-11-24", to: "2024-11-30", locations: [{ name: "Paris", latitude: 48.85, longitude: 2.35 }], variables: ["temperature_2m"], skipIngest: false },
    startedAt: "2024-11-25T10:00:00.000Z",
    steps: RUN_STEPS.map((name) => ({ name, status: "succeeded" as const })),
  };
}

/** RunStore behaviours (ObjectRunStore over any ObjectStore). */
export function describeRunStoreContract(adapter: string, fixture: RunStoreFixture): void {
  describe(`RunStore contract: ${adapter}`, () => {
    it("returns a saved run as saved, and the latest save wins", async () => {
      const { runStore, cleanup } = await fixture();
      try {
        // Prepare
        const run = runRecord("r20241125t100000z-0001", "running");
        await runStore.save(run);
        // Act
        await runStore.save({ ...run, status: "dq_failed", dq: { gate: "FAIL", score: 0.5, failedRules: ["RowCount > 0 → FAIL"] } });
        // Assess
        expect(await runStore.get(run.id)).toEqual({ ...run, status: "dq_failed", dq: { gate: "FAIL", score: 0.5, failedRules: ["RowCount > 0 → FAIL"] } });
        expect(await runStore.get("r20241125t100000z-ffff")).toBeUndefined();
      } finally {
        await cleanup();
      }
    });

    it("lists runs newest first with limit and offset", async () => {
      const { runStore, cleanup } = await fixture();
      try {
        // Prepare
        for (const id of ["r20241125t100000z-0001", "r20241126t100000z-0002", "r20241124t100000z-0003"]) await runStore.save(runRecord(id));
        // Act
        const all = await runStore.list();
        const page = await runStore.list({ limit: 1, offset: 1 });
        // Assess
        expect(all.map((r) => r.id)).toEqual(["r20241126t100000z-0002", "r20241125t100000z-0001", "r20241124t100000z-0003"]);
        expect(page.map((r) => r.id)).toEqual(["r20241125t100000z-0001"]);
      } finally {
        await cleanup();
      }
    });

    it("keeps a run's DQ report beside it, and refuses a malformed run id", async () => {
      const { runStore, cleanup } = await fixture();
      try {
        // Act
        await runStore.saveReport("r20241125t100000z-0001", { gate: "PASS", RuleResults: [] });
        // Assess
        expect(await runStore.getReport("r20241125t100000z-0001")).toEqual({ gate: "PASS", RuleResults: [] });
        expect(await runStore.getReport("r20241125t100000z-0002")).toBeUndefined();
        await expect(runStore.get("../../etc/passwd")).rejects.toBeInstanceOf(InvalidRunIdError);
      } finally {
        await cleanup();
      }
    });
  });
}
