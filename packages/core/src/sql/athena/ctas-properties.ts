import { UnsupportedSqlError, AthenaSqlSyntaxError } from "./errors";
import { isGroup, isWord, positionOf, significant, splitOnCommas, type Group } from "./tree";

/** One CTAS property value as written: 'text', a number, TRUE/FALSE or ARRAY['a', 'b']. */
export type CtasPropertyValue = string | number | boolean | readonly string[];

/** The `WITH (…)` of an Athena CTAS, parsed; the engine decides how to write the table from it. */
export interface CtasProperties {
  /** Upper-case storage format; Athena's default is PARQUET. */
  readonly format: string;
  readonly partitionedBy: readonly string[];
  readonly bucketedBy: readonly string[];
  readonly bucketCount?: number;
  readonly writeCompression?: string;
  readonly externalLocation?: string;
  readonly tableType?: string;
  /** Every property as written, keys lower-cased. */
  readonly all: Readonly<Record<string, CtasPropertyValue>>;
}

// Athena CTAS table properties.
// https://docs.aws.amazon.com/athena/latest/ug/create-table-as.html#ctas-table-properties
const KNOWN = new Set([
  "table_type", "external_location", "is_external", "location", "partitioning", "format", "write_compression",
  "orc_compression", "parquet_compression", "compression_level", "field_delimiter", "partitioned_by",
  "bucketed_by", "bucket_count", "vacuum_min_snapshots_to_keep", "vacuum_max_snapshot_age_seconds",
  "vacuum_max_metadata_files_to_keep", "optimize_rewrite_min_data_file_size_bytes",
  "optimize_rewrite_max_data_file_size_bytes", "optimize_rewrite_data_file_threshold",
  "optimize_rewrite_delete_file_threshold",
]);
const FORMATS = new Set(["PARQUET", "ORC", "AVRO", "JSON", "TEXTFILE"]);

function parseValue(name: string, nodes: ReturnType<typeof significant>): CtasPropertyValue {
  const [first, second] = nodes;
  const at = positionOf(first ?? nodes[0]!);
  if (nodes.length === 1 && first?.kind === "string") return first.value;
  if (nodes.length === 1 && first?.kind === "number") return Number(first.text);
  if (nodes.length === 1 && (isWord(first, "TRUE") || isWord(first, "FALSE"))) return isWord(first, "TRUE");
  if (nodes.length === 2 && isWord(first, "ARRAY") && isGroup(second, "[")) {
    return splitOnCommas(second.children).map((element) => {
      const items = significant(element);
      const item = items[0];
      if (items.length !== 1 || item?.kind !== "string") {
        throw new UnsupportedSqlError("table property", name, positionOf(item ?? second), "array elements must be string literals");
      }
      return item.value;
    });
  }
  throw new UnsupportedSqlError("table property", name, at, "values are 'text', numbers, TRUE/FALSE or ARRAY['…']");
}

function stringList(name: string, value: CtasPropertyValue | undefined, at: { line: number; column: number }): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new UnsupportedSqlError("table property", name, at, "expects ARRAY['column', …]");
  return (value as readonly string[]).map((column) => column.toLowerCase());
}

/** Parses the parenthesised property list of `CREATE TABLE … WITH (…) AS`. */
export function parseCtasProperties(group: Group): CtasProperties {
  const all: Record<string, CtasPropertyValue> = {};
  for (const entry of splitOnCommas(group.children)) {
    const nodes = significant(entry);
    const [key, eq, ...value] = nodes;
    if (key === undefined || (key.kind !== "word" && key.kind !== "quoted") || eq?.kind !== "operator" || eq.text !== "=") {
      throw new AthenaSqlSyntaxError("table property must be name = value", positionOf(key ?? group.open));
    }
    const name = key.value.toLowerCase();
    if (!KNOWN.has(name)) throw new UnsupportedSqlError("table property", key.value, key, "not an Athena CTAS property");
    if (name in all) throw new AthenaSqlSyntaxError(`table property "${name}" given twice`, key);
    all[name] = parseValue(name, value);
  }
  const at = group.open;
  const format = String(all.format ?? "PARQUET").toUpperCase();
  if (!FORMATS.has(format)) throw new UnsupportedSqlError("table property", "format", at, `format is one of ${[...FORMATS].join(", ")}`);
  const bucketCount = all.bucket_count;
  if (bucketCount !== undefined && typeof bucketCount !== "number") {
    throw new UnsupportedSqlError("table property", "bucket_count", at, "expects a number");
  }
  const text = (key: string): string | undefined => (typeof all[key] === "string" ? (all[key] as string) : undefined);
  return {
    format,
    partitionedBy: stringList("partitioned_by", all.partitioned_by, at),
    bucketedBy: stringList("bucketed_by", all.bucketed_by, at),
    ...(bucketCount !== undefined ? { bucketCount } : {}),
    ...(text("write_compression") !== undefined ? { writeCompression: text("write_compression")!.toUpperCase() } : {}),
    ...(text("external_location") !== undefined ? { externalLocation: text("external_location")! } : {}),
    ...(text("table_type") !== undefined ? { tableType: text("table_type")!.toUpperCase() } : {}),
    all,
  };
}
