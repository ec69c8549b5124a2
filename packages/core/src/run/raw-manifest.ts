import type { ObjectStore } from "../lake/object-store";
import { ObjectNotFoundError } from "../lake/object-store";

/** A raw object kept out of production, and why. */
export interface QuarantinedObject {
  readonly key: string;
  /** `dq: <failed rules>` for a failed gate; what could not be read (and on which line) otherwise. */
  readonly reason: string;
}

/** The raw objects one run set aside. */
export interface QuarantineEntry {
  readonly runId: string;
  readonly at: string;
  /** `dq`: a blocking rule failed on the batch; `unreadable`: the object itself cannot be read. */
  readonly kind: "dq" | "unreadable";
  readonly failedRules?: readonly string[];
  readonly objects: readonly QuarantinedObject[];
  /** Set by `sluice quarantine release`: the objects are read again by the next run. */
  releasedAt?: string;
}

/**
 * What the run engine has consumed from a dataset's raw prefix. Raw objects are listed per
 * first-level partition folder (`weather/location=Paris/`): every key up to its folder's cursor
 * is consumed (or quarantined); keys after the cursor that are in `consumed` are too. So a run
 * lists only the newest arrival hours, and the manifest stays as small as that window.
 */
export interface RawManifest {
  readonly format: 1;
  readonly dataset: string;
  /** Folder → S3 `StartAfter` for the next listing. */
  cursors: Record<string, string>;
  /** Keys after their folder's cursor already consumed (or quarantined). */
  consumed: string[];
  quarantine: QuarantineEntry[];
  /** Released quarantined keys the next run reads again. */
  released: string[];
  /**
   * What a run consumes once its version is production. Written before the view switch and
   * committed after it; a run killed in between is settled by the next one from the view.
   */
  pending?: PendingConsumption;
  /** The run that last changed the manifest. */
  runId?: string;
  /** The version the last committed publish made production: a run merges into it only while production still reads it. */
  publishedVersion?: string;
  updatedAt?: string;
}

/** The manifest a run leaves when its publish is committed. */
export interface PendingConsumption {
  readonly runId: string;
  readonly cursors: Record<string, string>;
  readonly consumed: string[];
  readonly released: string[];
}

/** A manifest object that is not what sluice writes (hand-edited, torn by another tool). */
export class InvalidManifestError extends Error {
  override readonly name = "InvalidManifestError";
  constructor(
    readonly location: string,
    reason: string,
  ) {
    super(`the raw manifest ${location} cannot be read: ${reason}; move it away and run with --full-refresh`);
  }
}

/** Manifests as JSON objects in the processed bucket (`_sluice/state/<dataset>/raw-manifest.json`); one S3 PUT is atomic. */
export class ManifestStore {
  constructor(
    private readonly store: ObjectStore,
    private readonly bucket: string,
    private readonly prefix = "_sluice/state/",
  ) {}

  /** The dataset's manifest, or undefined when no run has consumed anything yet. */
  async load(dataset: string): Promise<RawManifest | undefined> {
    let body: Uint8Array;
    try {
      body = await this.store.get(this.bucket, this.key(dataset));
    } catch (error) {
      if (error instanceof ObjectNotFoundError) return undefined;
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(body).toString("utf8"));
    } catch (error) {
      throw new InvalidManifestError(this.location(dataset), error instanceof Error ? error.message : String(error));
    }
    const manifest = parsed as Partial<RawManifest>;
    if (manifest.format !== 1 || manifest.dataset !== dataset || typeof manifest.cursors !== "object" || !Array.isArray(manifest.consumed) || !Array.isArray(manifest.quarantine)) {
      throw new InvalidManifestError(this.location(dataset), "unexpected shape");
    }
    return { released: [], ...manifest } as RawManifest;
  }

  async save(manifest: RawManifest): Promise<void> {
    await this.store.put(this.bucket, this.key(manifest.dataset), JSON.stringify(manifest, null, 1));
  }

  /** `s3://bucket/key` of a dataset's manifest (for messages). */
  location(dataset: string): string {
    return `s3://${this.bucket}/${this.key(dataset)}`;
  }

  private key(dataset: string): string {
    return `${this.prefix}${dataset}/raw-manifest.json`;
  }
}

/** An empty manifest for a dataset. */
export function emptyManifest(dataset: string): RawManifest {
  return { format: 1, dataset, cursors: {}, consumed: [], quarantine: [], released: [] };
}

/** Keys quarantined and not released: never read again, not even by a full refresh. */
export function quarantinedKeys(manifest: RawManifest | undefined): Set<string> {
  const out = new Set<string>();
  for (const entry of manifest?.quarantine ?? []) if (!entry.releasedAt) for (const object of entry.objects) out.add(object.key);
  return out;
}
