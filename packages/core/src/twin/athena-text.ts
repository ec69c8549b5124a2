import type {
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBType,
  DuckDBValue,
} from "@duckdb/node-api";

/**
 * A DuckDB result type or value the twin cannot say as Athena would (HUGEINT, INTERVAL, UUID…):
 * refused by name rather than rendered in some other engine's form.
 */
export class UnrenderableTypeError extends Error {
  override readonly name = "UnrenderableTypeError";
  constructor(readonly duckdbType: string) {
    super(`the twin cannot render a column of DuckDB type ${duckdbType} as Athena does (no Athena type matches it)`);
  }
}

// DuckDB's typeId numbers (enum DuckDBTypeId in @duckdb/node-api): a `const enum` cannot be imported
// type-only, and the engine loads the package with require() to keep `sluice` quick to start.
const T = {
  BOOLEAN: 1,
  TINYINT: 2,
  SMALLINT: 3,
  INTEGER: 4,
  BIGINT: 5,
  FLOAT: 10,
  DOUBLE: 11,
  TIMESTAMP: 12,
  DATE: 13,
  TIME: 14,
  VARCHAR: 17,
  BLOB: 18,
  DECIMAL: 19,
  TIMESTAMP_S: 20,
  TIMESTAMP_MS: 21,
  TIMESTAMP_NS: 22,
  LIST: 24,
  STRUCT: 25,
  MAP: 26,
  TIMESTAMP_TZ: 31,
  ARRAY: 33,
  SQLNULL: 36,
} as const;

/**
 * The Athena (Trino) name of a DuckDB result type, as Trino's `typeof` and Athena's DESCRIBE say it:
 * `bigint`, `double`, `real`, `varchar`, `decimal(10,2)`, `timestamp`, `array(integer)`,
 * `map(varchar, bigint)`, `row(x integer, y varchar)`. GetQueryResults' `ColumnInfo.Type` gives
 * only the head of it (`decimal` with `Precision`/`Scale`, `array`, `map`, `row`) and `float` for
 * real (https://docs.aws.amazon.com/athena/latest/APIReference/API_ColumnInfo.html).
 */
export function athenaTypeName(type: DuckDBType): string {
  switch (type.typeId as number) {
    case T.BOOLEAN:
      return "boolean";
    case T.TINYINT:
      return "tinyint";
    case T.SMALLINT:
      return "smallint";
    case T.INTEGER:
      return "integer";
    case T.BIGINT:
      return "bigint";
    case T.FLOAT:
      return "real";
    case T.DOUBLE:
      return "double";
    case T.DECIMAL: {
      const { width, scale } = type as unknown as { width: number; scale: number };
      return `decimal(${width},${scale})`;
    }
    case T.VARCHAR:
      return type.alias?.toUpperCase() === "JSON" ? "json" : "varchar";
    case T.DATE:
      return "date";
    case T.TIME:
      return "time";
    case T.TIMESTAMP:
    case T.TIMESTAMP_S:
    case T.TIMESTAMP_MS:
    case T.TIMESTAMP_NS:
      return "timestamp";
    case T.TIMESTAMP_TZ:
      return "timestamp with time zone";
    case T.BLOB:
      return "varbinary";
    // A NULL literal: Trino's type of `SELECT NULL` is unknown.
    case T.SQLNULL:
      return "unknown";
    case T.LIST:
    case T.ARRAY:
      return `array(${athenaTypeName((type as unknown as { valueType: DuckDBType }).valueType)})`;
    case T.MAP: {
      const map = type as unknown as { keyType: DuckDBType; valueType: DuckDBType };
      return `map(${athenaTypeName(map.keyType)}, ${athenaTypeName(map.valueType)})`;
    }
    case T.STRUCT: {
      const row = type as unknown as { entryNames: readonly string[]; entryTypes: readonly DuckDBType[] };
      // An anonymous field (ROW('Bob', 38)) has its type only: row(varchar, integer).
      return `row(${row.entryNames.map((name, i) => (name === "" ? "" : `${rowFieldName(name)} `) + athenaTypeName(row.entryTypes[i]!)).join(", ")})`;
    }
    default:
      throw new UnrenderableTypeError(type.toString());
  }
}

