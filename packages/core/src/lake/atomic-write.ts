import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { mkdir, open, rename, rm, stat, unlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

/** Why the filesystem refused a write, in words, by errno code. */
const REASONS: Readonly<Record<string, string>> = {
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EROFS: "the filesystem is read-only",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOTDIR: "a folder on the path is a file",
  EIO: "input/output error",
};

/** A file of the lake that could not be written, naming it (Node's own ENOSPC message names no path). */
export class LakeWriteError extends Error {
  override readonly name = "LakeWriteError";
  constructor(
    readonly path: string,
    readonly code: string | undefined,
    options: { cause: unknown },
  ) {
    super(`cannot write ${path}: ${code && REASONS[code] ? `${REASONS[code]} (${code})` : (options.cause as Error)?.message ?? String(options.cause)}`, options);
  }
}

/** `error` as a LakeWriteError about `path` (kept as is when it already is one). */
export function lakeWriteError(path: string, error: unknown): LakeWriteError {
  if (error instanceof LakeWriteError) return error;
  return new LakeWriteError(path, (error as { code?: string }).code, { cause: error });
}

let counter = 0;

/** `<path>.<pid>.<n>.tmp`: the writer's pid tells a later sweep whether the write can still finish. */
export function tempPathOf(path: string): string {
  return `${path}.${process.pid}.${++counter}.tmp`;
}

/** A temporary file of a write in flight (`tempPathOf`); group 1 is the writer's pid. */
export const TEMP_FILE_RE = /\.(\d+)\.\d+\.tmp$/;

/**
 * Writes a temporary file and renames it into place, so readers see all or nothing. A write that
 * fails (a full disk) removes its temporary file and throws a LakeWriteError naming the path.
 * On a full disk, a file that exists and whose blocks can hold the new body is rewritten in place
 * instead: a run record must be able to say "failed" when there is no room for a second copy.
 */
export async function writeFileAtomic(path: string, body: Uint8Array | string): Promise<void> {
  const tmp = tempPathOf(path);
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(tmp, body);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => undefined);
    const code = (error as { code?: string }).code;
    if ((code === "ENOSPC" || code === "EDQUOT") && (await overwriteInPlace(path, body))) return;
    throw lakeWriteError(path, error);
  }
}

/** Rewrites an existing file in its own blocks (no new ones needed); false when they cannot hold `body`. */
async function overwriteInPlace(path: string, body: Uint8Array | string): Promise<boolean> {
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile() || info.blocks * 512 < bytes.byteLength) return false;
  const file = await open(path, "r+");
  try {
    await file.write(bytes, 0, bytes.byteLength, 0);
    await file.truncate(bytes.byteLength);
    return true;
  } catch {
    return false;
  } finally {
    await file.close();
  }
}

/** `writeFileAtomic`, synchronously. */
export function writeFileAtomicSync(path: string, body: Uint8Array | string): void {
  const tmp = tempPathOf(path);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, body);
    renameSync(tmp, path);
  } catch (error) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // the write already failed; that error is the one to report
    }
    throw lakeWriteError(path, error);
  }
}

/** A temp file older than this is orphaned even if a process with its writer's pid is alive (pid reuse). */
const ORPHAN_AGE_MS = 60 * 60 * 1000;

/**
 * Whether a temporary file (by name, in `dir`) belongs to a write that can no longer finish: its
 * writer's pid is gone, or it is older than an hour. This process's own are never orphaned.
 */
export function isOrphanedTemp(name: string, mtimeMs: number, now = Date.now()): boolean {
  const pid = Number(TEMP_FILE_RE.exec(name)?.[1]);
  if (!Number.isInteger(pid) || pid === process.pid) return false;
  return !pidAlive(pid) || now - mtimeMs > ORPHAN_AGE_MS;
}

/**
 * Removes the orphaned temporary files among `names` (entries of `dir`): a folder's reader calls
 * it, so temp files a killed writer left go the next time the folder is read, at no extra listing.
 * Returns how many it removed.
 */
export async function sweepOrphanedTemps(dir: string, names: readonly string[]): Promise<number> {
  let removed = 0;
  for (const name of names) {
    if (!TEMP_FILE_RE.test(name)) continue;
    const info = await stat(join(dir, name)).catch(() => undefined);
    if (!info?.isFile() || !isOrphanedTemp(name, info.mtimeMs)) continue;
    // A lost race with another sweeper is harmless: the file is gone either way.
    if (await unlink(join(dir, name)).then(() => true, () => false)) removed++;
  }
  return removed;
}

/** Whether a process with this pid exists on this host. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === "EPERM";
  }
}
