import { statSync, type Dirent } from "node:fs";
import { copyFile, mkdir, readFile, readdir, rename, rm, rmdir, stat } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { TEMP_FILE_RE, lakeWriteError, sweepOrphanedTemps, tempPathOf, writeFileAtomic, writeFileAtomicSync } from "./atomic-write";
import { InvalidObjectKeyError, type ListOptions, ObjectInfo, ObjectNotFoundError, ObjectStore } from "./object-store";

/**
 * The local twin of S3: bucket = folder under the lake root, key = relative path.
 * Keys are checked so that no `..`, absolute path or empty segment can leave the bucket.
 */
export class FsObjectStore implements ObjectStore {
  /** Folders read by `list` and `listPrefixes` so far (what listing costs here; benchmarks and tests read it). */
  foldersRead = 0;
  private readonly readFolder = (dir: string): Promise<Dirent[]> => {
    this.foldersRead += 1;
    return readdirOrEmpty(dir);
  };

  constructor(readonly root: string) {}

  /** The filesystem path of an object (DuckDB reads the twin's objects from here). */
  pathOf(bucket: string, key: string): string {
    checkSegment(bucket, "bucket");
    checkKey(key);
    return join(this.root, bucket, ...key.split("/"));
  }

  locationOf(bucket: string, key: string): string {
    return this.pathOf(bucket, key);
  }

  /**
   * Writes a temporary file and renames it into place: like an S3 PUT, readers see all or nothing.
   * A failed write (a full disk) leaves no temporary file and names the path (LakeWriteError).
   */
  async put(bucket: string, key: string, body: Uint8Array | string): Promise<void> {
    await writeFileAtomic(this.pathOf(bucket, key), body);
  }

  /** Synchronous put (small-file writes dominate ingest and the sync path is faster, PLATFORM.md); atomic too. */
  putSync(bucket: string, key: string, body: Uint8Array | string): void {
    writeFileAtomicSync(this.pathOf(bucket, key), body);
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
    const out: ObjectInfo[] = [];
    await walk({ readFolder: this.readFolder, bucketDir: join(this.root, bucket), prefix, startAfter: options.startAfter, out }, this.dirOf(bucket, prefix));
    return sortByKey(out);
  }

  /**
   * `list`, plus a stamp of every folder the listing read (its mtime, taken before reading it):
   * while `unchanged(folders)` holds, the listing would return the same keys, since adding,
   * removing or renaming an entry changes its folder's mtime. The query engine caches table
   * file lists on it.
   */
  async listStamped(bucket: string, prefix: string): Promise<{ objects: ObjectInfo[]; folders: FolderStamp[] }> {
    const out: ObjectInfo[] = [];
    const folders: FolderStamp[] = [];
    const readFolder: ReadFolder = async (dir) => {
      folders.push(await stampOf(dir));
      return this.readFolder(dir);
    };
    await walk({ readFolder, bucketDir: join(this.root, bucket), prefix, out }, this.dirOf(bucket, prefix));
    return { objects: sortByKey(out), folders };
  }

  /**
   * Whether no stamped folder changed. A folder modified within `RACY_MS` of its stamp is never
   * trusted: a filesystem's timestamp tick could hide a second change inside the same tick.
   */
  async unchanged(folders: readonly FolderStamp[]): Promise<boolean> {
    if (folders.some((f) => f.mtimeNs >= 0n && f.stampedAtMs - Number(f.mtimeNs / 1_000_000n) < RACY_MS)) return false;
    // Synchronous: a stat of a cached folder takes microseconds, less than one trip through
    // libuv's pool (bench/api measured a table of 274 partitions checked before each query).
    return folders.every((f) => mtimeNsSync(f.path) === f.mtimeNs);
  }

  async listPrefixes(bucket: string, prefix: string): Promise<string[]> {
    const bucketDir = join(this.root, bucket);
    const dir = this.dirOf(bucket, prefix);
    const entries = await this.readFolder(dir);
    const found = await Promise.all(
      entries.map(async (entry) => {
        if (!entry.isDirectory()) return undefined;
        const key = keyOf(bucketDir, join(dir, entry.name)) + "/";
        // S3 has no folders: a prefix exists only while an object is under it (a delete leaves the folder here).
        return key.startsWith(prefix) && (await holdsObject(this.readFolder, join(dir, entry.name))) ? key : undefined;
      }),
    );
    return found.filter((k): k is string => k !== undefined).sort();
  }

  /** The deepest directory a prefix names completely (`a/b/c` → `<bucket>/a/b`). */
  private dirOf(bucket: string, prefix: string): string {
    checkSegment(bucket, "bucket");
    const bucketDir = join(this.root, bucket);
    const slash = prefix.lastIndexOf("/");
    const dirPart = slash >= 0 ? prefix.slice(0, slash) : "";
    if (dirPart) checkKey(dirPart);
    return dirPart ? join(bucketDir, ...dirPart.split("/")) : bucketDir;
  }

  async copy(fromBucket: string, fromKey: string, toBucket: string, toKey: string): Promise<void> {
    const target = this.pathOf(toBucket, toKey);
    const source = this.pathOf(fromBucket, fromKey);
    const tmp = tempPathOf(target);
    try {
      await mkdir(dirname(target), { recursive: true });
      await copyFile(source, tmp);
      await rename(tmp, target);
    } catch (error) {
      await rm(tmp, { force: true }).catch(() => undefined);
      if (isNotFound(error) && !(await stat(source).then(() => true, () => false))) throw new ObjectNotFoundError(fromBucket, fromKey);
      throw lakeWriteError(target, error);
    }
  }

