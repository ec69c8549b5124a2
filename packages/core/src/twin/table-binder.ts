import type { Catalog, CatalogTable } from "../catalog/catalog";
import { duckTypeOf, quoteIdent, quoteLiteral } from "./duckdb-values";
import type { TableFiles } from "./table-files";

/** Translates a view's Athena SQL (Glue `ViewOriginalText`) into DuckDB SQL. */
export type ViewTranslator = (athenaSql: string) => string;

/** One statement that binds (or unbinds) a catalog name on the DuckDB connection. */
export interface BindStatement {
  readonly name: string;
  readonly sql: string;
}

/** A name bound on the connection: its SQL, when it was bound, and (views) what it was bound over. */
interface Bound {
  readonly sql: string;
  /** Increases on every (re)bind of any name: a dependent compares it with what it saw. */
  readonly generation: number;
  /** A view's dependencies as `name:generation` at the time it was bound. */
  readonly over: string;
}

/**
 * Binds catalog tables as DuckDB views, only those a statement reads. A table's view reads the
 * exact object paths of its registered partitions (what Athena's partition projection computes),
 * never a `**` glob over the lake; DuckDB's hive filter pushdown then opens only matching
 * partitions. A statement's names are found by scanning its SQL for catalog names (a word that
 * happens to be a table name only costs a bind), then through the SQL of the views it reads.
 */
export class TableBinder {
  private readonly bound = new Map<string, Bound>();
  private generation = 0;

  constructor(
    private readonly catalog: Catalog,
    private readonly files: TableFiles,
    private readonly translate: ViewTranslator,
  ) {}

  /**
   * Statements that (re)create what `sql` reads and changed since it was last bound, and drop
   * the names that left the catalog.
   */
  async statements(database: string, sql: string): Promise<BindStatement[]> {
    const catalog = new Map((await this.catalog.listTables(database)).map((t) => [t.name, t]));
    const out: BindStatement[] = [];
    for (const name of [...this.bound.keys()].filter((n) => !catalog.has(n))) {
      out.push({ name, sql: `DROP VIEW IF EXISTS ${quoteIdent(name)}` });
      this.bound.delete(name);
      this.files.forget(name);
    }
    const read = readSet(sql, catalog);
    const tables = [...read].filter((t) => t.kind === "table");
    // The tables' files are listed concurrently (each is a cache check when nothing changed).
    const selects = await Promise.allSettled(tables.map((table) => this.selectOf(database, table)));
    for (const [i, table] of tables.entries()) {
      const select = selects[i]!;
      if (select.status === "rejected") out.push({ name: table.name, sql: this.stale(table.name, messageOf(select.reason)) });
      else this.bindIfChanged(out, table.name, `CREATE OR REPLACE TEMP VIEW ${quoteIdent(table.name)} AS ${select.value}`, "");
    }
    // Views after the tables and views they read. DuckDB checks a view's column types against what
    // it saw at creation, so a view is recreated when anything it reads was rebound since.
    for (const view of dependencyOrder([...read].filter((t) => t.kind === "view"), catalog)) {
      let viewSql: string;
      try {
        viewSql = `CREATE OR REPLACE TEMP VIEW ${quoteIdent(view.name)} AS ${this.translate(view.viewSql ?? "")}`;
      } catch (error) {
        out.push({ name: view.name, sql: this.stale(view.name, messageOf(error)) });
        continue;
      }
      const over = [...namesIn(view.viewSql ?? "", catalog)]
        .filter((n) => n !== view.name)
        .sort()
        .map((n) => `${n}:${this.bound.get(n)?.generation ?? "unbound"}`)
        .join(",");
      this.bindIfChanged(out, view.name, viewSql, over);
    }
    return out;
  }

  /**
   * A stand-in for a name that cannot be bound (a view over a dropped table, an unreadable file):
   * like a stale view on Athena it fails only the queries that read it, never the whole catalog.
   * The name is bound again the next time a statement reads it.
   */
  stale(name: string, reason: string): string {
    this.bound.set(name, { sql: "stale", generation: ++this.generation, over: "" });
    const message = `${name} cannot be read (the view is stale or the table invalid): ${reason}`;
    // The filter makes DuckDB evaluate error() even for count(*), which needs no column.
    return `CREATE OR REPLACE TEMP VIEW ${quoteIdent(name)} AS SELECT * FROM (SELECT error(${quoteLiteral(message)}) AS stale) WHERE stale IS NULL`;
  }

  /** Every object path of a table: the objects under each registered partition (or the location). */
  async filesOf(database: string, table: CatalogTable): Promise<string[]> {
    const locations =
      table.partitionKeys.length > 0
        ? (await this.catalog.getPartitions(database, table.name)).map((p) => p.location)
        : table.location
          ? [table.location]
          : [];
    return this.files.of(table, locations);
  }

  private bindIfChanged(out: BindStatement[], name: string, sql: string, over: string): void {
    const bound = this.bound.get(name);
    if (bound && bound.sql === sql && bound.over === over) return;
    out.push({ name, sql });
    this.bound.set(name, { sql, generation: ++this.generation, over });
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

/** The catalog entries a statement reads: the names its SQL mentions, and through views, theirs. */
function readSet(sql: string, catalog: ReadonlyMap<string, CatalogTable>): Set<CatalogTable> {
  const out = new Set<CatalogTable>();
  const visit = (name: string): void => {
    const entry = catalog.get(name)!;
    if (out.has(entry)) return;
    out.add(entry);
    if (entry.kind === "view") for (const next of namesIn(entry.viewSql ?? "", catalog)) visit(next);
  };
  for (const name of namesIn(sql, catalog)) visit(name);
  return out;
}

/** Views ordered so that each comes after the views its SQL names. */
function dependencyOrder(views: readonly CatalogTable[], catalog: ReadonlyMap<string, CatalogTable>): CatalogTable[] {
  const out: CatalogTable[] = [];
  const seen = new Set<string>();
  const visit = (view: CatalogTable): void => {
    if (seen.has(view.name)) return; // done, or a cycle (Athena refuses those; order is moot then)
    seen.add(view.name);
    for (const name of namesIn(view.viewSql ?? "", catalog)) {
      const other = catalog.get(name)!;
      if (other !== view && other.kind === "view") visit(other);
    }
    out.push(view);
  };
  for (const view of views) visit(view);
  return out;
}

/**
 * The catalog names that occur in SQL text as words (catalog names are `[a-z0-9_]`, and DuckDB
 * and Athena fold unquoted and quoted identifiers alike for them). A word inside a string literal
 * or a column that shares a table's name is a false positive, which costs one bind.
 */
function namesIn(sql: string, catalog: ReadonlyMap<string, CatalogTable>): Set<string> {
  const out = new Set<string>();
  for (const word of sql.toLowerCase().match(/[a-z0-9_]+/g) ?? []) if (catalog.has(word)) out.add(word);
  return out;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
