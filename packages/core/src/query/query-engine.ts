/** A value that may be bound to a query parameter. */
export type SqlValue = string | number | bigint | boolean | null | Date;

/** One column of a result, with the engine's type name. */
export interface ResultColumn {
  readonly name: string;
  readonly type: string;
}

/** Rows as plain objects keyed by column name; numbers for numeric types, ISO strings for timestamps. */
export interface QueryResult {
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly Record<string, unknown>[];
  /** Bytes the engine read to answer (Athena's `DataScannedInBytes`; on the twin, the size of the files opened). */
  readonly bytesScanned: number;
}

/** SQL dialect a query is written in. Domain SQL builders take it to emit the right text for each engine. */
export type SqlDialect = "duckdb" | "athena";

/**
 * The query port. `AthenaQueryEngine` runs Athena (Trino) SQL on AWS; `DuckDbQueryEngine` runs the twin.
 * Parameters are bound by name (`$name` on DuckDB, translated to positional `?` for Athena).
 */
export interface QueryEngine {
  readonly dialect: SqlDialect;
  query(sql: string, params?: Readonly<Record<string, SqlValue>>, options?: QueryOptions): Promise<QueryResult>;
}

/** How one query may be stopped early. */
export interface QueryOptions {
  /** Aborting it cancels the query (a time limit, a client gone); the engine then throws QueryCancelledError. */
  readonly signal?: AbortSignal;
}

/** A query stopped by its signal before it finished; `reason` is the signal's reason. */
export class QueryCancelledError extends Error {
  override readonly name = "QueryCancelledError";
  constructor(
    readonly reason: unknown,
    options?: { cause?: unknown },
  ) {
    super(`the query was cancelled: ${reason instanceof Error ? reason.message : String(reason)}`, options);
  }
}

/** A query the engine rejected or could not run, with the engine's own reason. */
export class QueryError extends Error {
  override readonly name = "QueryError";
  constructor(
    message: string,
    readonly sql: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
