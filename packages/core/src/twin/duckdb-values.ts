import type { JS } from "@duckdb/node-api";

/** Converts a DuckDB JS value to the port's plain shape: safe numbers, ISO timestamps, strings otherwise. */
export function toPlain(value: JS): unknown {
  if (value === null || typeof value === "number" || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "bigint") {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (Array.isArray(value)) return value.map(toPlain);
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) out[key] = toPlain(inner);
  return out;
}

/** DuckDB type for a catalog (Glue) column type. */
export function duckTypeOf(type: string): string {
  switch (type) {
    case "string":
      return "VARCHAR";
    case "double":
      return "DOUBLE";
    case "bigint":
      return "BIGINT";
    case "boolean":
      return "BOOLEAN";
    case "timestamp":
      return "TIMESTAMP";
    case "date":
      return "DATE";
    default:
      throw new Error(`no DuckDB type for catalog type "${type}"`);
  }
}

/** Double-quoted SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Single-quoted SQL string literal (for paths the twin itself produced, never user input). */
export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
