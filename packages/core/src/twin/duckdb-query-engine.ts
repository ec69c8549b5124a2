import type { DuckDBConnection, DuckDBInstance, DuckDBType, DuckDBValue } from "@duckdb/node-api";
import { createRequire } from "node:module";
import type { Catalog } from "../catalog/catalog";
import type { FsObjectStore } from "../lake/fs-object-store";
import type { Logger } from "../log/logger";
import { silentLogger } from "../log/logger";
import type { QueryEngine, QueryOptions, QueryResult, SqlValue } from "../query/query-engine";
import { QueryCancelledError, QueryError } from "../query/query-engine";
import { toPlain } from "./duckdb-values";
import { TableBinder, type ViewTranslator } from "./table-binder";
import { TableFiles } from "./table-files";

// Loaded with require: an ESM import of this CommonJS package makes Node scan its ~120 re-exported
// files for export names, about 0.4 s of every `sluice query` start (bench/startup.ts).
const duckdb = createRequire(import.meta.url)("@duckdb/node-api") as typeof import("@duckdb/node-api");

/** What the twin's engine needs: the catalog it binds tables from and the lake it reads. */
export interface DuckDbQueryEngineOptions {
  readonly catalog: Catalog;
  readonly database: string;
  readonly store: FsObjectStore;
  readonly translateView: ViewTranslator;
  /** Statements run once on the database (e.g. the Athena compatibility macros). */
  readonly setup?: readonly string[];
  readonly logger?: Logger;
  /** DuckDB threads (default: all cores). */
  readonly threads?: number;
  /**
   * DuckDB's `memory_limit` (a size such as `1GB`; DuckDB's default is 80 % of RAM). Beyond it
   * sorts, aggregates and joins spill to the sandbox's temp directory instead of growing.
   */
  readonly memoryLimit?: string;
  /**
   * Connections reads are spread over (default 1): one DuckDB instance, so concurrent queries
   * share its buffer pool and threads but do not wait for each other. Statements from `exec`
   * (COPY, DESCRIBE) always run on the first.
   */
  readonly connections?: number;
  /**
   * When given, DuckDB may touch files only under these folders (the lake): a query naming
   * `'/etc/passwd'` as a table is refused. Its spill directory must be one of them.
   */
  readonly sandbox?: { readonly allowedDirectories: readonly string[]; readonly tempDirectory: string };
}

// duckdb_logs is one table for the instance: it is emptied only when no connection is between
// a query and the reading of its bytes, at most every this many statements. Reading a query's
// bytes scans the rows kept since the last truncation: at 200 statements that read was 4 ms of a
// 27 ms /series query on a 10 M-record lake; at 50 it is about a quarter of that.
const TRUNCATE_LOGS_EVERY = 50;

/** A result in DuckDB's terms: column names and types, rows of DuckDB values, bytes read. */
export interface DuckResult {
  readonly names: readonly string[];
  readonly types: readonly DuckDBType[];
  readonly rows: readonly (readonly DuckDBValue[])[];
  readonly bytesScanned: number;
}

/** One connection with the catalog views it has bound and the statements queued on it. */
class Lane {
  queue: Promise<unknown> = Promise.resolve();
  pending = 0;
  constructor(
    readonly connection: DuckDBConnection,
    readonly connectionId: bigint,
    readonly binder: TableBinder,
  ) {}
}

/**
 * The local twin's query engine: DuckDB over the filesystem lake, one instance and a pool of
 * connections. The catalog tables a statement reads are bound as (per-connection TEMP) views
 * before it runs, their file lists cached across statements and connections;
 * bytes scanned are the bytes DuckDB actually read from files for that statement, taken from its
 * FileSystem log (Athena bills the bytes it reads the same way).
 */
