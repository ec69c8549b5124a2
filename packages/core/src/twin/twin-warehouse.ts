import { randomUUID } from "node:crypto";
import { mkdir } from "node:fs/promises";
import type { Catalog, CatalogColumn } from "../catalog/catalog";
import { parseS3Uri, s3Uri } from "../catalog/catalog";
import type { FsObjectStore } from "../lake/fs-object-store";
import type { ColumnType } from "../pipeline/types";
import type { QueryOptions, QueryResult, SqlValue } from "../query/query-engine";
import { QueryError } from "../query/query-engine";
import type { ExecuteResult, TextQueryResult, Warehouse } from "../query/warehouse";
import { translateAthenaSql } from "../sql";
import type { CtasProperties } from "../sql";
import { MAX_PARTITIONS_PER_STATEMENT } from "../transform/athena-sql";
import { athenaText, athenaTypeName } from "./athena-text";
import type { DuckDbQueryEngine } from "./duckdb-query-engine";
import { quoteIdent, quoteLiteral } from "./duckdb-values";
import { trinoErrorText } from "./trino-errors";

const INSERT_RE = /^\s*INSERT\s+INTO\s+("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_]*)\s+/i;
const VIEW_RE = /^\s*CREATE\s+(?:OR\s+REPLACE\s+)?VIEW\s+("(?:[^"]|"")+"|[A-Za-z_][\w.]*)\s+AS\s+/i;

/**
 * Athena on the twin: Athena SQL is translated for DuckDB, and statements keep Athena's semantics —
 * CTAS writes Parquet under `external_location` (which must be empty) and registers the table and
 * its partitions in the catalog; at most 100 partitions per CTAS or INSERT INTO; DROP TABLE leaves
 * the data in place; views are stored in the catalog as Athena SQL.
 */
export class TwinWarehouse implements Warehouse {
  readonly dialect = "athena" as const;

  constructor(
    private readonly engine: DuckDbQueryEngine,
    private readonly catalog: Catalog,
    private readonly store: FsObjectStore,
    private readonly database: string,
    /** Where a CTAS without external_location writes (Athena uses the workgroup's result location). */
    private readonly defaultTablesLocation: string,
  ) {}

  async query(sql: string, params?: Readonly<Record<string, SqlValue>>, options?: QueryOptions): Promise<QueryResult> {
    const translated = readOnly(sql);
    try {
      return await this.engine.query(translated, params, options);
    } catch (error) {
      throw this.inAthenaTerms(error, sql);
    }
  }

  /**
   * A read-only query's result as Athena's GetQueryResults gives it: Trino's type names and every
   * value as Athena's text (see `athenaText`). A column whose type Athena has no name for fails the
   * query with UnrenderableTypeError.
   */
  async queryText(sql: string, options?: QueryOptions): Promise<TextQueryResult> {
    const translated = readOnly(sql);
    let result;
    try {
      result = await this.engine.queryValues(translated, undefined, options);
    } catch (error) {
      throw this.inAthenaTerms(error, sql);
    }
    const { names, types, rows, bytesScanned } = result;
    const columns = names.map((name, i) => ({ name, type: athenaTypeName(types[i]!) }));
    return { columns, rows: rows.map((row) => row.map((value, i) => athenaText(value, types[i]!))), bytesScanned };
  }

