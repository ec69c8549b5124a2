import { link, mkdir, readFile, readdir, rename, rm, rmdir, stat, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { ProcessIdentity, ProcessProbe } from "../ingest/journal";
import { lakeWriteError, pidAlive, sweepOrphanedTemps, tempPathOf } from "../lake/atomic-write";
import type { LockHolder, RunLock } from "../run/run-lock";
import { RunInProgressError } from "../run/run-lock";

/** A lock older than this is abandoned whoever holds it: far past any real run of the twin. */
export const DEFAULT_LOCK_MAX_AGE_MS = 6 * 60 * 60 * 1000;

/** A takeover guard older than this was left by a process that died while taking over. */
const GUARD_STALE_MS = 10_000;

/** Options of `FsRunLock`. */
export interface FsRunLockOptions {
  /** A lock acquired longer ago than this is taken over even if its holder looks alive (default 6 h). */
  readonly maxAgeMs?: number;
}

/**
 * What the twin's lock file records: enough to tell a dead holder from a live one across pid reuse
 * and reboots. `since` is when the lock was acquired.
 */
export interface FsLockHolder extends LockHolder {
  readonly host?: string;
  /** /proc/sys/kernel/random/boot_id of the holder's boot, where readable. */
  readonly bootId?: string;
  /** The holder's process start time in clock ticks since boot (/proc/<pid>/stat field 22). */
  readonly startTime?: number;
}

/**
 * The twin's run lock: a file holding the run id and its process's identity (pid, host, boot id,
 * start time). It is created atomically (a private file linked into place: link() fails with
 * EEXIST if the lock exists, and no reader sees a lock without its holder). A lock whose holder is
 * dead (a run killed mid-way) or older than `maxAgeMs` is stale: the next run takes it over and
 * reports the dead run. Takeover happens only while holding a guard directory created with mkdir
 * (atomic): the taker re-reads the lock under the guard and replaces it with rename() (atomic), so
 * of several processes racing for one stale lock exactly one wins.
 */
export class FsRunLock implements RunLock {
  private readonly maxAgeMs: number;
  private readonly guard: string;

  constructor(
    private readonly path: string,
    options: FsRunLockOptions = {},
  ) {
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_LOCK_MAX_AGE_MS;
    this.guard = `${path}.takeover`;
  }

  async acquire(runId: string): Promise<{ release(): Promise<void>; stale?: LockHolder }> {
    const holder = await ownHolder(runId);
    // Named as every temp file of the lake is, so that the sweep below knows a dead writer's.
    const tmp = tempPathOf(this.path);
    const lease = { release: () => this.release(holder) };
    try {
      try {
        await mkdir(dirname(this.path), { recursive: true });
        // A process killed between writing its private file and removing it left that file here.
        await sweepOrphanedTemps(dirname(this.path), await readdir(dirname(this.path)));
        await writeFile(tmp, JSON.stringify(holder));
      } catch (error) {
        throw lakeWriteError(tmp, error);
      }
      for (let attempt = 0; attempt < 200; attempt++) {
        try {
          await link(tmp, this.path);
          return lease;
        } catch (error) {
          if (codeOf(error) !== "EEXIST") throw error;
        }
        const current = await this.read();
        if (current === undefined) continue; // released meanwhile: try again
        if (current.holder && !(await isDead(current.holder, this.maxAgeMs))) {
          throw new RunInProgressError(current.holder.runId, current.holder.since);
        }
        if (!(await this.takeGuard())) continue;
        try {
          // Under the guard nobody else replaces the lock: if it is still the stale one we read,
          // replace it in one step (rename over it) so no other process can slip in between.
          const again = await this.read();
          if (again === undefined || again.text !== current.text) continue;
          await rename(tmp, this.path);
          return current.holder ? { ...lease, stale: current.holder } : lease;
        } finally {
          await rmdir(this.guard).catch(() => undefined);
        }
      }
      const current = await this.holder();
      throw new RunInProgressError(current?.runId ?? "unknown", current?.since ?? "unknown");
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async holder(): Promise<FsLockHolder | undefined> {
    return (await this.read())?.holder;
  }

  async releaseHeldBy(runId: string): Promise<void> {
    const guarded = await this.takeGuard(GUARD_STALE_MS + 1_000);
    try {
      const current = await this.read();
      if (current?.holder?.runId === runId) await rm(this.path, { force: true });
    } finally {
      if (guarded) await rmdir(this.guard).catch(() => undefined);
    }
  }

  /** Removes the lock if it is still ours (a lock taken over as abandoned is someone else's now). */
  private async release(own: FsLockHolder): Promise<void> {
    const guarded = await this.takeGuard(GUARD_STALE_MS + 1_000);
    try {
      const current = await this.read();
      if (current?.holder && current.holder.runId === own.runId && current.holder.pid === own.pid) await rm(this.path, { force: true });
    } finally {
      if (guarded) await rmdir(this.guard).catch(() => undefined);
    }
  }

  /** The lock file's text and holder (holder undefined when the file is unreadable JSON); undefined when absent. */
  private async read(): Promise<{ text: string; holder?: FsLockHolder } | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      if (codeOf(error) === "ENOENT") return undefined;
      throw error;
    }
    try {
      const holder = JSON.parse(text) as FsLockHolder;
      return typeof holder?.runId === "string" ? { text, holder } : { text };
    } catch {
      return { text };
    }
  }

  /** Creates the takeover guard (mkdir is atomic); removes a guard left by a dead taker. */
  private async takeGuard(waitMs = 50): Promise<boolean> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      try {
        await mkdir(this.guard);
        return true;
      } catch (error) {
        if (codeOf(error) !== "EEXIST") throw error;
      }
      const since = await stat(this.guard).then(
        (s) => s.mtimeMs,
        () => undefined,
      );
      if (since !== undefined && Date.now() - since > GUARD_STALE_MS) await rmdir(this.guard).catch(() => undefined);
      if (Date.now() >= deadline) return false;
      await sleep(2 + Math.random() * 8);
    }
  }
}