export class DuckDbQueryEngine implements QueryEngine {
  readonly dialect = "duckdb" as const;
  private readonly logger: Logger;
  private statementsSinceTruncate = 0;
  private inFlight = 0;
  private truncating: Promise<void> | undefined;
  private idle: (() => void) | undefined;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly lanes: readonly Lane[],
    private readonly options: DuckDbQueryEngineOptions,
    private readonly files: TableFiles,
  ) {
    this.logger = options.logger ?? silentLogger;
  }

  static async create(options: DuckDbQueryEngineOptions): Promise<DuckDbQueryEngine> {
    const config: Record<string, string> = {};
    if (options.threads) config.threads = String(options.threads);
    if (options.memoryLimit) config.memory_limit = options.memoryLimit;
    const instance = await duckdb.DuckDBInstance.create(":memory:", config);
    const first = await instance.connect();
    if (options.sandbox) {
      const list = options.sandbox.allowedDirectories.map((d) => `'${d.replace(/'/g, "''")}'`).join(", ");
      await first.run(`SET temp_directory = '${options.sandbox.tempDirectory.replace(/'/g, "''")}'`);
      await first.run(`SET allowed_directories = [${list}]`);
      await first.run("SET enable_external_access = false");
    }
    // Bytes scanned come from DuckDB's FileSystem log; its file cache would hide repeated reads.
    await first.run("SET enable_external_file_cache = false");
    await first.run("CALL enable_logging('FileSystem')");
    // Settings and macros belong to the database: every connection made after sees them.
    for (const statement of options.setup ?? []) await first.run(statement);
    const count = Math.max(1, Math.floor(options.connections ?? 1));
    const connections = [first];
    while (connections.length < count) connections.push(await instance.connect());
    // One file-list cache for every connection: a table's files are listed once, not once a lane.
    const files = new TableFiles(options.store);
    const lanes = await Promise.all(
      connections.map(async (connection) => {
        const id = (await connection.runAndReadAll("SELECT current_connection_id()")).getRowsJS()[0]![0] as bigint;
        return new Lane(connection, BigInt(id), new TableBinder(options.catalog, files, options.translateView));
      }),
    );
    return new DuckDbQueryEngine(instance, lanes, options, files);
  }

  /** How many connections reads are spread over. */
  get connections(): number {
    return this.lanes.length;
  }

  query(sql: string, params?: Readonly<Record<string, SqlValue>>, options: QueryOptions = {}): Promise<QueryResult> {
    return this.onLane(this.leastBusy(), options.signal, async (lane) => {
      const started = performance.now();
      const { reader, marker } = await this.run(lane, sql, params, options.signal);
      const names = reader.columnNames();
      const types = reader.columnTypes().map((t) => t.toString());
      const rows = reader.getRowObjectsJS().map((row) => {
        const out: Record<string, unknown> = {};
        for (const name of names) out[name] = toPlain(row[name] ?? null);
        return out;
      });
      const bytesScanned = await this.bytesRead(lane, marker);
      this.logger.debug("query", { ms: Math.round(performance.now() - started), rows: rows.length, bytesScanned, connection: Number(lane.connectionId) });
      return { columns: names.map((name, i) => ({ name, type: types[i]! })), rows, bytesScanned };
    });
  }

  /**
   * Like `query`, with DuckDB's own column types and values: for a rendering that needs them
   * exactly (a decimal's digits and scale, microseconds, nested types), such as Athena's result text.
   */
  queryValues(sql: string, params?: Readonly<Record<string, SqlValue>>, options: QueryOptions = {}): Promise<DuckResult> {
    return this.onLane(this.leastBusy(), options.signal, async (lane) => {
      const { reader, marker } = await this.run(lane, sql, params, options.signal);
      const result = { names: reader.columnNames(), types: reader.columnTypes(), rows: reader.getRows() };
      return { ...result, bytesScanned: await this.bytesRead(lane, marker) };
    });
  }

  /** Runs a statement (COPY, DESCRIBE …) with the catalog bound: the rows it returned and the bytes read. */
  exec(sql: string): Promise<{ bytesScanned: number; rows: Record<string, unknown>[] }> {
    return this.onLane(this.lanes[0]!, undefined, async (lane) => {
      // A COPY writes objects: a table check asked for after it must not join one from before.
      const { reader, marker } = await this.run(lane, sql, undefined, undefined).finally(() => this.files.forgetInFlight());
      const rows = reader.getRowObjectsJS().map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, toPlain(v)])));
      return { bytesScanned: await this.bytesRead(lane, marker), rows };
    });
  }

  /** The exact object paths a catalog table reads (for benchmarks and reports). */
  async filesOf(table: string): Promise<string[]> {
    const found = await this.options.catalog.getTable(this.options.database, table);
    return found ? this.lanes[0]!.binder.filesOf(this.options.database, found) : [];
  }

  async close(): Promise<void> {
    for (const lane of this.lanes) lane.connection.interrupt();
    await Promise.all(this.lanes.map((lane) => lane.queue.catch(() => undefined)));
    for (const lane of this.lanes) lane.connection.closeSync();
    this.instance.closeSync();
  }

  /** Binds the catalog, marks the log, runs the statement; an abort interrupts it. */
  private async run(lane: Lane, sql: string, params: Readonly<Record<string, SqlValue>> | undefined, signal: AbortSignal | undefined) {
    await this.bind(lane, sql);
    // The statement's log rows are those of this connection after this query's id.
    const marker = BigInt((await lane.connection.runAndReadAll("SELECT current_query_id()")).getRowsJS()[0]![0] as bigint);
    if (signal?.aborted) throw new QueryCancelledError(signal.reason);
    const interrupt = () => lane.connection.interrupt();
    signal?.addEventListener("abort", interrupt, { once: true });
    try {
      return { reader: await lane.connection.runAndReadAll(sql, params ? toDuckParams(params) : undefined), marker };
    } catch (error) {
      if (signal?.aborted) throw new QueryCancelledError(signal.reason, { cause: error });
      throw new QueryError(messageOf(error), sql, { cause: error });
    } finally {
      signal?.removeEventListener("abort", interrupt);
    }
  }

  /** Binds the catalog names the statement reads (and drops those gone from the catalog). */
  private async bind(lane: Lane, sql: string): Promise<void> {
    for (const statement of await lane.binder.statements(this.options.database, sql)) {
      try {
        await lane.connection.run(statement.sql);
      } catch (error) {
        // One name that cannot be bound must not fail queries that never read it.
        this.logger.warn("catalog table not bound", { table: statement.name, error: messageOf(error) });
        await lane.connection.run(lane.binder.stale(statement.name, messageOf(error)));
      }
    }
  }

  /** Bytes this lane's last statement read (log rows of its connection after the marker). */
  private async bytesRead(lane: Lane, marker: bigint): Promise<number> {
    const reader = await lane.connection.runAndReadAll(
      `SELECT coalesce(sum(TRY_CAST(json_extract_string(message, '$.bytes') AS BIGINT)), 0) AS bytes
         FROM duckdb_logs WHERE type = 'FileSystem' AND connection_id = $connection AND query_id > $marker
          AND json_extract_string(message, '$.op') = 'READ'`,
      { connection: lane.connectionId, marker },
    );
    return Number(reader.getRowsJS()[0]?.[0] ?? 0);
  }

  private leastBusy(): Lane {
    return this.lanes.reduce((best, lane) => (lane.pending < best.pending ? lane : best));
  }

  /** Queues work on a lane; the log is emptied between statements once every lane is idle. */
  private onLane<T>(lane: Lane, signal: AbortSignal | undefined, work: (lane: Lane) => Promise<T>): Promise<T> {
    lane.pending += 1;
    const start = async (): Promise<T> => {
      if (signal?.aborted) throw new QueryCancelledError(signal.reason);
      while (this.truncating) await this.truncating;
      this.inFlight += 1;
      try {
        return await work(lane);
      } finally {
        this.inFlight -= 1;
        this.statementsSinceTruncate += 1;
        if (this.inFlight === 0) this.idle?.();
        if (this.statementsSinceTruncate >= TRUNCATE_LOGS_EVERY && !this.truncating) this.truncating = this.truncateLogs();
      }
    };
    const next = lane.queue.then(start, start);
    lane.queue = next.catch(() => undefined);
    return next.finally(() => {
      lane.pending -= 1;
    });
  }

  private async truncateLogs(): Promise<void> {
    if (this.inFlight > 0) await new Promise<void>((done) => (this.idle = done));
    this.idle = undefined;
    try {
      await this.lanes[0]!.connection.run("CALL truncate_duckdb_logs()");
      this.statementsSinceTruncate = 0;
    } finally {
      this.truncating = undefined;
    }
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
