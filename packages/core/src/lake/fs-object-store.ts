import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { copyFile, mkdir, readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { InvalidObjectKeyError, ListOptions, ObjectInfo, ObjectNotFoundError, ObjectStore } from "./object-store";

/**
 * The local twin of S3: bucket = folder under the lake root, key = relative path.
 * Keys are checked so that no `..`, absolute path or empty segment can leave the bucket.
 */
export class FsObjectStore implements ObjectStore {
  constructor(readonly root: string) {}

  /** The filesystem path of an object (DuckDB reads the twin's objects from here). */
  pathOf(bucket: string, key: string): string {
    checkSegment(bucket, "bucket");
    checkKey(key);
    return join(this.root, bucket, ...key.split("/"));
  }

  /** Writes a temporary file and renames it into place: like an S3 PUT, readers see all or nothing. */
  async put(bucket: string, key: string, body: Uint8Array | string): Promise<void> {
    const path = this.pathOf(bucket, key);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.${++tmpCounter}.tmp`;
    await writeFile(tmp, body);
    await rename(tmp, path);
  }

  /** Synchronous put (small-file writes dominate ingest and the sync path is faster, PLATFORM.md); atomic too. */
  putSync(bucket: string, key: string, body: Uint8Array | string): void {
    const path = this.pathOf(bucket, key);
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.${++tmpCounter}.tmp`;
    writeFileSync(tmp, body);
    renameSync(tmp, path);
  }

  async get(bucket: string, key: string): Promise<Uint8Array> {
    try {
      return await readFile(this.pathOf(bucket, key));
    } catch (error) {
      if (isNotFound(error)) throw new ObjectNotFoundError(bucket, key);
      throw error;
    }
  }

  async exists(bucket: string, key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(bucket, key))).isFile();
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async list(bucket: string, prefix: string, options: ListOptions = {}): Promise<ObjectInfo[]> {
    checkSegment(bucket, "bucket");
    const bucketDir = join(this.root, bucket);
    // Walk only the deepest directory the prefix names completely, then filter by the prefix.
    const slash = prefix.lastIndexOf("/");
    const dirPart = slash >= 0 ? prefix.slice(0, slash) : "";
    if (dirPart) checkKey(dirPart);
    const start = dirPart ? join(bucketDir, ...dirPart.split("/")) : bucketDir;
    const out: ObjectInfo[] = [];
    await walk(start, bucketDir, prefix, out);
    const after = options.startAfter;
    return (after === undefined ? out : out.filter((o) => o.key > after)).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async listPrefixes(bucket: string, prefix: string): Promise<string[]> {
    checkSegment(bucket, "bucket");
    const slash = prefix.lastIndexOf("/");
    const dirPart = slash >= 0 ? prefix.slice(0, slash) : "";
    if (dirPart) checkKey(dirPart);
    let entries;
    try {
      entries = await readdir(dirPart ? join(this.root, bucket, ...dirPart.split("/")) : join(this.root, bucket), { withFileTypes: true });
    } catch (error) {
      if (isNotFound(error)) return [];
      throw error;
    }
    const base = dirPart ? `${dirPart}/` : "";
    return entries
      .filter((e) => e.isDirectory())
      .map((e) => `${base}${e.name}/`)
      .filter((p) => p.startsWith(prefix))
      .sort();
  }

  async copy(fromBucket: string, fromKey: string, toBucket: string, toKey: string): Promise<void> {
    const target = this.pathOf(toBucket, toKey);
    await mkdir(dirname(target), { recursive: true });
    try {
      await copyFile(this.pathOf(fromBucket, fromKey), target);
    } catch (error) {
      if (isNotFound(error)) throw new ObjectNotFoundError(fromBucket, fromKey);
      throw error;
    }
  }

  async delete(bucket: string, key: string): Promise<void> {
    await rm(this.pathOf(bucket, key), { force: true });
  }

  async deletePrefix(bucket: string, prefix: string): Promise<number> {
    const objects = await this.list(bucket, prefix);
    for (const object of objects) await this.delete(bucket, object.key);
    return objects.length;
  }
}

async function walk(dir: string, bucketDir: string, prefix: string, out: ObjectInfo[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (isNotFound(error)) return;
    throw error;
  }
  // Sub-folders and sizes concurrently (list() sorts the keys at the end).
  await Promise.all(
    entries.map(async (entry) => {
      const path = join(dir, entry.name);
      const key = relative(bucketDir, path).split(sep).join("/");
      if (entry.isDirectory()) {
        if (key.startsWith(prefix) || prefix.startsWith(key + "/")) await walk(path, bucketDir, prefix, out);
      } else if (entry.isFile() && key.startsWith(prefix) && !IN_FLIGHT_RE.test(entry.name)) {
        out.push({ key, size: (await stat(path)).size });
      }
    }),
  );
}

let tmpCounter = 0;
/** A put still being written: S3 lists an object only once its PUT has completed. */
const IN_FLIGHT_RE = /\.\d+\.\d+\.tmp$/;

function checkKey(key: string): void {
  if (key.length === 0) throw new InvalidObjectKeyError(key, "empty key");
  if (key.startsWith("/")) throw new InvalidObjectKeyError(key, "absolute keys are not allowed");
  for (const segment of key.split("/")) checkSegment(segment, "key");
}

function checkSegment(segment: string, what: string): void {
  if (segment === "" || segment === "." || segment === "..") {
    throw new InvalidObjectKeyError(segment, `${what} has an empty, "." or ".." segment`);
  }
  if (segment.includes("\\") || segment.includes("\0")) {
    throw new InvalidObjectKeyError(segment, `${what} contains a backslash or NUL`);
  }
}

function isNotFound(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "ENOENT";
}