  async delete(bucket: string, key: string): Promise<void> {
    await rm(this.pathOf(bucket, key), { force: true });
  }

  /**
   * Deletes every object under the prefix, then the folders that leaves empty: S3 keeps no
   * folders, and empty ones left here would be walked by every later listing of the prefix (a
   * 730-day lake's staging area held 75,000 of them, seconds per run).
   */
  async deletePrefix(bucket: string, prefix: string): Promise<number> {
    const objects = await this.list(bucket, prefix);
    for (const object of objects) await this.delete(bucket, object.key);
    const dir = this.dirOf(bucket, prefix);
    const name = prefix.slice(prefix.lastIndexOf("/") + 1);
    // The prefix's own folder (`stage/weather/`) or its folders named by the prefix (`prod/weather_v0001`).
    const bucketDir = join(this.root, bucket);
    const roots =
      name === "" && dir !== bucketDir ? [dir] : (await readdirOrEmpty(dir)).filter((e) => e.isDirectory() && e.name.startsWith(name)).map((e) => join(dir, e.name));
    for (const root of roots) await pruneEmptyFolders(root);
    return objects.length;
  }
}

type ReadFolder = (dir: string) => Promise<Dirent[]>;

/** A folder's modification time (ns; -1 when absent) and when it was read. */
export interface FolderStamp {
  readonly path: string;
  readonly mtimeNs: bigint;
  readonly stampedAtMs: number;
}

/** Coarser than any local filesystem's timestamp tick (ext4/xfs: ns or a jiffy; FAT: 2 s). */
const RACY_MS = 3000;

async function stampOf(path: string): Promise<FolderStamp> {
  const stampedAtMs = Date.now();
  try {
    return { path, mtimeNs: (await stat(path, { bigint: true })).mtimeNs, stampedAtMs };
  } catch (error) {
    if (isNotFound(error) || (error as { code?: string }).code === "ENOTDIR") return { path, mtimeNs: -1n, stampedAtMs };
    throw error;
  }
}

/** A folder's mtime in ns, -1 when it is gone (as `stampOf`). */
function mtimeNsSync(path: string): bigint {
  try {
    return statSync(path, { bigint: true }).mtimeNs;
  } catch (error) {
    if (isNotFound(error) || (error as { code?: string }).code === "ENOTDIR") return -1n;
    throw error;
  }
}

function sortByKey(objects: ObjectInfo[]): ObjectInfo[] {
  return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Collects the objects under `dir` whose key starts with `prefix` and sorts after `startAfter`.
 * A folder is entered only when some key under it can match: it lies on or under the prefix, and
 * not every key under it sorts at or before `startAfter` (so listing after the newest hour of a
 * `year=/month=/day=/hour=` layout reads a handful of folders, not all of them).
 */
interface Walk {
  readonly readFolder: ReadFolder;
  readonly bucketDir: string;
  readonly prefix: string;
  readonly startAfter?: string;
  readonly out: ObjectInfo[];
}

async function walk(w: Walk, dir: string): Promise<void> {
  const entries = await w.readFolder(dir);
  // Sub-folders and sizes concurrently (list() sorts the keys at the end).
  await Promise.all(
    entries.map(async (entry) => {
      const path = join(dir, entry.name);
      const key = keyOf(w.bucketDir, path);
      if (entry.isDirectory()) {
        const onPrefix = key.startsWith(w.prefix) || w.prefix.startsWith(key + "/");
        if (onPrefix && !allBefore(key + "/", w.startAfter)) await walk(w, path);
      } else if (entry.isFile() && TEMP_FILE_RE.test(entry.name)) {
        // A put in flight is not an object yet; one whose writer died never will be (S3 drops an
        // upload that never completed): the folder's listing removes it.
        await sweepOrphanedTemps(dir, [entry.name]);
      } else if (entry.isFile() && key.startsWith(w.prefix) && (w.startAfter === undefined || key > w.startAfter)) {
        w.out.push({ key, size: (await stat(path)).size });
      }
    }),
  );
}

/** Whether every key starting with `folder` (which ends in `/`) sorts at or before `startAfter`. */
function allBefore(folder: string, startAfter: string | undefined): boolean {
  return startAfter !== undefined && folder < startAfter && !startAfter.startsWith(folder);
}

/**
 * Removes the empty folders at and under `dir`, deepest first; returns whether `dir` is gone. A
 * folder something was written into meanwhile is not empty and stays (rmdir refuses it).
 */
async function pruneEmptyFolders(dir: string): Promise<boolean> {
  const entries = await readdirOrEmpty(dir);
  let left = entries.length;
  for (const entry of entries) if (entry.isDirectory() && (await pruneEmptyFolders(join(dir, entry.name)))) left--;
  if (left > 0) return false;
  try {
    await rmdir(dir);
    return true;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ENOENT") return true;
    if (code === "ENOTEMPTY" || code === "EEXIST") return false;
    throw error;
  }
}

/** Whether a folder holds at least one object (depth first, stopping at the first). */
async function holdsObject(readFolder: ReadFolder, dir: string): Promise<boolean> {
  const entries = await readFolder(dir);
  if (entries.some((e) => e.isFile() && !TEMP_FILE_RE.test(e.name))) return true;
  for (const entry of entries) if (entry.isDirectory() && (await holdsObject(readFolder, join(dir, entry.name)))) return true;
  return false;
}

async function readdirOrEmpty(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    // A prefix through an object's name (`a/b.json/`) names no folder: nothing is under it.
    if (isNotFound(error) || (error as { code?: string }).code === "ENOTDIR") return [];
    throw error;
  }
}

function keyOf(bucketDir: string, path: string): string {
  return relative(bucketDir, path).split(sep).join("/");
}


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