  /**
   * DuckDB's wording for the errors a user meets most (a missing table or column) names DuckDB's
   * own catalog ("Did you mean pg_class?") and the translated SQL: say it as Athena does instead.
   */
  private inAthenaTerms(error: unknown, sql: string): unknown {
    if (!(error instanceof QueryError)) return error;
    const table = /^Catalog Error: Table with name (\S+) does not exist/.exec(error.message);
    if (table) {
      return new QueryError(`TABLE_NOT_FOUND: Table 'awsdatacatalog.${this.database}.${table[1]}' does not exist (\`sluice tables\` lists the catalog)`, sql, { cause: error });
    }
    const column = /^Binder Error: Referenced column "([^"]+)" not found/.exec(error.message);
    if (column) return new QueryError(`COLUMN_NOT_FOUND: Column '${column[1]}' cannot be resolved`, sql, { cause: error });
    return new QueryError(athenaWording(error.message), sql, { cause: error });
  }

  async execute(sql: string): Promise<ExecuteResult> {
    const insert = INSERT_RE.exec(sql);
    if (insert) return this.insertInto(unquote(insert[1]!), sql.slice(insert[0].length), sql);
    const translation = translateAthenaSql(sql);
    const statement = translation.statement;
    switch (statement.kind) {
      case "query":
        return { bytesScanned: (await this.engine.query(translation.sql)).bytesScanned };
      case "drop":
        return this.drop(statement.name, statement.objectType, statement.ifExists, sql);
      case "create_view":
        return this.createView(statement.name, statement.orReplace, statement.query, sql);
      case "create_table_as":
        return this.createTableAs(statement.name, statement.ifNotExists, statement.properties, statement.query, statement.withData, sql);
    }
  }

  private async drop(name: string, kind: "table" | "view", ifExists: boolean, sql: string): Promise<ExecuteResult> {
    const existing = await this.catalog.getTable(this.database, name);
    if (!existing || (kind === "view") !== (existing.kind === "view")) {
      if (ifExists) return { bytesScanned: 0 };
      throw new QueryError(`${kind === "view" ? "View" : "Table"} not found ${this.database}.${name}`, sql);
    }
    // Athena drops external tables from the catalog only: their objects stay in S3.
    await this.catalog.deleteTable(this.database, name);
    return { bytesScanned: 0 };
  }

  private async createView(name: string, orReplace: boolean, translatedQuery: string, sql: string): Promise<ExecuteResult> {
    const existing = await this.catalog.getTable(this.database, name);
    if (existing && (!orReplace || existing.kind !== "view")) {
      throw new QueryError(`line 1:1: ${existing.kind === "view" ? "View" : "Table"} '${this.database}.${name}' already exists`, sql);
    }
    const head = VIEW_RE.exec(sql);
    if (!head) throw new QueryError("could not find the view's query after AS", sql);
    const columns = await this.describe(translatedQuery, sql);
    await this.catalog.putTable({
      database: this.database,
      name,
      kind: "view",
      columns,
      partitionKeys: [],
      viewSql: sql.slice(head[0].length).trim().replace(/;\s*$/, ""),
      parameters: { presto_view: "true", comment: "Presto View" },
    });
    return { bytesScanned: 0 };
  }

  private async createTableAs(
    name: string,
    ifNotExists: boolean,
    properties: CtasProperties,
    query: string,
    withData: boolean,
    sql: string,
  ): Promise<ExecuteResult> {
    if (await this.catalog.getTable(this.database, name)) {
      if (ifNotExists) return { bytesScanned: 0 };
      throw new QueryError(`line 1:8: Table 'awsdatacatalog.${this.database}.${name}' already exists`, sql);
    }
    const format = String(properties.format ?? "PARQUET").toUpperCase();
    if (format !== "PARQUET") throw new QueryError(`the twin writes CTAS tables as PARQUET only, not ${format}`, sql);
    const location = properties.externalLocation ? String(properties.externalLocation) : s3Uri(parseS3Uri(this.defaultTablesLocation).bucket, `${parseS3Uri(this.defaultTablesLocation).prefix}${name}/${randomUUID()}/`);
    const { bucket, prefix } = parseS3Uri(location.endsWith("/") ? location : location + "/");
    if ((await this.store.list(bucket, prefix)).length > 0) {
      throw new QueryError(
        `HIVE_PATH_ALREADY_EXISTS: Target directory for table '${this.database}.${name}' already exists: ${location}. You may need to manually clean the data at location '${location}' before retrying. Athena will not delete data in your account.`,
        sql,
      );
    }
    const partitionKeys = (properties.partitionedBy ?? []).map((k) => String(k).toLowerCase());
    const all = await this.describe(query, sql);
    checkPartitionOrder(all, partitionKeys, sql);
    const compression = String(properties.writeCompression ?? "GZIP").toLowerCase();
    let written = { bytesScanned: 0, rowsWritten: 0 };
    if (withData) written = await this.copy(query, bucket, prefix, partitionKeys, compression, false, sql);
    await this.catalog.putTable({
      database: this.database,
      name,
      kind: "table",
      columns: all.filter((c) => !partitionKeys.includes(c.name)),
      partitionKeys,
      location: s3Uri(bucket, prefix),
      format: "parquet",
      compression: compression as "zstd" | "snappy" | "gzip" | "none",
      parameters: { classification: "parquet", has_encrypted_data: "false" },
    });
    await this.registerPartitions(name, bucket, prefix, partitionKeys);
    return written;
  }

  private async insertInto(name: string, athenaQuery: string, sql: string): Promise<ExecuteResult> {
    const table = await this.catalog.getTable(this.database, name);
    if (!table || table.kind !== "table" || !table.location) throw new QueryError(`Table ${this.database}.${name} does not exist`, sql);
    const translation = translateAthenaSql(athenaQuery);
    if (translation.statement.kind !== "query") throw new QueryError("INSERT INTO takes a SELECT", sql);
    const columns = await this.describe(translation.sql, sql);
    const expected = [...table.columns.map((c) => c.name), ...table.partitionKeys];
    if (columns.map((c) => c.name).join(",") !== expected.join(",")) {
      throw new QueryError(`Insert query has mismatched column names/order: table has [${expected.join(", ")}], query has [${columns.map((c) => c.name).join(", ")}]`, sql);
    }
    const { bucket, prefix } = parseS3Uri(table.location);
    const result = await this.copy(translation.sql, bucket, prefix, table.partitionKeys, table.compression ?? "gzip", true, sql);
    await this.registerPartitions(name, bucket, prefix, table.partitionKeys);
    return result;
  }

  /** COPY … TO the location as Parquet; partitions beyond Athena's 100 per statement fail the statement. */
  private async copy(query: string, bucket: string, prefix: string, partitionKeys: readonly string[], compression: string, append: boolean, sql: string) {
    const before = new Set((await this.store.list(bucket, prefix)).map((o) => o.key));
    const dir = this.store.pathOf(bucket, prefix.replace(/\/$/, "") || ".");
    const options = [`FORMAT parquet`, `COMPRESSION ${compression === "none" ? "uncompressed" : compression}`];
    const target = partitionKeys.length > 0 ? dir : `${dir}/${randomUUID()}.parquet`;
    // COPY to a single file does not create its folder (a partitioned COPY does).
    await mkdir(dir, { recursive: true });
    if (partitionKeys.length > 0) {
      options.push(`PARTITION_BY (${partitionKeys.map(quoteIdent).join(", ")})`, `FILENAME_PATTERN 'part-{uuid}'`, append ? "APPEND" : "OVERWRITE_OR_IGNORE");
    }
    const { bytesScanned, rows } = await this.engine.exec(`COPY (${query}) TO ${quoteLiteral(target)} (${options.join(", ")})`);
    const added = (await this.store.list(bucket, prefix)).map((o) => o.key).filter((k) => !before.has(k));
    const touched = new Set(added.map((k) => k.slice(0, k.lastIndexOf("/"))));
    if (touched.size > MAX_PARTITIONS_PER_STATEMENT) {
      for (const key of added) await this.store.delete(bucket, key);
      throw new QueryError(
        `HIVE_TOO_MANY_OPEN_PARTITIONS: Exceeded limit of ${MAX_PARTITIONS_PER_STATEMENT} open writers for partitions/buckets (this statement wrote ${touched.size}). Split the work into statements of at most ${MAX_PARTITIONS_PER_STATEMENT} partitions.`,
        sql,
      );
    }
    return { bytesScanned, rowsWritten: Number(rows[0]?.Count ?? 0) };
  }

  private async registerPartitions(name: string, bucket: string, prefix: string, partitionKeys: readonly string[]): Promise<void> {
    if (partitionKeys.length === 0) return;
    const seen = new Map<string, { values: string[]; location: string }>();
    for (const object of await this.store.list(bucket, prefix)) {
      const segments = object.key.slice(prefix.length).split("/").slice(0, partitionKeys.length);
      if (segments.length !== partitionKeys.length || !segments.every((s, i) => s.startsWith(`${partitionKeys[i]}=`))) continue;
      const values = segments.map((s) => decodeURIComponent(s.slice(s.indexOf("=") + 1)));
      seen.set(values.join("\u0000"), { values, location: s3Uri(bucket, prefix + segments.join("/") + "/") });
    }
    await this.catalog.replacePartitions(this.database, name, [...seen.values()]);
  }

  private async describe(query: string, sql: string): Promise<CatalogColumn[]> {
    const { rows } = await this.engine.exec(`DESCRIBE ${query}`);
    return rows.map((row) => ({ name: String(row.column_name), type: glueTypeOf(String(row.column_type), sql) }));
  }
}

