import type { Column, StorageDescriptor, Table, TableInput } from "@aws-sdk/client-glue";
import type { CatalogColumn, CatalogTable, TableFormat } from "../catalog/catalog";
import type { ColumnType } from "../pipeline/types";

/** Hive/Glue storage classes of the two formats sluice writes. */
export const GLUE_FORMATS = {
  json: {
    InputFormat: "org.apache.hadoop.mapred.TextInputFormat",
    OutputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
    SerializationLibrary: "org.openx.data.jsonserde.JsonSerDe",
  },
  parquet: {
    InputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
    OutputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
    SerializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
  },
} as const;

/** The table parameter that holds a table's compression (the key a Glue crawler uses for JSON). */
const COMPRESSION_PARAMETER = { json: "compressionType", parquet: "parquet.compression" } as const;

/** Athena's marker around a view's definition in `ViewOriginalText`. */
const PRESTO_VIEW_RE = /^\/\* Presto View: ([A-Za-z0-9+/=]+) \*\/$/;

/** What Athena stores base64-encoded in `ViewOriginalText`. */
export interface PrestoViewDefinition {
  readonly originalSql: string;
  readonly catalog: string;
  readonly schema: string;
  readonly columns: readonly { name: string; type: string }[];
}

/** Glue's `ViewOriginalText` of an Athena view: `/* Presto View: <base64 JSON> *\/`. */
export function encodePrestoView(definition: PrestoViewDefinition): string {
  return `/* Presto View: ${Buffer.from(JSON.stringify(definition), "utf8").toString("base64")} */`;
}

/** The view's SQL from `ViewOriginalText`; text that is not Athena's encoding is returned as is. */
export function decodePrestoView(viewOriginalText: string): string {
  const match = PRESTO_VIEW_RE.exec(viewOriginalText.trim());
  if (!match) return viewOriginalText;
  const definition = JSON.parse(Buffer.from(match[1]!, "base64").toString("utf8")) as Partial<PrestoViewDefinition>;
  if (typeof definition.originalSql !== "string") throw new Error("a Presto view definition without originalSql");
  return definition.originalSql;
}

/** Trino's name for a catalog column type (Athena views record their columns in Trino types). */
function prestoTypeOf(type: ColumnType): string {
  return type === "string" ? "varchar" : type;
}

/** The port's column type for a Glue/Hive type; complex types have no port type and read as strings. */
export function columnTypeOf(glueType: string | undefined): ColumnType {
  const t = (glueType ?? "string").toLowerCase();
  if (["bigint", "int", "integer", "smallint", "tinyint"].includes(t)) return "bigint";
  if (t === "double" || t === "float" || t === "real" || t.startsWith("decimal")) return "double";
  if (t === "boolean") return "boolean";
  if (t.startsWith("timestamp")) return "timestamp";
  if (t === "date") return "date";
  return "string";
}

/** The Glue `TableInput` of a catalog table or view. */
export function tableInputOf(table: Omit<CatalogTable, "version" | "updatedAt">): TableInput {
  const columns: Column[] = table.columns.map((c) => ({ Name: c.name, Type: c.type, ...(c.comment ? { Comment: c.comment } : {}) }));
  if (table.kind === "view") {
    return {
      Name: table.name,
      TableType: "VIRTUAL_VIEW",
      Parameters: { presto_view: "true", comment: "Presto View", ...table.parameters },
      ViewOriginalText: encodePrestoView({
        originalSql: table.viewSql ?? "",
        catalog: "awsdatacatalog",
        schema: table.database,
        columns: table.columns.map((c) => ({ name: c.name, type: prestoTypeOf(c.type) })),
      }),
      ViewExpandedText: "/* Presto View */",
      PartitionKeys: [],
      StorageDescriptor: { Columns: columns, SerdeInfo: {} },
    };
  }
  const parameters: Record<string, string> = { EXTERNAL: "TRUE", ...table.parameters };
  if (table.format) {
    parameters.classification ??= table.format;
    if (table.compression) parameters[COMPRESSION_PARAMETER[table.format]] ??= table.compression;
  }
  return {
    Name: table.name,
    TableType: "EXTERNAL_TABLE",
    Parameters: parameters,
    PartitionKeys: table.partitionKeys.map((k) => ({ Name: k, Type: "string" })),
    StorageDescriptor: storageDescriptorOf(columns, table.location, table.format),
  };
}

function storageDescriptorOf(columns: Column[], location: string | undefined, format: TableFormat | undefined): StorageDescriptor {
  const classes = format ? GLUE_FORMATS[format] : undefined;
  return {
    Columns: columns,
    ...(location ? { Location: location } : {}),
    ...(classes ? { InputFormat: classes.InputFormat, OutputFormat: classes.OutputFormat } : {}),
    SerdeInfo: classes
      ? { SerializationLibrary: classes.SerializationLibrary, Parameters: format === "parquet" ? { "serialization.format": "1" } : { paths: columns.map((c) => c.Name).join(",") } }
      : {},
    Compressed: false,
    StoredAsSubDirectories: false,
  };
}

/** The catalog table of a Glue `Table`. */
export function catalogTableOf(database: string, table: Table): CatalogTable {
  const sd = table.StorageDescriptor ?? {};
  const parameters: Record<string, string> = { ...(table.Parameters ?? {}) };
  const isView = table.TableType === "VIRTUAL_VIEW";
  const columns: CatalogColumn[] = (sd.Columns ?? []).map((c) => ({
    name: c.Name ?? "",
    type: columnTypeOf(c.Type),
    ...(c.Comment ? { comment: c.Comment } : {}),
  }));
  const updated = table.UpdateTime ?? table.CreateTime;
  const base = {
    database: table.DatabaseName ?? database,
    name: table.Name ?? "",
    columns,
    parameters,
    // Glue's VersionId is a decimal string that grows with every UpdateTable.
    version: Number(table.VersionId ?? 0) || 0,
    updatedAt: (updated ?? new Date(0)).toISOString(),
  };
  if (isView) {
    return { ...base, kind: "view", partitionKeys: [], viewSql: decodePrestoView(table.ViewOriginalText ?? "") };
  }
  const format = formatOf(sd);
  const compression = format ? compressionOf(parameters[COMPRESSION_PARAMETER[format]]) : undefined;
  return {
    ...base,
    kind: "table",
    partitionKeys: (table.PartitionKeys ?? []).map((k) => k.Name ?? ""),
    ...(sd.Location ? { location: sd.Location } : {}),
    ...(format ? { format } : {}),
    ...(compression ? { compression } : {}),
  };
}

function formatOf(sd: StorageDescriptor): TableFormat | undefined {
  const serde = sd.SerdeInfo?.SerializationLibrary ?? "";
  if (/JsonSerDe/i.test(serde)) return "json";
  if (/Parquet/i.test(serde) || /Parquet/i.test(sd.InputFormat ?? "")) return "parquet";
  return undefined;
}

function compressionOf(value: string | undefined): CatalogTable["compression"] {
  const v = value?.toLowerCase();
  return v === "gzip" || v === "zstd" || v === "snappy" || v === "none" ? v : undefined;
}
