import { link, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { LockHolder, RunLock } from "../run/run-lock";
import { RunInProgressError } from "../run/run-lock";

/**
 * The twin's run lock: a file created with O_EXCL holding the run id and pid. A lock whose process
 * is gone (a run killed mid-way) is stale: the next run takes it over and reports the dead run.
 */
export class FsRunLock implements RunLock {
  constructor(private readonly path: string) {}

  async acquire(runId: string): Promise<{ release(): Promise<void>; stale?: LockHolder }> {
    await mkdir(dirname(this.path), { recursive: true });
    let stale: LockHolder | undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      // Write the holder to a private file, then link it into place: link() fails if the lock
      // exists, so no reader ever sees a lock file without its holder.
      const holder: LockHolder = { runId, since: new Date().toISOString(), pid: process.pid };
      const tmp = `${this.path}.${process.pid}.${runId}`;
      await writeFile(tmp, JSON.stringify(holder));
      try {
        await link(tmp, this.path);
        return { release: () => rm(this.path, { force: true }), stale };
      } catch (error) {
        if ((error as { code?: string }).code !== "EEXIST") throw error;
        const current = await this.holder();
        if (current && isAlive(current.pid)) throw new RunInProgressError(current.runId, current.since);
        stale = current;
        await rm(this.path, { force: true });
      } finally {
        await rm(tmp, { force: true });
      }
    }
    const current = await this.holder();
    throw new RunInProgressError(current?.runId ?? "unknown", current?.since ?? "unknown");
  }

  async holder(): Promise<LockHolder | undefined> {
    try {
      return JSON.parse(await readFile(this.path, "utf8")) as LockHolder;
    } catch {
      return undefined;
    }
  }
}

function isAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === "EPERM";
  }
}