// DuckDB's error classes, said with the Athena (Trino) error name a user would meet there.
const ERROR_NAMES: readonly (readonly [RegExp, string])[] = [
  // athena_divide / athena_modulus raise Trino's own message; Trino names it DIVISION_BY_ZERO.
  [/^Invalid Input Error: (?=Division by zero)/, "DIVISION_BY_ZERO: "],
  [/^Conversion Error: /, "INVALID_CAST_ARGUMENT: "],
  [/^Out of Range Error: /, "NUMERIC_VALUE_OUT_OF_RANGE: "],
  [/^Invalid Input Error: /, "INVALID_FUNCTION_ARGUMENT: "],
  [/^(Binder|Parser|Catalog) Error: /, "SYNTAX_ERROR: "],
  [/^IO Error: /, "HIVE_CANNOT_OPEN_SPLIT: "],
];

/**
 * A DuckDB message without its internals: the `LINE n:` excerpt of the translated (wrapper) SQL
 * and the caret under it, absolute paths (the lake, the home folder), and DuckDB's class name.
 */
export function athenaWording(message: string): string {
  let text = message.replace(/\n+\s*LINE \d+:[\s\S]*$/, "").trim();
  const trino = trinoErrorText(text);
  if (trino !== undefined) text = trino;
  else for (const [pattern, name] of ERROR_NAMES) text = text.replace(pattern, name);
  // Any absolute path is the twin's own (lake files, spill folder, home): never the client's business.
  return text.replace(/(?:[A-Za-z]:)?\/(?:[\w.@+-]+\/)+[\w.@*?+-]*/g, "<path>");
}

