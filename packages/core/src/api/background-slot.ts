/**
 * The one task a launcher runs in the background (a run, a back-fill): which, since when, how to
 * stop it and when it has ended. Claimed synchronously, so two requests in the same tick cannot
 * both take it.
 */
export class BackgroundSlot {
  private task?: { readonly id: string; readonly since: string; readonly done: Promise<void>; readonly stop: AbortController };

  /** The task under way, if any. */
  get current(): { readonly id: string; readonly since: string } | undefined {
    return this.task;
  }

  /** Takes the slot for `id` (the caller checked `current` first); `release` frees it once the task ended. */
  claim(id: string, since: string): { readonly signal: AbortSignal; release(): void } {
    if (this.task) throw new Error(`the background slot is taken by ${this.task.id}`);
    const stop = new AbortController();
    let settle!: () => void;
    const task = { id, since, done: new Promise<void>((resolve) => (settle = resolve)), stop };
    this.task = task;
    return {
      signal: stop.signal,
      release: () => {
        if (this.task === task) this.task = undefined;
        settle();
      },
    };
  }

  /** Aborts the task under way with `reason`; resolves with its id once it ended. */
  async stop(reason: string): Promise<string | undefined> {
    const task = this.task;
    if (!task) return undefined;
    task.stop.abort(reason);
    await task.done;
    return task.id;
  }

  /** Resolves when the task under way, if any, has ended. */
  settled(): Promise<void> {
    return this.task?.done ?? Promise.resolve();
  }
}
