import { basename } from "node:path";
import type { CatalogTable } from "../catalog/catalog";
import { parseS3Uri } from "../catalog/catalog";
import type { FolderStamp, FsObjectStore } from "../lake/fs-object-store";
import { SingleFlight } from "../lake/single-flight";

/** What one partition location listed: its object paths and the stamps of the folders read. */
interface Listing {
  readonly paths: readonly string[];
  readonly folders: readonly FolderStamp[];
}

/**
 * The object paths of catalog tables, cached per partition location and shared by every
 * connection. A location is listed again only when a folder its listing read has changed (a new
 * object in an existing partition, an INSERT INTO, a delete): checking costs one `stat` a folder
 * instead of a directory read and a `stat` an object. A location no partition names any more is
 * forgotten.
 */
export class TableFiles {
  private readonly tables = new Map<string, Map<string, Listing>>();
  private readonly checks = new SingleFlight<string[]>();

  constructor(private readonly store: FsObjectStore) {}

  /**
   * Every data object path of a table: the objects under each location it reads. Statements that
   * bind the same table at the same time share one check (`forgetInFlight` after a write).
   */
  of(table: CatalogTable, locations: readonly string[]): Promise<string[]> {
    return this.checks.run(`${table.name}\u0000${table.version}\u0000${locations.join("\u0000")}`, () => this.check(table, locations));
  }

  /** The engine wrote objects (COPY): a check asked for from now on must not join one started before. */
  forgetInFlight(): void {
    this.checks.forget();
  }

  private async check(table: CatalogTable, locations: readonly string[]): Promise<string[]> {
    const previous = this.tables.get(table.name) ?? new Map<string, Listing>();
    const next = new Map<string, Listing>();
    const listings = await Promise.all(
      locations.map(async (location) => {
        const cached = previous.get(location);
        const listing = cached && (await this.store.unchanged(cached.folders)) ? cached : await this.list(location);
        next.set(location, listing);
        return listing;
      }),
    );
    this.tables.set(table.name, next);
    return listings.flatMap((l) => l.paths.filter((path) => isDataObject(path, table)));
  }

  /** Drops what is cached for a table (its name left the catalog). */
  forget(name: string): void {
    this.tables.delete(name);
  }

  private async list(location: string): Promise<Listing> {
    const { bucket, prefix } = parseS3Uri(location);
    const { objects, folders } = await this.store.listStamped(bucket, prefix);
    return { paths: objects.map((o) => this.store.pathOf(bucket, o.key)), folders };
  }
}

/** Skips the `_SUCCESS`-style markers and temporary files that are not table data. */
function isDataObject(path: string, table: CatalogTable): boolean {
  const name = basename(path);
  if (name.startsWith("_") || name.startsWith(".") || name.endsWith(".tmp")) return false;
  return table.format === "parquet" ? name.endsWith(".parquet") : true;
}
