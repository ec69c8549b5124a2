import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Catalog, CatalogPartition, CatalogTable } from "./catalog";
import { TableNotFoundError } from "./catalog";

const NAME_RE = /^[a-z_][a-z0-9_]{0,254}$/;

/**
 * The local twin of the Glue Data Catalog: one JSON file per table and one per table's partitions
 * under `<lake>/_catalog/<database>/`. Writes go to a temporary file renamed into place, so a reader
 * (or a crash) never sees half a table.
 */
export class FsCatalog implements Catalog {
  constructor(readonly root: string) {}

  async getTable(database: string, name: string): Promise<CatalogTable | undefined> {
    return readJson<CatalogTable>(this.tablePath(database, name));
  }

  async listTables(database: string): Promise<CatalogTable[]> {
    let files: string[];
    try {
      files = await readdir(this.dbDir(database));
    } catch (error) {
      if ((error as { code?: string }).code === "ENOENT") return [];
      throw error;
    }
    // Read concurrently: the query engine lists the catalog before every statement.
    const names = files.filter((f) => f.endsWith(".table.json")).sort();
    const tables = await Promise.all(names.map((file) => readJson<CatalogTable>(join(this.dbDir(database), file))));
    return tables.filter((t): t is CatalogTable => t !== undefined);
  }

  async putTable(table: Omit<CatalogTable, "version" | "updatedAt">): Promise<CatalogTable> {
    const previous = await this.getTable(table.database, table.name);
    const next: CatalogTable = { ...table, version: (previous?.version ?? 0) + 1, updatedAt: new Date().toISOString() };
    await writeJsonAtomic(this.tablePath(table.database, table.name), next);
    return next;
  }

  async deleteTable(database: string, name: string): Promise<boolean> {
    const existed = (await this.getTable(database, name)) !== undefined;
    await rm(this.tablePath(database, name), { force: true });
    await rm(this.partitionsPath(database, name), { force: true });
    return existed;
  }

  async getPartitions(database: string, table: string): Promise<CatalogPartition[]> {
    return (await readJson<CatalogPartition[]>(this.partitionsPath(database, table))) ?? [];
  }

  async addPartitions(database: string, table: string, partitions: readonly CatalogPartition[]): Promise<number> {
    await this.requireTable(database, table);
    const existing = await this.getPartitions(database, table);
    const seen = new Set(existing.map((p) => JSON.stringify(p.values)));
    const added = partitions.filter((p) => {
      const key = JSON.stringify(p.values);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    if (added.length > 0) await writeJsonAtomic(this.partitionsPath(database, table), [...existing, ...added]);
    return added.length;
  }

  async replacePartitions(database: string, table: string, partitions: readonly CatalogPartition[]): Promise<void> {
    await this.requireTable(database, table);
    await writeJsonAtomic(this.partitionsPath(database, table), partitions);
  }

  private async requireTable(database: string, table: string): Promise<void> {
    if (!(await this.getTable(database, table))) throw new TableNotFoundError(database, table);
  }

  private dbDir(database: string): string {
    checkName(database, "database");
    return join(this.root, database);
  }

  private tablePath(database: string, name: string): string {
    checkName(name, "table");
    return join(this.dbDir(database), `${name}.table.json`);
  }

  private partitionsPath(database: string, name: string): string {
    checkName(name, "table");
    return join(this.dbDir(database), `${name}.partitions.json`);
  }
}

/** Glue names: lower case letters, digits and underscores (Athena's rule for table names). */
function checkName(name: string, what: string): void {
  if (!NAME_RE.test(name)) {
    throw new Error(`invalid ${what} name ${JSON.stringify(name)}: use lower-case letters, digits and underscores`);
  }
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as T;
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return undefined;
    throw error;
  }
}

let counter = 0;
/** Write-then-rename: atomic on POSIX filesystems. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await mkdir(join(path, ".."), { recursive: true });
  const tmp = `${path}.${process.pid}.${++counter}.tmp`;
  await writeFile(tmp, JSON.stringify(value, null, 2));
  await rename(tmp, path);
}