/** The DuckDB text of a SELECT / WITH / VALUES query; any other statement is refused as not read-only. */
function readOnly(sql: string): string {
  const translation = translateAthenaSql(sql);
  if (translation.statement.kind !== "query") {
    throw new QueryError(`only SELECT and WITH queries are read-only; this is a ${translation.statement.kind.replace(/_/g, " ")} statement`, sql);
  }
  return translation.sql;
}

function checkPartitionOrder(columns: readonly CatalogColumn[], partitionKeys: readonly string[], sql: string): void {
  if (partitionKeys.length === 0) return;
  const tail = columns.slice(-partitionKeys.length).map((c) => c.name);
  if (tail.join(",") !== partitionKeys.join(",")) {
    throw new QueryError(
      `HIVE_COLUMN_ORDER_MISMATCH: Partition keys must be the last columns in the table and in the same order as the table properties: [${partitionKeys.join(", ")}]`,
      sql,
    );
  }
}

/** Glue type of a DuckDB result type. */
function glueTypeOf(duckType: string, sql: string): ColumnType {
  const t = duckType.toUpperCase();
  if (t === "VARCHAR") return "string";
  if (t === "DOUBLE" || t === "FLOAT" || t.startsWith("DECIMAL")) return "double";
  if (["BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT", "UINTEGER"].includes(t)) return "bigint";
  if (t === "BOOLEAN") return "boolean";
  if (t.startsWith("TIMESTAMP")) return "timestamp";
  if (t === "DATE") return "date";
  throw new QueryError(`the twin cannot store a column of type ${duckType} in a table`, sql);
}

function unquote(name: string): string {
  return name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"').toLowerCase() : name.toLowerCase();
}
