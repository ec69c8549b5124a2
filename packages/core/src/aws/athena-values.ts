import type { ColumnInfo, Datum } from "@aws-sdk/client-athena";

/**
 * A result value typed by its column: Athena returns every value as `VarCharValue` text (absent for
 * NULL). Numbers become numbers (a bigint past 2^53 stays a string, as on the twin), booleans
 * booleans, and timestamps the twin's ISO form (`2024-11-24T13:00:00.000Z`, Athena's `timestamp` has
 * no zone and sluice's are UTC), dates midnight UTC in the same form; everything else is Athena's text.
 */
export function typedValue(datum: Datum | undefined, column: ColumnInfo | undefined): unknown {
  const text = datum?.VarCharValue;
  if (text === undefined) return null;
  const type = (column?.Type ?? "varchar").toLowerCase();
  switch (type) {
    case "tinyint":
    case "smallint":
    case "integer":
    case "int":
    case "bigint": {
      const n = Number(text);
      return Number.isSafeInteger(n) ? n : text;
    }
    case "double":
    case "float":
    case "real":
    case "decimal":
      return numberOf(text);
    case "boolean":
      return text === "true";
    case "timestamp":
      return isoTimestamp(text) ?? text;
    case "date":
      return /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00.000Z` : text;
    case "timestamp with time zone": {
      // Only UTC values convert without a zone database; others keep Athena's text.
      const utc = /^(.*) UTC$/.exec(text);
      return (utc && isoTimestamp(utc[1]!)) ?? text;
    }
    default:
      return type.startsWith("decimal") ? numberOf(text) : text;
  }
}

function numberOf(text: string): number | string {
  if (text === "NaN") return Number.NaN;
  if (text === "Infinity") return Number.POSITIVE_INFINITY;
  if (text === "-Infinity") return Number.NEGATIVE_INFINITY;
  const n = Number(text);
  return Number.isNaN(n) ? text : n;
}

/** `2024-11-24 13:00:00.123` → `2024-11-24T13:00:00.123Z`. */
function isoTimestamp(text: string): string | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?$/.exec(text);
  if (!match) return undefined;
  const millis = (match[3] ?? ".000").slice(1).padEnd(3, "0").slice(0, 3);
  return `${match[1]}T${match[2]}.${millis}Z`;
}
