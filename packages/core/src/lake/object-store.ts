/** One stored object, as S3 ListObjectsV2 reports it. */
export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
}

/** Options of `ObjectStore.list`. */
export interface ListOptions {
  /**
   * Only keys strictly greater than this one (S3 ListObjectsV2 `StartAfter`): a reader that
   * remembers the last key it consumed lists only what landed after it.
   */
  readonly startAfter?: string;
}

/**
 * The lake's storage port: S3 semantics (buckets, flat keys, `/` only by convention).
 * `S3ObjectStore` implements it on AWS, `FsObjectStore` on the local twin.
 */
export interface ObjectStore {
  put(bucket: string, key: string, body: Uint8Array | string): Promise<void>;
  /** Reads an object; rejects with `ObjectNotFoundError` when it is absent. */
  get(bucket: string, key: string): Promise<Uint8Array>;
  exists(bucket: string, key: string): Promise<boolean>;
  /** Every object whose key starts with `prefix` (and sorts after `startAfter`), sorted by key. */
  list(bucket: string, prefix: string, options?: ListOptions): Promise<ObjectInfo[]>;
  /**
   * The immediate "sub-folders" of `prefix` that hold at least one object, as full prefixes ending
   * in `/`, sorted (S3 ListObjectsV2 with `Delimiter: "/"`, its `CommonPrefixes`): e.g.
   * `listPrefixes("raw", "weather/")` → `["weather/location=Berlin/", "weather/location=Paris/"]`.
   */
  listPrefixes(bucket: string, prefix: string): Promise<string[]>;
  /** Server-side copy (S3 CopyObject; a file copy on the twin). */
  copy(fromBucket: string, fromKey: string, toBucket: string, toKey: string): Promise<void>;
  delete(bucket: string, key: string): Promise<void>;
  /** Deletes every object under `prefix`; returns how many were deleted. */
  deletePrefix(bucket: string, prefix: string): Promise<number>;
  /** Where an object is, for a message a person acts on: its file on the twin, `s3://bucket/key` on AWS. */
  locationOf(bucket: string, key: string): string;
}

/** An object that is not in the store. */
export class ObjectNotFoundError extends Error {
  override readonly name = "ObjectNotFoundError";
  constructor(
    readonly bucket: string,
    readonly key: string,
  ) {
    super(`no object s3://${bucket}/${key}`);
  }
}

/** A key that S3 would accept but that must never escape the lake on a filesystem. */
export class InvalidObjectKeyError extends Error {
  override readonly name = "InvalidObjectKeyError";
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`invalid object key ${JSON.stringify(key)}: ${reason}`);
  }
}
