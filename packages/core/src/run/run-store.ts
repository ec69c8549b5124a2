import type { ObjectStore } from "../lake/object-store";
import type { RunRecord } from "./run-record";
import { RUN_ID_RE } from "./run-record";

/** A run id that is not well formed (never used to build a key). */
export class InvalidRunIdError extends Error {
  override readonly name = "InvalidRunIdError";
  constructor(readonly runId: string) {
    super(`invalid run id ${JSON.stringify(runId)}: expected e.g. r20261123t121600z-1a2b`);
  }
}

/** Persisted runs and their DQ reports. */
export interface RunStore {
  save(run: RunRecord): Promise<void>;
  get(id: string): Promise<RunRecord | undefined>;
  /** Newest first. */
  list(options?: { limit?: number; offset?: number }): Promise<RunRecord[]>;
  saveReport(id: string, report: unknown): Promise<void>;
  getReport(id: string): Promise<unknown | undefined>;
}

/**
 * Runs kept as JSON objects in the lake (`_sluice/runs/<id>/run.json` and `dq.json` in one bucket),
 * through the ObjectStore port: the same code stores runs on S3 and on the twin.
 */
export class ObjectRunStore implements RunStore {
  constructor(
    private readonly store: ObjectStore,
    private readonly bucket: string,
    private readonly prefix = "_sluice/runs/",
  ) {}

  async save(run: RunRecord): Promise<void> {
    await this.store.put(this.bucket, this.key(run.id, "run.json"), JSON.stringify(run, null, 2));
  }

  async get(id: string): Promise<RunRecord | undefined> {
    return this.read<RunRecord>(this.key(id, "run.json"));
  }

  async list(options: { limit?: number; offset?: number } = {}): Promise<RunRecord[]> {
    const ids = (await this.store.list(this.bucket, this.prefix))
      .map((o) => o.key.slice(this.prefix.length).split("/"))
      .filter((parts) => parts[1] === "run.json" && RUN_ID_RE.test(parts[0]!))
      .map((parts) => parts[0]!)
      .sort()
      .reverse();
    const offset = options.offset ?? 0;
    const page = ids.slice(offset, offset + (options.limit ?? ids.length));
    const runs: RunRecord[] = [];
    for (const id of page) {
      const run = await this.get(id);
      if (run) runs.push(run);
    }
    return runs;
  }

  async saveReport(id: string, report: unknown): Promise<void> {
    await this.store.put(this.bucket, this.key(id, "dq.json"), JSON.stringify(report, null, 2));
  }

  async getReport(id: string): Promise<unknown | undefined> {
    return this.read(this.key(id, "dq.json"));
  }

  private key(id: string, file: string): string {
    if (!RUN_ID_RE.test(id)) throw new InvalidRunIdError(id);
    return `${this.prefix}${id}/${file}`;
  }

  private async read<T>(key: string): Promise<T | undefined> {
    const bucket = this.bucket;
    if (!(await this.store.exists(bucket, key))) return undefined;
    return JSON.parse(Buffer.from(await this.store.get(bucket, key)).toString("utf8")) as T;
  }
}
