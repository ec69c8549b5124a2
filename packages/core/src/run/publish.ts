import type { CatalogPartition, CatalogTable } from "../catalog/catalog";
import { parseS3Uri, s3Uri } from "../catalog/catalog";
import type { DatasetDefinition } from "../pipeline/types";
import { ident } from "../transform/athena-sql";
import type { RunEngineDeps } from "./run-engine";

type Deps = Pick<RunEngineDeps, "pipeline" | "store" | "catalog" | "warehouse">;

/** Version table parameter: the run that registered the version. */
export const PUBLISHED_BY = "publishedByRun";
/** Version table parameter: when the production view first pointed at the version. */
export const PROMOTED_AT = "sluice.promotedAt";

/** Version tables are `<prod>_v0001`, `<prod>_v0002`…: zero-padded so names sort by age. */
export function versionTableName(dataset: DatasetDefinition, n: number): string {
  return `${dataset.tables.prod}_v${String(n).padStart(4, "0")}`;
}

/** Kept version tables, oldest first. */
export async function versionTablesOf(deps: Deps, dataset: DatasetDefinition): Promise<string[]> {
  return (await versionsOf(deps, dataset)).map((t) => t.name);
}

async function versionsOf(deps: Deps, dataset: DatasetDefinition): Promise<CatalogTable[]> {
  const re = new RegExp(`^${dataset.tables.prod}_v\\d{4}$`);
  return (await deps.catalog.listTables(deps.pipeline.glueDatabase)).filter((t) => t.kind === "table" && re.test(t.name)).sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Versions that were production at some point (rollback targets), oldest first. */
export async function promotedVersionsOf(deps: Deps, dataset: DatasetDefinition, current: string | undefined): Promise<string[]> {
  return (await versionsOf(deps, dataset)).filter((t) => t.name === current || t.parameters[PROMOTED_AT]).map((t) => t.name);
}

/** The version table the production view reads, from the view's own SQL (sluice writes it). */
export function versionInViewSql(viewSql: string | undefined, dataset: DatasetDefinition): string | undefined {
  const match = new RegExp(`FROM\\s+"(${dataset.tables.prod}_v\\d{4})"`).exec(viewSql ?? "");
  return match?.[1];
}

/** Where a run writes the partitions it touched: a fresh folder per run under the prod bucket. */
export function runDataLocation(deps: Pick<Deps, "pipeline">, dataset: DatasetDefinition, runId: string): string {
  return s3Uri(deps.pipeline.buckets.prod, `${dataset.tables.prod}/data/${runId}/`);
}

function partitionKey(values: readonly string[]): string {
  return JSON.stringify(values);
}

/**
 * Registers a new version table by reference: the partitions the run wrote (the checked Parquet
 * table's) plus, from `base` (the current version), every partition the run did not touch, at
 * the location it already has. Nothing is copied; nothing reads the version until the
 * production view is switched.
 */
export async function publishVersion(deps: Deps, dataset: DatasetDefinition, runId: string, base: string | undefined) {
  const db = deps.pipeline.glueDatabase;
  const source = await deps.catalog.getTable(db, dataset.tables.parquet);
  if (!source) throw new Error(`table ${dataset.tables.parquet} is missing: nothing to publish`);
  const written = await deps.catalog.getPartitions(db, source.name);
  const touched = new Set(written.map((p) => partitionKey(p.values)));
  const reused = base ? (await deps.catalog.getPartitions(db, base)).filter((p) => !touched.has(partitionKey(p.values))) : [];
  const partitions: CatalogPartition[] = [...reused, ...written].sort((a, b) => (partitionKey(a.values) < partitionKey(b.values) ? -1 : 1));
  const versions = await versionTablesOf(deps, dataset);
  const last = versions.at(-1);
  const n = last ? Number(last.slice(-4)) + 1 : 1;
  const table = versionTableName(dataset, n);
  const { version: _v, updatedAt: _u, ...definition } = source;
  await deps.catalog.putTable({ ...definition, name: table, parameters: { ...source.parameters, [PUBLISHED_BY]: runId } });
  await deps.catalog.replacePartitions(db, table, partitions);
  return { table, location: source.location, partitionsWritten: written.length, partitionsReused: reused.length };
}

/** The atomic switch: one CREATE OR REPLACE VIEW points production at a version table. */
export async function switchProdView(deps: Deps, dataset: DatasetDefinition, versionTable: string): Promise<void> {
  await deps.warehouse.execute(`CREATE OR REPLACE VIEW ${ident(dataset.tables.prod)} AS\nSELECT * FROM ${ident(versionTable)}`);
}

/** Marks a version as having been production (a rollback target from now on). */
export async function markPromoted(deps: Deps, versionTable: string, at: string): Promise<void> {
  const table = await deps.catalog.getTable(deps.pipeline.glueDatabase, versionTable);
  if (!table || table.parameters[PROMOTED_AT]) return;
  const { version: _v, updatedAt: _u, ...definition } = table;
  await deps.catalog.putTable({ ...definition, parameters: { ...table.parameters, [PROMOTED_AT]: at } });
}

/** What pruning removed. */
export interface PruneResult {
  readonly versions: string[];
  readonly locationsDeleted: number;
  readonly objectsDeleted: number;
}

/**
 * Drops versions beyond the newest `keepVersions` that were production (never the current one)
 * and versions that were registered but never production (a run killed before its switch); then
 * deletes every partition location no kept version references, and run folders under
 * `<prod>/data/` that nothing references (left by a killed or failed run). A location a kept
 * version reads is never deleted.
 */
export async function pruneVersions(deps: Deps, dataset: DatasetDefinition, current: string): Promise<PruneResult> {
  const db = deps.pipeline.glueDatabase;
  const versions = await versionsOf(deps, dataset);
  const promoted = versions.filter((t) => t.name === current || t.parameters[PROMOTED_AT]);
  const keep = new Set([...promoted.slice(-Math.max(1, dataset.keepVersions)).map((t) => t.name), current]);
  const doomed = versions.filter((t) => !keep.has(t.name));
  const referenced = new Set<string>();
  for (const name of keep) for (const p of await deps.catalog.getPartitions(db, name)) referenced.add(p.location);
  const candidates = new Set<string>();
  for (const table of doomed) {
    for (const p of await deps.catalog.getPartitions(db, table.name)) if (!referenced.has(p.location)) candidates.add(p.location);
    await deps.catalog.deleteTable(db, table.name);
  }
  // Run folders nothing references (a DQ-failed or killed run's output).
  const data = parseS3Uri(s3Uri(deps.pipeline.buckets.prod, `${dataset.tables.prod}/data/`));
  for (const folder of await deps.store.listPrefixes(data.bucket, data.prefix)) {
    const uri = s3Uri(data.bucket, folder);
    if (![...referenced].some((location) => location.startsWith(uri))) candidates.add(uri);
  }
  let objectsDeleted = 0;
  for (const location of candidates) {
    const { bucket, prefix } = parseS3Uri(location);
    objectsDeleted += await deps.store.deletePrefix(bucket, prefix);
  }
  // Versions from before publish-by-reference kept their copies under `<prod>/vNNNN/`.
  for (const table of doomed) {
    if (!table.location || [...referenced].some((location) => location.startsWith(table.location!) || table.location!.startsWith(location))) continue;
    const { bucket, prefix } = parseS3Uri(table.location);
    if (prefix.startsWith(`${dataset.tables.prod}/data/`)) continue;
    objectsDeleted += await deps.store.deletePrefix(bucket, prefix);
  }
  return { versions: doomed.map((t) => t.name), locationsDeleted: candidates.size, objectsDeleted };
}
