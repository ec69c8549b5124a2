import { describe, expect, it } from "vitest";
import type { RunLock } from "../../packages/core/src/run/run-lock";
import { RunInProgressError } from "../../packages/core/src/run/run-lock";

/** A fresh lock, a way to plant a lock whose holder is dead (stale), and cleanup. */
export type RunLockFixture = () => Promise<{ lock: RunLock; plantStale(runId: string): Promise<void>; cleanup(): Promise<void> }>;

/**
 * The RunLock behaviours every adapter must have. What makes a lock stale differs legitimately:
 * on the twin the holder's process is gone; on S3 (where a Lambda cannot see another's process)
 * the lock is older than its TTL.
 */
export function describeRunLockContract(adapter: string, fixture: RunLockFixture): void {
  describe(`RunLock contract: ${adapter}`, () => {
    it("lets one run in and refuses a second with RunInProgressError naming the holder", async () => {
      const { lock, cleanup } = await fixture();
      try {
        // Act
        const lease = await lock.acquire("r20241125t100000z-0001");
        const refused = await lock.acquire("r20241125t100500z-0002").catch((e: unknown) => e);
        // Assess
        expect(lease.stale).toBeUndefined();
        expect(refused).toBeInstanceOf(RunInProgressError);
        expect((refused as RunInProgressError).runningId).toBe("r20241125t100000z-0001");
        expect((await lock.holder())?.runId).toBe("r20241125t100000z-0001");
      } finally {
        await cleanup();
      }
    });

    it("is free again after release, for the next run", async () => {
      const { lock, cleanup } = await fixture();
      try {
        // Prepare
        const first = await lock.acquire("r20241125t100000z-0001");
        // Act
        await first.release();
        const holderAfter = await lock.holder();
        const second = await lock.acquire("r20241125t100500z-0002");
        // Assess
        expect(holderAfter).toBeUndefined();
        expect((await lock.holder())?.runId).toBe("r20241125t100500z-0002");
        await second.release();
      } finally {
        await cleanup();
      }
    });

    it("is released by the run id that holds it, from another lock object, and never for another run", async () => {
      const { lock, cleanup } = await fixture();
      try {
        // Prepare: a run executed step by step acquires in one invocation and releases in another
        await lock.acquire("r20241125t100000z-0001");
        // Act
        await lock.releaseHeldBy("r20241125t100500z-0002");
        const afterOther = (await lock.holder())?.runId;
        await lock.releaseHeldBy("r20241125t100000z-0001");
        // Assess
        expect(afterOther).toBe("r20241125t100000z-0001");
        expect(await lock.holder()).toBeUndefined();
      } finally {
        await cleanup();
      }
    });

    it("takes over a stale lock and reports the run that held it", async () => {
      const { lock, plantStale, cleanup } = await fixture();
      try {
        // Prepare
        await plantStale("r20241124t090000z-dead");
        // Act
        const lease = await lock.acquire("r20241125t100000z-0001");
        // Assess
        expect(lease.stale?.runId).toBe("r20241124t090000z-dead");
        expect((await lock.holder())?.runId).toBe("r20241125t100000z-0001");
        await lease.release();
      } finally {
        await cleanup();
      }
    });
  });
}
