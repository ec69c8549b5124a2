/**
 * Concurrent reads of the same thing share one read: a call whose key has a read in flight gets
 * that read's promise instead of starting another (ten concurrent API requests binding one table
 * make one check of its folders, not ten). A writer calls `forget()` once its write is done, so
 * that a read asked for after the write never joins one that started before it.
 */
export class SingleFlight<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  run(key: string, read: () => Promise<T>): Promise<T> {
    const current = this.inFlight.get(key);
    if (current) return current;
    const started = read().finally(() => {
      if (this.inFlight.get(key) === started) this.inFlight.delete(key);
    });
    this.inFlight.set(key, started);
    return started;
  }

  /** Reads from now on start afresh (this process just wrote). */
  forget(): void {
    this.inFlight.clear();
  }
}
