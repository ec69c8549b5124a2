import { gunzipSync } from "node:zlib";
import type { CatalogTable } from "../catalog/catalog";
import { parseS3Uri } from "../catalog/catalog";
import type { ObjectInfo, ObjectStore } from "../lake/object-store";
import type { DatasetDefinition } from "../pipeline/types";
import type { QuarantinedObject, RawManifest } from "./raw-manifest";
import { quarantinedKeys } from "./raw-manifest";

/**
 * Arrival hours re-listed behind a folder's newest consumed object. Firehose names an object from
 * its oldest record's arrival and writes it when the buffer flushes (at most 900 s later), so an
 * object can appear in an hour folder after a run consumed a newer one; two hours cover that.
 */
export const LATE_ARRIVAL_HOURS = 2;

/** A run's view of raw: the objects it reads and the cursors it leaves once they are consumed. */
export interface RawBatch {
  /** Objects not consumed before, oldest folder first. */
  readonly objects: readonly ObjectInfo[];
  /** Listing calls made (one per folder, plus the folder listing). */
  readonly listings: number;
  readonly folders: number;
  /** Cursors and consumed window after this batch (and `seen`) is consumed. */
  next(seen: readonly string[]): { cursors: Record<string, string>; consumed: string[] };
}

/**
 * The raw objects a run has not consumed. Incremental: per first-level partition folder, only the
 * keys after the folder's cursor are listed (S3 `StartAfter`: the twin skips older folders
 * without reading them), minus those the manifest already holds; released quarantined objects
 * are added. Full: every object. Quarantined objects are never part of a batch.
 */
export async function rawBatch(store: ObjectStore, raw: CatalogTable, manifest: RawManifest | undefined, mode: "incremental" | "full"): Promise<RawBatch> {
  if (!raw.location) throw new Error(`table ${raw.name} has no location`);
  const { bucket, prefix } = parseS3Uri(raw.location);
  const cursors = mode === "full" ? {} : { ...(manifest?.cursors ?? {}) };
  const consumed = new Set(mode === "full" ? [] : (manifest?.consumed ?? []));
  const quarantined = quarantinedKeys(manifest);
  const partitioned = raw.partitionKeys.length > 0;
  const folders = partitioned ? await store.listPrefixes(bucket, prefix) : [prefix];
  const perFolder = await Promise.all(folders.map((folder) => store.list(bucket, folder, cursors[folder] ? { startAfter: cursors[folder] } : {})));
  const objects: ObjectInfo[] = [];
  const byKey = new Set<string>();
  for (const listed of perFolder) {
    for (const object of listed) {
      if (consumed.has(object.key) || quarantined.has(object.key) || isInFlight(object.key)) continue;
      objects.push(object);
      byKey.add(object.key);
    }
  }
  // Released objects are read again wherever their folder's cursor is.
  for (const key of mode === "full" ? [] : (manifest?.released ?? [])) {
    if (byKey.has(key) || quarantined.has(key)) continue;
    if (await store.exists(bucket, key)) {
      objects.push({ key, size: 0 });
      byKey.add(key);
    }
  }
  return {
    objects,
    listings: folders.length + (partitioned ? 1 : 0),
    folders: folders.length,
    next(seen) {
      const newest = new Map<string, string>();
      for (const key of [...consumed, ...seen]) {
        const folder = folderOf(key, prefix, partitioned);
        if (folder && key > (newest.get(folder) ?? "")) newest.set(folder, key);
      }
      const nextCursors: Record<string, string> = { ...cursors };
      for (const [folder, key] of newest) {
        const cursor = cursorFor(folder, key, raw.partitionKeys);
        if (!nextCursors[folder] || cursor > nextCursors[folder]!) nextCursors[folder] = cursor;
      }
      const window = [...new Set([...consumed, ...seen])].filter((key) => {
        const folder = folderOf(key, prefix, partitioned);
        return !folder || !nextCursors[folder] || key > nextCursors[folder]!;
      });
      return { cursors: nextCursors, consumed: window.sort() };
    },
  };
}

/** The first-level partition folder of a key (`weather/location=Paris/`), or the prefix of an unpartitioned table. */
function folderOf(key: string, prefix: string, partitioned: boolean): string | undefined {
  if (!partitioned) return prefix;
  const at = key.indexOf("/", prefix.length);
  return at < 0 ? undefined : key.slice(0, at + 1);
}

