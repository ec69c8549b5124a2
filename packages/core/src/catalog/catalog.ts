import type { ColumnType } from "../pipeline/types";

/** A column of a catalog table (Glue `Column`). */
export interface CatalogColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly comment?: string;
}

/** Storage format of a table's objects. */
export type TableFormat = "json" | "parquet";

/** A table or view as Glue's Data Catalog holds it; `location` is an `s3://bucket/prefix/` URI. */
export interface CatalogTable {
  readonly database: string;
  readonly name: string;
  readonly kind: "table" | "view";
  readonly columns: readonly CatalogColumn[];
  /** Partition columns, always strings, in path order (as a Glue crawler makes them). */
  readonly partitionKeys: readonly string[];
  readonly location?: string;
  readonly format?: TableFormat;
  readonly compression?: "gzip" | "zstd" | "snappy" | "none";
  /** Athena SQL of a view (Glue `ViewOriginalText`). */
  readonly viewSql?: string;
  readonly parameters: Readonly<Record<string, string>>;
  /** Bumped on every change (Glue `VersionId`). */
  readonly version: number;
  readonly updatedAt: string;
}

/** One partition: its values (in `partitionKeys` order) and its `s3://` location. */
export interface CatalogPartition {
  readonly values: readonly string[];
  readonly location: string;
}

/** A table the catalog does not hold. */
export class TableNotFoundError extends Error {
  override readonly name = "TableNotFoundError";
  constructor(
    readonly database: string,
    readonly table: string,
  ) {
    super(`table ${database}.${table} does not exist`);
  }
}

/**
 * The catalog port (the twin of the Glue Data Catalog): `GlueCatalog` on AWS, `FsCatalog` locally.
 * `putTable` creates or replaces; `version` and `updatedAt` are set by the catalog.
 */
export interface Catalog {
  getTable(database: string, name: string): Promise<CatalogTable | undefined>;
  listTables(database: string): Promise<CatalogTable[]>;
  putTable(table: Omit<CatalogTable, "version" | "updatedAt">): Promise<CatalogTable>;
  deleteTable(database: string, name: string): Promise<boolean>;
  getPartitions(database: string, table: string): Promise<CatalogPartition[]>;
  /** Adds partitions that are not there yet (by values); returns how many were new. */
  addPartitions(database: string, table: string, partitions: readonly CatalogPartition[]): Promise<number>;
  /** Replaces the whole partition list (used after a CTAS rewrote the table). */
  replacePartitions(database: string, table: string, partitions: readonly CatalogPartition[]): Promise<void>;
}

/** Splits `s3://bucket/some/prefix/` into bucket and key prefix. */
export function parseS3Uri(uri: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new Error(`not an s3:// URI: ${JSON.stringify(uri)}`);
  return { bucket: match[1]!, prefix: match[2]! };
}

/** `s3://bucket/prefix` with exactly one trailing slash on a non-empty prefix. */
export function s3Uri(bucket: string, prefix: string): string {
  const clean = prefix.replace(/^\/+/, "");
  return `s3://${bucket}/${clean && !clean.endsWith("/") ? clean + "/" : clean}`;
}
