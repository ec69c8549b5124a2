import type { ObjectStore } from "../lake/object-store";
import type { CutShortIngest } from "../ingest/journal";
import type { ObjectInfo } from "../lake/object-store";
import type { QuarantinedObject } from "./raw-manifest";
import { InvalidRunIdError } from "./run-store";
import { RUN_ID_RE } from "./run-record";

/**
 * What the steps of one run hand each other. Plain JSON: a run executed step by step (one Lambda
 * invocation per step) keeps it in the run state store between steps.
 */
export interface RunState {
  /** Earlier ingests cut short, handed over when the run started (the ingest step reports them). */
  cutShort: CutShortIngest[];
  /** Production's version when the run started. */
  current?: string;
  /** Objects read into the stage (readable, not quarantined). */
  staged: ObjectInfo[];
  /** Every new object the run saw (staged or set aside). */
  seen: string[];
  unreadable: QuarantinedObject[];
  months: string[];
  /** The version production is merged from (incremental), if any. */
  base?: string;
  upToDate: boolean;
  /** Cursors and consumed window once `seen` is consumed (the crawl's raw batch works them out). */
  next?: { cursors: Record<string, string>; consumed: string[] };
}

/**
 * What a run executed step by step hands from one step to the next (`_sluice/runs/<id>/state.json`
 * next to its record), through the ObjectStore port. Removed when the run finishes.
 */
export class RunStateStore {
  constructor(
    private readonly store: ObjectStore,
    private readonly bucket: string,
    private readonly prefix = "_sluice/runs/",
  ) {}

  async save(runId: string, state: RunState): Promise<void> {
    await this.store.put(this.bucket, this.key(runId), JSON.stringify(state));
  }

  async load(runId: string): Promise<RunState | undefined> {
    const key = this.key(runId);
    if (!(await this.store.exists(this.bucket, key))) return undefined;
    return JSON.parse(Buffer.from(await this.store.get(this.bucket, key)).toString("utf8")) as RunState;
  }

  async delete(runId: string): Promise<void> {
    await this.store.delete(this.bucket, this.key(runId));
  }

  private key(runId: string): string {
    if (!RUN_ID_RE.test(runId)) throw new InvalidRunIdError(runId);
    return `${this.prefix}${runId}/state.json`;
  }
}
