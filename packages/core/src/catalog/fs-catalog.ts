import { appendFile, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { lakeWriteError, sweepOrphanedTemps, writeFileAtomic } from "../lake/atomic-write";
import { SingleFlight } from "../lake/single-flight";
import type { Catalog, CatalogPartition, CatalogTable } from "./catalog";
import { TableNotFoundError } from "./catalog";

const NAME_RE = /^[a-z_][a-z0-9_]{0,254}$/;

/**
 * The local twin of the Glue Data Catalog: one JSON file per table (`<table>.table.json`) and one
 * NDJSON file per table's partitions (`<table>.partitions.ndjson`) under `<lake>/_catalog/<database>/`.
 * Tables and replaced partition lists go to a temporary file renamed into place, so a reader (or a
 * crash) never sees half a table; new partitions are appended, and a reader ignores a torn last line.
 */
export class FsCatalog implements Catalog {
  // The query engine lists the catalog before every statement: concurrent statements share a read.
  private readonly tableLists = new SingleFlight<CatalogTable[]>();
  private readonly partitionLists = new SingleFlight<CatalogPartition[]>();

  constructor(readonly root: string) {}

  /** After a write of this process: reads asked for from now on see it (they join no earlier read). */
  private wrote(): void {
    this.tableLists.forget();
    this.partitionLists.forget();
  }

  async getTable(database: string, name: string): Promise<CatalogTable | undefined> {
    return readJson<CatalogTable>(this.tablePath(database, name));
  }

  async listTables(database: string): Promise<CatalogTable[]> {
    return [...(await this.tableLists.run(database, () => this.readTables(database)))];
  }

  private async readTables(database: string): Promise<CatalogTable[]> {
    let files: string[];
    try {
      files = await readdir(this.dbDir(database));
    } catch (error) {
      if ((error as { code?: string }).code === "ENOENT") return [];
      throw error;
    }
    await sweepOrphanedTemps(this.dbDir(database), files);
    // Read concurrently: the query engine lists the catalog before every statement.
    const names = files.filter((f) => f.endsWith(".table.json")).sort();
    const tables = await Promise.all(names.map((file) => readJson<CatalogTable>(join(this.dbDir(database), file))));
    return tables.filter((t): t is CatalogTable => t !== undefined);
  }

  async putTable(table: Omit<CatalogTable, "version" | "updatedAt">): Promise<CatalogTable> {
    const previous = await this.getTable(table.database, table.name);
    const next: CatalogTable = { ...table, version: (previous?.version ?? 0) + 1, updatedAt: new Date().toISOString() };
    try {
      await writeJsonAtomic(this.tablePath(table.database, table.name), next);
    } finally {
      this.wrote();
    }
    return next;
  }

  async deleteTable(database: string, name: string): Promise<boolean> {
    const existed = (await this.getTable(database, name)) !== undefined;
    try {
      await rm(this.tablePath(database, name), { force: true });
      await rm(this.partitionsPath(database, name), { force: true });
      await rm(this.legacyPartitionsPath(database, name), { force: true });
    } finally {
      this.wrote();
    }
    return existed;
  }

  async getPartitions(database: string, table: string): Promise<CatalogPartition[]> {
    return [...(await this.partitionLists.run(`${database}\u0000${table}`, async () => (await this.readPartitions(database, table)).partitions))];
  }

  /**
   * Appends only the partitions it does not hold yet, in one `appendFile`: a crawl that finds one
   * new hour writes one line, not the table's whole partition list again.
   */
  async addPartitions(database: string, table: string, partitions: readonly CatalogPartition[]): Promise<number> {
    await this.requireTable(database, table);
    const existing = await this.readPartitions(database, table);
    const seen = new Set(existing.partitions.map(valuesKey));
    const added = partitions.filter((p) => {
      const key = valuesKey(p);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    if (added.length === 0) return added.length;
    if (existing.source === "ndjson") {
      const path = this.partitionsPath(database, table);
      // A torn append (a full disk) is ignored by readers; the error names the file.
      await appendFile(path, added.map(partitionLine).join(""))
        .catch((error: unknown) => {
          throw lakeWriteError(path, error);
        })
        .finally(() => this.wrote());
    } else {
      // A legacy JSON array, or a file whose last line a crash tore: rewrite it whole, once.
      await this.writePartitions(database, table, [...existing.partitions, ...added]);
    }
    return added.length;
  }

  async replacePartitions(database: string, table: string, partitions: readonly CatalogPartition[]): Promise<void> {
    await this.requireTable(database, table);
    await this.writePartitions(database, table, partitions);
  }

  /** Writes the whole list as NDJSON (temp file renamed into place), retiring a legacy JSON array. */
  private async writePartitions(database: string, table: string, partitions: readonly CatalogPartition[]): Promise<void> {
    try {
      await writeFileAtomic(this.partitionsPath(database, table), partitions.map(partitionLine).join(""));
      await rm(this.legacyPartitionsPath(database, table), { force: true });
    } finally {
      this.wrote();
    }
  }

  /**
   * The partition list and where it came from: `ndjson` (appendable as is), `torn` (NDJSON whose
   * last line is incomplete: a crash during an append, ignored), `legacy` (a lake written before
   * NDJSON, `<table>.partitions.json`) or `none`. Duplicates by values keep the first.
   */
  private async readPartitions(database: string, table: string): Promise<{ partitions: CatalogPartition[]; source: "ndjson" | "torn" | "legacy" | "none" }> {
    const path = this.partitionsPath(database, table);
    const text = await readText(path);
    if (text === undefined) {
      const legacy = await readJson<CatalogPartition[]>(this.legacyPartitionsPath(database, table));
      return legacy ? { partitions: dedupe(legacy), source: "legacy" } : { partitions: [], source: "none" };
    }
    const lines = text.split("\n");
    // Every complete line ends in a newline; what follows the last one is a torn append (or nothing).
    const torn = lines.pop() !== "";
    const partitions = lines.map((line, i) => {
      try {
        return JSON.parse(line) as CatalogPartition;
      } catch (error) {
        throw new Error(`${path}:${i + 1} is not a partition (${messageOf(error)}): the catalog file is damaged`, { cause: error });
      }
    });
    return { partitions: dedupe(partitions), source: torn ? "torn" : "ndjson" };
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

  /** One partition a line (NDJSON), so that adding partitions appends. */
  private partitionsPath(database: string, name: string): string {
    checkName(name, "table");
    return join(this.dbDir(database), `${name}.partitions.ndjson`);
  }

  /** A JSON array: how lakes stored partitions before NDJSON; read until the next write migrates it. */
  private legacyPartitionsPath(database: string, name: string): string {
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
  const text = await readText(path);
  return text === undefined ? undefined : (JSON.parse(text) as T);
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return undefined;
    throw error;
  }
}

function partitionLine(partition: CatalogPartition): string {
  return JSON.stringify({ values: partition.values, location: partition.location }) + "\n";
}

function valuesKey(partition: CatalogPartition): string {
  return JSON.stringify(partition.values);
}

function dedupe(partitions: readonly CatalogPartition[]): CatalogPartition[] {
  const seen = new Set<string>();
  return partitions.filter((p) => {
    const key = valuesKey(p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Write-then-rename: atomic on POSIX filesystems; a failed write leaves no temporary file. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(value, null, 2));
}