/**
 * The `StartAfter` that re-lists the last `LATE_ARRIVAL_HOURS` arrival hours behind `key`: for the
 * arrival-hour layout (`<field>=…/year=…/month=…/day=…/hour=…/`) the folder of that earlier hour
 * (a folder path sorts before every key in it); for other layouts the folder of `key` itself.
 */
export function cursorFor(folder: string, key: string, partitionKeys: readonly string[]): string {
  const rest = key.slice(folder.length).split("/");
  const inner = partitionKeys.slice(1);
  const values = inner.map((name, i) => (rest[i]?.startsWith(`${name}=`) ? rest[i]!.slice(name.length + 1) : undefined));
  if (inner.join(",") === "year,month,day,hour" && values.every((v) => v !== undefined && /^\d+$/.test(v))) {
    const [y, m, d, h] = values.map(Number) as [number, number, number, number];
    const at = new Date(Date.UTC(y, m - 1, d, h) - LATE_ARRIVAL_HOURS * 3_600_000);
    const pad = (n: number, width = 2) => String(n).padStart(width, "0");
    return `${folder}year=${pad(at.getUTCFullYear(), 4)}/month=${pad(at.getUTCMonth() + 1)}/day=${pad(at.getUTCDate())}/hour=${pad(at.getUTCHours())}/`;
  }
  const depth = Math.max(0, inner.length);
  return folder + rest.slice(0, depth).map((s) => s + "/").join("");
}

/** A put still being written (the twin's temp files) is never part of a batch. */
function isInFlight(key: string): boolean {
  return /\.tmp$/.test(key);
}

/**
 * Reads one raw object as Athena's JSON SerDe would and names the first thing that cannot be read:
 * a truncated or corrupt gzip, a line that is not a JSON object, a value of the wrong type for its
 * column (Athena fails the whole query with HIVE_BAD_DATA), or two keys that differ only by case
 * (the SerDe is case-insensitive, so they collide).
 */
export function unreadableReason(body: Uint8Array, key: string, dataset: DatasetDefinition, columns: CatalogTable["columns"]): string | undefined {
  let text: string;
  try {
    text = (dataset.firehose.compression === "GZIP" || key.endsWith(".gz") ? gunzipSync(body) : Buffer.from(body)).toString("utf8");
  } catch (error) {
    return `not a readable gzip object (${error instanceof Error ? error.message : String(error)})`;
  }
  const types = new Map(columns.map((c) => [c.name.toLowerCase(), c] as const));
  const lines = text.split("\n");
  for (const [i, line] of lines.entries()) {
    if (!line.trim()) continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      return `line ${i + 1} is not JSON: ${excerpt(line)}`;
    }
    if (typeof record !== "object" || record === null || Array.isArray(record)) return `line ${i + 1} is not a JSON object: ${excerpt(line)}`;
    const seen = new Map<string, string>();
    for (const [name, value] of Object.entries(record)) {
      const lower = name.toLowerCase();
      const other = seen.get(lower);
      if (other !== undefined) return `line ${i + 1} has keys "${other}" and "${name}", which differ only by case`;
      seen.set(lower, name);
      const column = types.get(lower);
      if (!column || value === null) continue;
      if (!fits(column.type, value)) return `line ${i + 1}: column ${column.name} (${column.type}) holds ${excerpt(JSON.stringify(value))}`;
    }
  }
  return undefined;
}

function fits(type: string, value: unknown): boolean {
  switch (type) {
    case "double":
      return typeof value === "number";
    case "bigint":
      return typeof value === "number" && Number.isInteger(value);
    case "boolean":
      return typeof value === "boolean";
    default:
      // string, timestamp and date columns read JSON text; numbers and booleans are read as their text.
      return typeof value !== "object";
  }
}

function excerpt(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Splits a batch into readable objects and unreadable ones (named, with the reason). */
export async function checkReadable(
  store: ObjectStore,
  bucket: string,
  objects: readonly ObjectInfo[],
  dataset: DatasetDefinition,
  columns: CatalogTable["columns"],
): Promise<{ readable: ObjectInfo[]; unreadable: QuarantinedObject[] }> {
  const readable: ObjectInfo[] = [];
  const unreadable: QuarantinedObject[] = [];
  await forEachLimit(objects, 16, async (object) => {
    const reason = unreadableReason(await store.get(bucket, object.key), object.key, dataset, columns);
    if (reason) unreadable.push({ key: object.key, reason });
    else readable.push(object);
  });
  const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  return { readable: readable.sort(byKey), unreadable: unreadable.sort(byKey) };
}

/** Runs `work` over `items` with at most `limit` in flight. */
export async function forEachLimit<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
