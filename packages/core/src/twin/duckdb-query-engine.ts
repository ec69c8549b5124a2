import { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type { Catalog } from "../catalog/catalog";
import type { FsObjectStore } from "../lake/fs-object-store";
import type { Logger } from "../log/logger";
import { silentLogger } from "../log/logger";
import type { QueryEngine, QueryResult, SqlValue } from "../query/query-engine";
import { QueryError } from "../query/query-engine";
import { toPlain } from "./duckdb-values";
import { TableBinder, type ViewTranslator } from "./table-binder";

/** What the twin's engine needs: the catalog it binds tables from and the lake it reads. */
export interface DuckDbQueryEngineOptions {
  readonly catalog: Catalog;
  readonly database: string;
  readonly store: FsObjectStore;
  readonly translateView: ViewTranslator;
  /** Statements run once on the connection (e.g. the Athena compatibility macros). */
  readonly setup?: readonly string[];
  readonly logger?: Logger;
  /** DuckDB threads (default: all cores). */
  readonly threads?: number;
  /**
   * When given, DuckDB may touch files only under these folders (the lake): a query naming
   * `'/etc/passwd'` as a table is refused. Its spill directory must be one of them.
   */
  readonly sandbox?: { readonly allowedDirectories: readonly string[]; readonly tempDirectory: string };
}

/**
 * The local twin's query engine: DuckDB over the filesystem lake. Catalog tables are bound as
 * views before each statement; bytes scanned are the bytes DuckDB actually read from files,
 * taken from its FileSystem log (Athena bills the bytes it reads the same way).
 */
export class DuckDbQueryEngine implements QueryEngine {
  readonly dialect = "duckdb" as const;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly binder: TableBinder;
  private readonly logger: Logger;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly options: DuckDbQueryEngineOptions,
  ) {
    this.binder = new TableBinder(options.catalog, options.store, options.translateView);
    this.logger = options.logger ?? silentLogger;
  }

  static async create(options: DuckDbQueryEngineOptions): Promise<DuckDbQueryEngine> {
    const instance = await DuckDBInstance.create(":memory:", options.threads ? { threads: String(options.threads) } : {});
    const connection = await instance.connect();
    if (options.sandbox) {
      const list = options.sandbox.allowedDirectories.map((d) => `'${d.replace(/'/g, "''")}'`).join(", ");
      await connection.run(`SET temp_directory = '${options.sandbox.tempDirectory.replace(/'/g, "''")}'`);
      await connection.run(`SET allowed_directories = [${list}]`);
      await connection.run("SET enable_external_access = false");
    }
    // Bytes scanned come from DuckDB's FileSystem log; its file cache would hide repeated reads.
    await connection.run("SET enable_external_file_cache = false");
    await connection.run("CALL enable_logging('FileSystem')");
    for (const statement of options.setup ?? []) await connection.run(statement);
    return new DuckDbQueryEngine(instance, connection, options);
  }

  query(sql: string, params?: Readonly<Record<string, SqlValue>>): Promise<QueryResult> {
    return this.serialized(async () => {
      await this.bind();
      await this.connection.run("CALL truncate_duckdb_logs()");
      const started = performance.now();
      let reader;
      try {
        reader = await this.connection.runAndReadAll(sql, params ? toDuckParams(params) : undefined);
      } catch (error) {
        throw new QueryError(messageOf(error), sql, { cause: error });
      }
      const names = reader.columnNames();
      const types = reader.columnTypes().map((t) => t.toString());
      const rows = reader.getRowObjectsJS().map((row) => {
        const out: Record<string, unknown> = {};
        for (const name of names) out[name] = toPlain(row[name] ?? null);
        return out;
      });
      const bytesScanned = await this.bytesRead();
      this.logger.debug("query", { ms: Math.round(performance.now() - started), rows: rows.length, bytesScanned });
      return { columns: names.map((name, i) => ({ name, type: types[i]! })), rows, bytesScanned };
    });
  }

  /** Runs a statement (COPY, DESCRIBE …) with the catalog bound: the rows it returned and the bytes read. */
  exec(sql: string): Promise<{ bytesScanned: number; rows: Record<string, unknown>[] }> {
    return this.serialized(async () => {
      await this.bind();
      await this.connection.run("CALL truncate_duckdb_logs()");
      let rows: Record<string, unknown>[];
      try {
        const reader = await this.connection.runAndReadAll(sql);
        rows = reader.getRowObjectsJS().map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, toPlain(v)])));
      } catch (error) {
        throw new QueryError(messageOf(error), sql, { cause: error });
      }
      return { bytesScanned: await this.bytesRead(), rows };
    });
  }

  /** The exact object paths a catalog table reads (for benchmarks and reports). */
  async filesOf(table: string): Promise<string[]> {
    const found = await this.options.catalog.getTable(this.options.database, table);
    return found ? this.binder.filesOf(this.options.database, found) : [];
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    this.connection.closeSync();
    this.instance.closeSync();
  }

  private async bind(): Promise<void> {
    for (const statement of await this.binder.statements(this.options.database)) {
      try {
        await this.connection.run(statement.sql);
      } catch (error) {
        // One name that cannot be bound must not fail queries that never read it.
        this.logger.warn("catalog table not bound", { table: statement.name, error: messageOf(error) });
        await this.connection.run(this.binder.stale(statement.name, messageOf(error)));
      }
    }
  }

  private async bytesRead(): Promise<number> {
    const reader = await this.connection.runAndReadAll(
      `SELECT coalesce(sum(TRY_CAST(json_extract_string(message, '$.bytes') AS BIGINT)), 0) AS bytes
         FROM duckdb_logs WHERE type = 'FileSystem' AND json_extract_string(message, '$.op') = 'READ'`,
    );
    return Number(reader.getRowsJS()[0]?.[0] ?? 0);
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

function toDuckParams(params: Readonly<Record<string, SqlValue>>): Record<string, string | number | bigint | boolean | null> {
  const out: Record<string, string | number | bigint | boolean | null> = {};
  for (const [key, value] of Object.entries(params)) out[key] = value instanceof Date ? value.toISOString() : value;
  return out;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