function rowFieldName(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/**
 * A value as Athena's GetQueryResults gives it in `VarCharValue` (every type as text; NULL has no
 * VarCharValue: `null` here), https://docs.aws.amazon.com/athena/latest/APIReference/API_Datum.html.
 * Text forms are Trino's: integers and decimals in plain digits with the decimal's scale (`1.50`),
 * double and real as Java's `Double.toString`/`Float.toString` (`37.7`, `1.0`, `1.0E10`, `NaN`),
 * booleans `true`/`false`, dates `2024-11-24`, timestamps `2024-11-24 13:00:00.000` (milliseconds,
 * the precision of a Hive/Glue `timestamp`; six digits when the value has microseconds), varbinary
 * as spaced hex bytes (`61 62`), arrays `[1, 2]`, maps `{a=1, b=2}`, rows `{x=1, y=b}` with nested
 * NULLs as `null` — the forms Athena's docs show and drivers parse (see docs/athena-sql.md).
 */
export function athenaText(value: DuckDBValue, type: DuckDBType): string | null {
  if (value === null) return null;
  switch (type.typeId as number) {
    case T.BOOLEAN:
      return value ? "true" : "false";
    case T.TINYINT:
    case T.SMALLINT:
    case T.INTEGER:
    case T.BIGINT:
      return String(value);
    case T.FLOAT:
      return javaFloatText(value as number);
    case T.DOUBLE:
      return javaDoubleText(value as number);
    case T.DECIMAL:
      return decimalText(value as DuckDBDecimalValue);
    case T.VARCHAR:
      return value as string;
    case T.DATE:
      return dateText((value as { days: number }).days);
    case T.TIME:
      return clockText((value as { micros: bigint }).micros);
    case T.TIMESTAMP:
    case T.TIMESTAMP_TZ:
      return timestampText((value as { micros: bigint }).micros) + ((type.typeId as number) === T.TIMESTAMP_TZ ? " UTC" : "");
    case T.TIMESTAMP_S:
      return timestampText((value as { seconds: bigint }).seconds * 1_000_000n);
    case T.TIMESTAMP_MS:
      return timestampText((value as { millis: bigint }).millis * 1000n);
    case T.TIMESTAMP_NS:
      return timestampText((value as { nanos: bigint }).nanos / 1000n);
    case T.BLOB:
      return [...(value as { bytes: Uint8Array }).bytes].map((b) => b.toString(16).padStart(2, "0")).join(" ");
    case T.LIST:
    case T.ARRAY: {
      const element = (type as unknown as { valueType: DuckDBType }).valueType;
      return `[${(value as DuckDBListValue).items.map((item) => nested(item, element)).join(", ")}]`;
    }
    case T.MAP: {
      const map = type as unknown as { keyType: DuckDBType; valueType: DuckDBType };
      return `{${(value as DuckDBMapValue).entries.map((e) => `${nested(e.key, map.keyType)}=${nested(e.value, map.valueType)}`).join(", ")}}`;
    }
    case T.STRUCT: {
      const row = type as unknown as { entryNames: readonly string[]; entryTypes: readonly DuckDBType[] };
      const entries = (value as DuckDBStructValue).entries;
      // Athena shows anonymous fields as field0, field1… (https://docs.aws.amazon.com/athena/latest/ug/creating-row.html),
      // but DuckDB's node API keys a struct's values by name: anonymous ones overwrite each other.
      if (new Set(row.entryNames).size !== row.entryNames.length || row.entryNames.includes("")) throw new UnrenderableTypeError(type.toString());
      return `{${row.entryNames.map((name, i) => `${name}=${nested(entries[name] ?? null, row.entryTypes[i]!)}`).join(", ")}}`;
    }
    default:
      // SQLNULL has only NULL values (handled above); anything else has no Athena form.
      throw new UnrenderableTypeError(type.toString());
  }
}

function nested(value: DuckDBValue, type: DuckDBType): string {
  return athenaText(value, type) ?? "null";
}

/**
 * Java's `Double.toString`: plain digits for 10^-3 ≤ |x| < 10^7 with at least one decimal
 * (`1.0`, `37.7`), otherwise `d.dddE±n` (`1.0E10`, `1.23456789E7`, `1.0E-4`), with the shortest
 * digits that read back as the same double (Java 19+, the same digits as JavaScript's).
 */
export function javaDoubleText(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Number.POSITIVE_INFINITY) return "Infinity";
  if (x === Number.NEGATIVE_INFINITY) return "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const magnitude = Math.abs(x);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    const text = String(x);
    return text.includes(".") ? text : `${text}.0`;
  }
  const [mantissa, exponent] = x.toExponential().split("e") as [string, string];
  return `${mantissa.includes(".") ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/** Java's `Float.toString`: the shortest digits that read back as the same 32-bit float, laid out as a double's. */
export function javaFloatText(x: number): string {
  if (!Number.isFinite(x) || x === 0) return javaDoubleText(x);
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(x.toPrecision(digits));
    if (Math.fround(candidate) === x) return javaDoubleText(candidate);
  }
  return javaDoubleText(x);
}

function decimalText(value: DuckDBDecimalValue): string {
  const negative = value.value < 0n;
  const digits = (negative ? -value.value : value.value).toString().padStart(value.scale + 1, "0");
  const whole = value.scale === 0 ? digits : `${digits.slice(0, -value.scale)}.${digits.slice(-value.scale)}`;
  return negative ? `-${whole}` : whole;
}

const MICROS_PER_DAY = 86_400_000_000n;

function dateText(days: number): string {
  const date = new Date(days * 86_400_000);
  // DuckDB's 'infinity' dates and timestamps: Trino has no such value.
  if (Number.isNaN(date.getTime())) throw new UnrenderableTypeError("DATE or TIMESTAMP 'infinity'");
  return date.toISOString().slice(0, 10);
}

function timestampText(micros: bigint): string {
  let days = micros / MICROS_PER_DAY;
  let rest = micros % MICROS_PER_DAY;
  if (rest < 0n) {
    rest += MICROS_PER_DAY;
    days -= 1n;
  }
  return `${dateText(Number(days))} ${clockText(rest)}`;
}

/** `HH:mm:ss.SSS`, or `HH:mm:ss.SSSSSS` when the value has microseconds below the millisecond. */
function clockText(micros: bigint): string {
  const pad = (n: bigint, width: number) => n.toString().padStart(width, "0");
  const seconds = micros / 1_000_000n;
  const fraction = micros % 1_000_000n;
  const clock = `${pad(seconds / 3600n, 2)}:${pad((seconds / 60n) % 60n, 2)}:${pad(seconds % 60n, 2)}`;
  return fraction % 1000n === 0n ? `${clock}.${pad(fraction / 1000n, 3)}` : `${clock}.${pad(fraction, 6)}`;
}
