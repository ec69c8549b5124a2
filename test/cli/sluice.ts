import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { main } from "../../packages/cli/src/main";
import { FsCatalog } from "../../packages/core/src/catalog/fs-catalog";

// Engine logs go to this process's stderr; the tests read the CLI's own output instead.
process.env.SLUICE_LOG_LEVEL ??= "silent";

/** What one in-process `sluice …` call did. */
export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs the CLI in this process (no spawn): `sluice("run", "--from", …)`. */
export async function sluice(...args: string[]): Promise<CliResult> {
  let out = "";
  let err = "";
  const code = await main(["node", "sluice", ...args], {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
  });
  return { code, out, err };
}

/** `sluice query --format json` on a lake, rows parsed; fails the test when the query does. */
export async function queryRows(lake: string, sql: string): Promise<Record<string, unknown>[]> {
  const result = await sluice("query", "--lake", lake, "--format", "json", sql);
  if (result.code !== 0) throw new Error(`sluice query exited ${result.code}: ${result.err}`);
  return JSON.parse(result.out) as Record<string, unknown>[];
}

/** The week of seed 003, three gazetteer cities: 3 × 7 × 24 = 504 hourly rows. */
export const WEEK = { from: "2024-11-24", to: "2024-11-30", locations: "Paris,London,Berlin" } as const;

/** `sluice run` of the seed week on a lake (extra flags appended). */
export function runWeek(lake: string, ...extra: string[]): Promise<CliResult> {
  return sluice("run", "--source", "synthetic", "--from", WEEK.from, "--to", WEEK.to, "--locations", WEEK.locations, "--lake", lake, ...extra);
}

/** A fresh temporary lake folder; remove it with `removeLake`. */
export function tempLake(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `sluice-${label}-`));
}

export function removeLake(lake: string): Promise<void> {
  return rm(lake, { recursive: true, force: true });
}

/** sha256 of every file under `dir`, keyed by path relative to `root` (empty when `dir` is absent). */
export async function hashTree(root: string, dir: string, keep: (path: string) => boolean = () => true): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return out;
    throw error;
  }
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const rel = relative(root, path);
    if (!keep(rel)) continue;
    out[rel] = createHash("sha256").update(await readFile(path)).digest("hex");
  }
  return out;
}

/**
 * Everything production is: the `weather_prod` view and the version table it reads (catalog
 * entries and partition list, through the catalog port), and every object under the partition
 * locations that version reads. Objects production does not read (a killed run's candidate
 * folder) are not part of it.
 */
export async function prodSnapshot(lake: string): Promise<Record<string, string>> {
  const catalog = new FsCatalog(join(lake, "_catalog"));
  const view = await catalog.getTable("sluice", "weather_prod");
  if (!view) return {};
  const version = /FROM\s+"([a-z0-9_]+)"/.exec(view.viewSql ?? "")?.[1];
  const table = version ? await catalog.getTable("sluice", version) : undefined;
  const partitions = version ? await catalog.getPartitions("sluice", version) : [];
  const out: Record<string, string> = {
    "catalog:weather_prod": digest(JSON.stringify({ viewSql: view.viewSql, columns: view.columns })),
    ...(table ? { [`catalog:${version}`]: digest(JSON.stringify({ ...table, updatedAt: undefined, version: undefined })) } : {}),
    [`partitions:${version}`]: digest(JSON.stringify(partitions)),
  };
  for (const partition of partitions) {
    const [, bucket, prefix] = /^s3:\/\/([^/]+)\/(.*)$/.exec(partition.location)!;
    Object.assign(out, await hashTree(lake, join(lake, bucket!, ...prefix!.split("/").filter(Boolean))));
  }
  return out;
}

function digest(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** A production query whose answer pins the data: count, checksum of values and the duplicate counter. */
export const PROD_FINGERPRINT_SQL =
  "SELECT count(*) AS n, round(sum(temperature), 1) AS total, max(collection_count) AS max_collections FROM weather_prod";

/**
 * A raw key in the current arrival hour, where Firehose (and the twin) would land an object now:
 * incremental runs list only the newest arrival hours of each folder.
 */
export function arrivingNowKey(city: string, file: string, now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `weather/location=${city}/year=${now.getUTCFullYear()}/month=${pad(now.getUTCMonth() + 1)}/day=${pad(now.getUTCDate())}/hour=${pad(now.getUTCHours())}/${file}`;
}
