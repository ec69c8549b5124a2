import type { Catalog, CatalogTable } from "../catalog/catalog";
import { parseS3Uri } from "../catalog/catalog";
import type { FsObjectStore } from "../lake/fs-object-store";
import { duckTypeOf, quoteIdent, quoteLiteral } from "./duckdb-values";

/** Translates a view's Athena SQL (Glue `ViewOriginalText`) into DuckDB SQL. */
export type ViewTranslator = (athenaSql: string) => string;

/** One statement that binds (or unbinds) a catalog name on the DuckDB connection. */
export interface BindStatement {
  readonly name: string;
  readonly sql: string;
}

/**
 * Builds the DuckDB views that stand for catalog tables. A table's view reads the exact object
 * paths of its registered partitions (what Athena's partition projection computes), never a
 * `**` glob over the lake; DuckDB's hive filter pushdown then opens only matching partitions.
 */
export class TableBinder {
  private readonly bound = new Map<string, string>();

  constructor(
    private readonly catalog: Catalog,
    private readonly store: FsObjectStore,
    private readonly translate: ViewTranslator,
  ) {}

  /** SQL statements that (re)create the views whose definition changed since the last call. */
  async statements(database: string): Promise<BindStatement[]> {
    const tables = await this.catalog.listTables(database);
    const out: BindStatement[] = [];
    const present = new Set<string>();
    const baseTables = tables.filter((t) => t.kind === "table");
    // Every table's files are listed concurrently: this runs before each statement.
    const selects = await Promise.allSettled(baseTables.map((table) => this.selectOf(database, table)));
    for (const [i, table] of baseTables.entries()) {
      present.add(table.name);
      const select = selects[i]!;
      if (select.status === "rejected") {
        out.push({ name: table.name, sql: this.stale(table.name, messageOf(select.reason)) });
        continue;
      }
      const sql = `CREATE OR REPLACE TEMP VIEW ${quoteIdent(table.name)} AS ${select.value}`;
      if (this.bound.get(table.name) !== sql) {
        out.push({ name: table.name, sql });
        this.bound.set(table.name, sql);
      }
    }
    // Views follow the tables they read, and the views they read (a fresh connection binds them in
    // this order). DuckDB checks a view's column types against what it saw at creation, so every
    // view is recreated when a table was rebound; otherwise only a view whose SQL changed (a lake
    // with many analytics views would pay for all of them on every query).
    const tablesChanged = out.length > 0;
    for (const view of dependencyOrder(tables.filter((t) => t.kind === "view"))) {
      present.add(view.name);
      let sql: string;
      try {
        sql = `CREATE OR REPLACE TEMP VIEW ${quoteIdent(view.name)} AS ${this.translate(view.viewSql ?? "")}`;
      } catch (error) {
        out.push({ name: view.name, sql: this.stale(view.name, messageOf(error)) });
        continue;
      }
      if (tablesChanged || this.bound.get(view.name) !== sql) {
        out.push({ name: view.name, sql });
        this.bound.set(view.name, sql);
      }
    }
    for (const name of [...this.bound.keys()].filter((n) => !present.has(n))) {
      out.push({ name, sql: `DROP VIEW IF EXISTS ${quoteIdent(name)}` });
      this.bound.delete(name);
    }
    return out;
  }

  /**
   * A stand-in for a name that cannot be bound (a view over a dropped table, an unreadable file):
   * like a stale view on Athena it fails only the queries that read it, never the whole catalog.
   * The name is bound again on the next call.
   */
  stale(name: string, reason: string): string {
    this.bound.set(name, "stale");
    const message = `${name} cannot be read (the view is stale or the table invalid): ${reason}`;
    // The filter makes DuckDB evaluate error() even for count(*), which needs no column.
    return `CREATE OR REPLACE TEMP VIEW ${quoteIdent(name)} AS SELECT * FROM (SELECT error(${quoteLiteral(message)}) AS stale) WHERE stale IS NULL`;
  }

  /** Every object path of a table: the objects under each registered partition (or the location). */
  async filesOf(database: string, table: CatalogTable): Promise<string[]> {
    const locations = table.partitionKeys.length > 0
      ? (await this.catalog.getPartitions(database, table.name)).map((p) => p.location)
      : table.location ? [table.location] : [];
    const perLocation = await Promise.all(
      locations.map(async (location) => {
        const { bucket, prefix } = parseS3Uri(location);
        return (await this.store.list(bucket, prefix)).filter((o) => isDataObject(o.key, table)).map((o) => this.store.pathOf(bucket, o.key));
      }),
    );
    return perLocation.flat();
  }

  private async selectOf(database: string, table: CatalogTable): Promise<string> {
    const columns = table.columns.map((c) => `CAST(${quoteIdent(c.name)} AS ${duckTypeOf(c.type)}) AS ${quoteIdent(c.name)}`);
    const partitions = table.partitionKeys.map((k) => `CAST(${quoteIdent(k)} AS VARCHAR) AS ${quoteIdent(k)}`);
    const files = await this.filesOf(database, table);
    if (files.length === 0) {
      const empty = [
        ...table.columns.map((c) => `CAST(NULL AS ${duckTypeOf(c.type)}) AS ${quoteIdent(c.name)}`),
        ...table.partitionKeys.map((k) => `CAST(NULL AS VARCHAR) AS ${quoteIdent(k)}`),
      ];
      return `SELECT ${empty.join(", ")} WHERE false`;
    }
    const list = `[${files.map(quoteLiteral).join(", ")}]`;
    const hive = table.partitionKeys.length > 0 ? ", hive_partitioning = true, hive_types_autocast = false" : "";
    const source =
      table.format === "parquet"
        ? `read_parquet(${list}${hive})`
        : `read_json(${list}, format = 'newline_delimited', compression = '${table.compression === "gzip" ? "gzip" : "auto_detect"}', columns = {${table.columns
            .map((c) => `${quoteLiteral(c.name)}: ${quoteLiteral(duckTypeOf(c.type))}`)
            .join(", ")}}${hive})`;
    return `SELECT ${[...columns, ...partitions].join(", ")} FROM ${source}`;
  }
}

/** Views ordered so that each comes after the views its SQL names. */
function dependencyOrder(views: readonly CatalogTable[]): CatalogTable[] {
  const out: CatalogTable[] = [];
  const seen = new Set<string>();
  const visit = (view: CatalogTable): void => {
    if (seen.has(view.name)) return; // done, or a cycle (Athena refuses those; order is moot then)
    seen.add(view.name);
    for (const other of views) if (other !== view && mentions(view.viewSql ?? "", other.name)) visit(other);
    out.push(view);
  };
  for (const view of views) visit(view);
  return out;
}

/** Whether SQL text names a catalog table (names are `[a-z0-9_]`, safe inside a pattern). */
function mentions(sql: string, name: string): boolean {
  return new RegExp(`(^|[^A-Za-z0-9_])${name}($|[^A-Za-z0-9_])`, "i").test(sql);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Skips the `_SUCCESS`-style markers and temporary files that are not table data. */
function isDataObject(key: string, table: CatalogTable): boolean {
  const name = key.slice(key.lastIndexOf("/") + 1);
  if (name.startsWith("_") || name.startsWith(".") || name.endsWith(".tmp")) return false;
  return table.format === "parquet" ? name.endsWith(".parquet") : true;
}
