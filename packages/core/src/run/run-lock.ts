/** Another run holds the lake. */
export class RunInProgressError extends Error {
  override readonly name = "RunInProgressError";
  constructor(
    readonly runningId: string,
    readonly since: string,
  ) {
    super(`run ${runningId} has been running since ${since}; only one run at a time per lake`);
  }
}

/** Who holds the lock. */
export interface LockHolder {
  readonly runId: string;
  readonly since: string;
  readonly pid?: number;
}

/** One run at a time per lake. `acquire` rejects with RunInProgressError while a live run holds it. */
export interface RunLock {
  acquire(runId: string): Promise<{ release(): Promise<void>; stale?: LockHolder }>;
  holder(): Promise<LockHolder | undefined>;
  /**
   * Releases the lock if `runId` holds it, from any process: a run executed step by step (one
   * Lambda invocation per step) releases it in another invocation than the one that acquired it.
   */
  releaseHeldBy(runId: string): Promise<void>;
}
