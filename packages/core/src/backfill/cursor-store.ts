import { z } from "zod";
import type { ObjectStore } from "../lake/object-store";
import type { BackfillRequest } from "./chunks";
import { ObjectNotFoundError } from "../lake/object-store";

/** Where a back-fill is: written after every chunk, read when the same back-fill starts again. */
export interface BackfillState extends Pick<BackfillRequest, "dataset" | "source" | "from" | "to" | "variables"> {
  readonly id: string;
  /** The request's subjects by name. */
  readonly subjects: readonly string[];
  readonly chunkDays: number;
  /** Subjects fetched together per chunk (fewer under a tight quota): with `chunkDays`, what the cursor's chunk numbers mean. */
  readonly subjectsPerChunk: number;
  readonly chunks: number;
  /** The cursor: chunks 0 … chunksDone-1 are written to raw. */
  chunksDone: number;
  /** Records delivered by the chunks done. */
  records: number;
  /** `ingesting` until every chunk is written, then `running` the one run, then its outcome. */
  status: "ingesting" | "stopped" | "running" | "succeeded" | "dq_failed" | "failed";
  readonly startedAt: string;
  updatedAt: string;
  /** On AWS: the back-fill state machine's execution started to drive it (the API asks it whether it still runs). */
  executionArn?: string;
  /** The run over the whole range, once started. */
  runId?: string;
  /**
   * The calls that still held weight in a quota window when the cursor was saved (epoch ms of each
   * response): a resumed back-fill counts them, so a restart right after a kill does not spend the
   * same minute's quota twice.
   */
  quotaCalls?: { readonly weight: number; readonly endMs: number }[];
  /** Why the back-fill stopped: the chunk and the error. */
  failure?: { readonly chunk: number; readonly from: string; readonly to: string; readonly message: string };
}

/** The port that keeps back-fill cursors (the lake's processed bucket locally and on S3). */
export interface BackfillCursorStore {
  load(id: string): Promise<BackfillState | undefined>;
  /** Replaces the state at once: a reader sees the old state or the new one, never a part. */
  save(state: BackfillState): Promise<void>;
  /** Every saved back-fill, newest start first. */
  list(): Promise<BackfillState[]>;
}

/** A back-fill cursor that is not what sluice writes (truncated, hand-edited): named, with the reason and the ways out. */
export class BackfillCursorFileError extends Error {
  override readonly name = "BackfillCursorFileError";
  constructor(
    readonly location: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `back-fill cursor ${location} is unreadable: ${reason}. Fix it (chunksDone counts the chunks written), or start the back-fill over with --restart (every chunk is fetched again)`,
      options,
    );
  }
}

/** What a saved cursor must hold for its chunk numbers to mean anything; other fields pass through. */
const SavedState = z
  .object({
    id: z.string(),
    dataset: z.string(),
    source: z.string(),
    from: z.string(),
    to: z.string(),
    subjects: z.array(z.string()),
    variables: z.array(z.string()),
    chunkDays: z.number().int().min(1),
    subjectsPerChunk: z.number().int().min(0),
    chunks: z.number().int().min(0),
    chunksDone: z.number().int().min(0),
    records: z.number().min(0),
    status: z.enum(["ingesting", "stopped", "running", "succeeded", "dq_failed", "failed"]),
    startedAt: z.string(),
    updatedAt: z.string(),
  })
  .passthrough()
  .refine((state) => state.chunksDone <= state.chunks, { message: "chunksDone is more than chunks", path: ["chunksDone"] });

/** Where the back-fill cursors live in the processed bucket (the back-fill runner's IAM policy is narrowed to it). */
export const BACKFILL_PREFIX = "_sluice/backfills/";

/** The suffix of a back-fill's start lock on AWS (the API holds it from the cursor check to StartExecution; its IAM policy may delete only these). */
export const BACKFILL_START_LOCK_SUFFIX = ".start.lock";

/** Where the start lock of back-fill `id` lives in the processed bucket. */
export function backfillStartLockKey(id: string): string {
  return `${BACKFILL_PREFIX}${id}${BACKFILL_START_LOCK_SUFFIX}`;
}

/**
 * Cursors as JSON objects under `_sluice/backfills/` of a bucket: FsObjectStore writes them
 * atomically (a temp file renamed), S3's PutObject replaces an object whole, so one adapter
 * serves the twin and AWS.
 */
export class ObjectStoreBackfillCursors implements BackfillCursorStore {
  constructor(
    private readonly store: ObjectStore,
    private readonly bucket: string,
    private readonly prefix = BACKFILL_PREFIX,
  ) {}

  async load(id: string): Promise<BackfillState | undefined> {
    let body: Uint8Array;
    try {
      body = await this.store.get(this.bucket, this.keyOf(id));
    } catch (error) {
      if (error instanceof ObjectNotFoundError) return undefined;
      throw error;
    }
    const where = this.store.locationOf(this.bucket, this.keyOf(id));
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(body));
    } catch (error) {
      throw new BackfillCursorFileError(where, `not JSON (${(error as Error).message})`, { cause: error });
    }
    const checked = SavedState.safeParse(parsed);
    if (!checked.success) {
      const issue = checked.error.issues[0]!;
      throw new BackfillCursorFileError(where, `${issue.path.join(".") || "the document"}: ${issue.message}`, { cause: checked.error });
    }
    if (checked.data.id !== id) throw new BackfillCursorFileError(where, `it is the cursor of back-fill ${checked.data.id}, not ${id}`);
    return checked.data as BackfillState;
  }

  async save(state: BackfillState): Promise<void> {
    await this.store.put(this.bucket, this.keyOf(state.id), JSON.stringify(state, null, 2) + "\n");
  }

  async list(): Promise<BackfillState[]> {
    // One small object per back-fill, and a lake holds few: each is read (its start time orders them).
    const keys = (await this.store.list(this.bucket, this.prefix)).map((o) => o.key).filter((k) => k.endsWith(".json") && !k.slice(this.prefix.length).includes("/"));
    const states = await Promise.all(keys.map((key) => this.load(key.slice(this.prefix.length, -".json".length))));
    return states.filter((s): s is BackfillState => s !== undefined).sort((a, b) => b.startedAt.localeCompare(a.startedAt) || a.id.localeCompare(b.id));
  }

  private keyOf(id: string): string {
    return `${this.prefix}${id}.json`;
  }
}
