import { ObjectNotFoundError } from "../lake/object-store";
import type { ObjectStore } from "../lake/object-store";

/**
 * Where an incremental ingest left off: per (dataset, source), per subject, the latest measurement
 * time that was really delivered. A scheduled producer asks the source only for what comes after it
 * (minus the dataset's overlap), so an hour is no longer collected 48 times.
 */
export interface CursorStore {
  /** Subject → the latest delivered measurement time (UTC ISO-8601); a subject never delivered is absent. */
  read(dataset: string, source: string): Promise<Readonly<Record<string, string>>>;
  /** Moves the named subjects' cursors to these times; a time earlier than the stored one is ignored (cursors never go back). */
  advance(dataset: string, source: string, delivered: Readonly<Record<string, string>>): Promise<void>;
}

/** A cursor object that is not what sluice writes (hand-edited, truncated): named, with the reason. */
export class CursorFileError extends Error {
  override readonly name = "CursorFileError";
  constructor(
    /** The object's file on the twin, its s3:// address on AWS. */
    readonly location: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cursor ${location} is unreadable: ${reason}; fix or delete it (the next scheduled ingest then starts from yesterday)`, options);
  }
}

/** A reset that names what has no cursor. */
export class CursorResetError extends Error {
  override readonly name = "CursorResetError";
}

/** One (dataset, source)'s cursors, as listed. */
export interface CursorListing {
  readonly dataset: string;
  readonly source: string;
  readonly subjects: Readonly<Record<string, { readonly lastTime: string; readonly updatedAt: string }>>;
}

/** The body of one cursor object. */
interface CursorDocument {
  readonly dataset: string;
  readonly source: string;
  readonly subjects: Record<string, { readonly lastTime: string; readonly updatedAt: string }>;
}

/** Where the cursors live in the processed bucket (the producers' IAM policy is narrowed to it, per dataset). */
export const CURSOR_PREFIX = "_sluice/cursors/";

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

/**
 * The cursors as one small JSON object per (dataset, source) under `_sluice/cursors/` of the
 * processed bucket, through the ObjectStore port: on the twin a file of the lake written atomically
 * (`FsObjectStore`: temp file, then rename), on AWS an S3 object (`S3ObjectStore`). One producer
 * runs per dataset schedule, so a read-modify-write needs no lock; a lost race only re-fetches hours.
 */
export class ObjectCursorStore implements CursorStore {
  constructor(
    private readonly store: ObjectStore,
    private readonly bucket: string,
    private readonly prefix = CURSOR_PREFIX,
    private readonly now: () => number = Date.now,
  ) {}

  /** The object key of a dataset's source's cursors. */
  keyOf(dataset: string, source: string): string {
    return `${this.prefix}${dataset}/${source}.json`;
  }

  async read(dataset: string, source: string): Promise<Readonly<Record<string, string>>> {
    const document = await this.load(dataset, source);
    return Object.fromEntries(Object.entries(document?.subjects ?? {}).map(([subject, cursor]) => [subject, cursor.lastTime]));
  }

  async advance(dataset: string, source: string, delivered: Readonly<Record<string, string>>): Promise<void> {
    const entries = Object.entries(delivered);
    if (entries.length === 0) return;
    for (const [subject, time] of entries) {
      if (!ISO.test(time)) throw new Error(`cursor of ${dataset}/${source} subject "${subject}": expected a UTC time like 2024-11-24T13:00:00Z, got ${JSON.stringify(time)}`);
    }
    const document = (await this.load(dataset, source)) ?? { dataset, source, subjects: {} };
    const subjects = { ...document.subjects };
    const updatedAt = new Date(this.now()).toISOString();
    let changed = false;
    for (const [subject, time] of entries) {
      const stored = subjects[subject]?.lastTime;
      if (stored !== undefined && Date.parse(stored) >= Date.parse(time)) continue;
      subjects[subject] = { lastTime: time, updatedAt };
      changed = true;
    }
    if (!changed) return;
    await this.store.put(this.bucket, this.keyOf(dataset, source), JSON.stringify({ dataset, source, subjects } satisfies CursorDocument, null, 2) + "\n");
  }

  /** Every cursor of the bucket, per dataset and source (what `sluice cursors` lists). */
  async list(): Promise<CursorListing[]> {
    const listings: CursorListing[] = [];
    for (const object of await this.store.list(this.bucket, this.prefix)) {
      const match = /^([^/]+)\/([^/]+)\.json$/.exec(object.key.slice(this.prefix.length));
      if (!match) continue;
      const document = await this.load(match[1]!, match[2]!);
      if (document) listings.push({ dataset: document.dataset, source: document.source, subjects: document.subjects });
    }
    return listings.sort((a, b) => `${a.dataset}/${a.source}`.localeCompare(`${b.dataset}/${b.source}`));
  }

  /**
   * Forgets the cursors of `subjects` (all of them when undefined): the next scheduled ingest asks
   * those subjects from yesterday again. A subject that has no cursor is an error naming those that do.
   */
  async reset(dataset: string, source: string, subjects?: readonly string[]): Promise<string[]> {
    const document = await this.load(dataset, source);
    const known = Object.keys(document?.subjects ?? {});
    if (!document || known.length === 0) throw new CursorResetError(`${dataset}/${source} has no cursors`);
    const unknown = (subjects ?? []).filter((s) => !known.includes(s));
    if (unknown.length > 0) throw new CursorResetError(`${dataset}/${source} has no cursor for ${unknown.map((s) => `"${s}"`).join(", ")}; its subjects: ${known.join(", ")}`);
    const removed = subjects ? [...new Set(subjects)] : known;
    const kept = Object.fromEntries(Object.entries(document.subjects).filter(([subject]) => !removed.includes(subject)));
    const key = this.keyOf(dataset, source);
    if (Object.keys(kept).length === 0) await this.store.delete(this.bucket, key);
    else await this.store.put(this.bucket, key, JSON.stringify({ dataset, source, subjects: kept } satisfies CursorDocument, null, 2) + "\n");
    return removed;
  }

  private async load(dataset: string, source: string): Promise<CursorDocument | undefined> {
    const key = this.keyOf(dataset, source);
    // Listed before it is read: a producer may list only its own cursor prefix, and without
    // s3:ListBucket S3 answers a GetObject of a key not written yet with 403, not 404.
    if (!(await this.store.list(this.bucket, key)).some((object) => object.key === key)) return undefined;
    let text: string;
    try {
      text = Buffer.from(await this.store.get(this.bucket, key)).toString("utf8");
    } catch (error) {
      if (error instanceof ObjectNotFoundError) return undefined;
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new CursorFileError(this.store.locationOf(this.bucket, key), "not JSON", { cause: error });
    }
    const subjects = (parsed as { subjects?: unknown } | null)?.subjects;
    if (typeof subjects !== "object" || subjects === null || Array.isArray(subjects)) throw new CursorFileError(this.store.locationOf(this.bucket, key), `expected { "subjects": { "<subject>": { "lastTime": "…" } } }`);
    for (const [subject, cursor] of Object.entries(subjects as Record<string, unknown>)) {
      const lastTime = (cursor as { lastTime?: unknown } | null)?.lastTime;
      if (typeof lastTime !== "string" || !ISO.test(lastTime)) throw new CursorFileError(this.store.locationOf(this.bucket, key), `subject "${subject}" has no lastTime like 2024-11-24T13:00:00Z`);
    }
    return { dataset, source, subjects: subjects as CursorDocument["subjects"] };
  }
}