/** This process as a lock holder. */
async function ownHolder(runId: string): Promise<FsLockHolder> {
  return { runId, since: new Date().toISOString(), ...(await processIdentity()) };
}

/** This process: pid, host, boot id and start time (what tells it from a later one with its pid). */
export async function processIdentity(): Promise<ProcessIdentity> {
  const [bootId, startTime] = await Promise.all([currentBootId(), processStartTime(process.pid)]);
  return {
    pid: process.pid,
    host: hostname(),
    ...(bootId ? { bootId } : {}),
    ...(startTime !== undefined ? { startTime } : {}),
  };
}

/** Liveness of processes on this host, by the lock's rules (an identity older than the lock's age limit is dead). */
export const localProcessProbe: ProcessProbe = {
  self: processIdentity,
  isDead: (identity, since) => isDead({ runId: "", since, ...identity }, DEFAULT_LOCK_MAX_AGE_MS),
};

/**
 * Whether the holder is certainly gone: older than `maxAgeMs`; or on this host and its pid is not
 * alive, or this machine booted since, or the pid now belongs to a process started at another time
 * (pid reuse). A holder on another host is alive until its lock ages out.
 */
export async function isDead(holder: FsLockHolder, maxAgeMs: number): Promise<boolean> {
  const since = Date.parse(holder.since);
  if (Number.isNaN(since) || Date.now() - since > maxAgeMs) return true;
  if (holder.host !== undefined && holder.host !== hostname()) return false;
  if (!holder.pid || !pidAlive(holder.pid)) return true;
  const bootId = await currentBootId();
  if (holder.bootId && bootId && holder.bootId !== bootId) return true;
  if (holder.startTime !== undefined) {
    const live = await processStartTime(holder.pid);
    if (live !== undefined && live !== holder.startTime) return true;
  }
  return false;
}

async function currentBootId(): Promise<string | undefined> {
  try {
    return (await readFile("/proc/sys/kernel/random/boot_id", "utf8")).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Field 22 of /proc/<pid>/stat (start time, clock ticks after boot); undefined off Linux. */
export async function processStartTime(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    // Field 2 is "(comm)" and comm may hold spaces or parentheses: count from the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const value = Number(fields[22 - 3]);
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function codeOf(error: unknown): string | undefined {
  return (error as { code?: string }).code;
}
