import { parseS3Uri, s3Uri } from "../catalog/catalog";
import type { DatasetDefinition } from "../pipeline/types";
import { ddlName, ident } from "../transform/athena-sql";
import type { RunEngineDeps } from "./run-engine";

type Deps = Pick<RunEngineDeps, "pipeline" | "store" | "catalog" | "warehouse">;

/** Version tables are `<prod>_v0001`, `<prod>_v0002`…: zero-padded so names sort by age. */
export function versionTableName(dataset: DatasetDefinition, n: number): string {
  return `${dataset.tables.prod}_v${String(n).padStart(4, "0")}`;
}

/** Kept version tables, oldest first. */
export async function versionTablesOf(deps: Deps, dataset: DatasetDefinition): Promise<string[]> {
  const re = new RegExp(`^${dataset.tables.prod}_v\\d{4}$`);
  return (await deps.catalog.listTables(deps.pipeline.glueDatabase))
    .filter((t) => t.kind === "table" && re.test(t.name))
    .map((t) => t.name)
    .sort();
}

/** The version table the production view reads, from the view's own SQL (sluice writes it). */
export function versionInViewSql(viewSql: string | undefined, dataset: DatasetDefinition): string | undefined {
  const match = new RegExp(`FROM\\s+"(${dataset.tables.prod}_v\\d{4})"`).exec(viewSql ?? "");
  return match?.[1];
}

/**
 * Copies the checked Parquet objects to a fresh versioned location under the prod bucket and
 * registers them as a new version table. Nothing reads it until the production view is switched.
 */
export async function publishVersion(deps: Deps, dataset: DatasetDefinition, runId: string, parquetLocation: string) {
  const db = deps.pipeline.glueDatabase;
  const source = await deps.catalog.getTable(db, dataset.tables.parquet);
  if (!source) throw new Error(`table ${dataset.tables.parquet} is missing: nothing to publish`);
  const versions = await versionTablesOf(deps, dataset);
  const last = versions.at(-1);
  const n = last ? Number(last.slice(-4)) + 1 : 1;
  const table = versionTableName(dataset, n);
  const location = s3Uri(deps.pipeline.buckets.prod, `${dataset.tables.prod}/v${String(n).padStart(4, "0")}/`);

  const from = parseS3Uri(parquetLocation);
  const to = parseS3Uri(location);
  // A publish killed mid-copy leaves objects here that no catalog table names; the number is
  // reused, so clear them or the new version would read them too.
  await deps.store.deletePrefix(to.bucket, to.prefix);
  const objects = await deps.store.list(from.bucket, from.prefix);
  for (const object of objects) {
    await deps.store.copy(from.bucket, object.key, to.bucket, to.prefix + object.key.slice(from.prefix.length));
  }
  const partitions = (await deps.catalog.getPartitions(db, source.name)).map((p) => ({
    values: p.values,
    location: p.location.replace(parquetLocation, location),
  }));
  const { version: _v, updatedAt: _u, ...definition } = source;
  await deps.catalog.putTable({ ...definition, name: table, location, parameters: { ...source.parameters, publishedByRun: runId } });
  await deps.catalog.replacePartitions(db, table, partitions);
  return { table, location, objects: objects.length };
}

/** The atomic switch: one CREATE OR REPLACE VIEW points production at a version table. */
export async function switchProdView(deps: Deps, dataset: DatasetDefinition, versionTable: string): Promise<void> {
  await deps.warehouse.execute(`CREATE OR REPLACE VIEW ${ident(dataset.tables.prod)} AS\nSELECT * FROM ${ident(versionTable)}`);
}

/** Drops versions beyond the newest `keepVersions` (never the current one) with their data. */
export async function pruneVersions(deps: Deps, dataset: DatasetDefinition, current: string): Promise<string[]> {
  const versions = await versionTablesOf(deps, dataset);
  const doomed = versions.slice(0, Math.max(0, versions.length - dataset.keepVersions)).filter((v) => v !== current);
  for (const name of doomed) {
    const table = await deps.catalog.getTable(deps.pipeline.glueDatabase, name);
    await deps.warehouse.execute(`DROP TABLE IF EXISTS ${ddlName(name)}`);
    if (table?.location) {
      const { bucket, prefix } = parseS3Uri(table.location);
      await deps.store.deletePrefix(bucket, prefix);
    }
  }
  return doomed;
}
