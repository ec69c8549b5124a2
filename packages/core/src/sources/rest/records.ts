import type { ColumnSpec } from "../../pipeline/types";
import type { RestSourceConfig } from "./config";
import type { JsonPath } from "./json-path";
import { lookup, parseJsonPath } from "./json-path";
import { PageProblem } from "./paginators";

/** A record of a REST source: its mapped fields, `subject` and `collection_time`. */
export type RestRecord = Record<string, string | number | boolean | null>;

/** Why one item of a page did not become a record (the field is named). */
export interface ItemProblem {
  readonly code: "Sluice.RestFieldMissing" | "Sluice.RestFieldNotScalar" | "Sluice.RestTimeInvalid";
  readonly field: string;
  readonly message: string;
}

/** What a mapper needs of a source config: the field paths, the time column, where the items are (the REST and files sources share it). */
export type RecordMapping = Pick<RestSourceConfig, "fields" | "time" | "columnar"> & { readonly endpoint?: { readonly data_selector?: string } };

/** How a field treats an absent path and a JSON `null`. */
interface CompiledField {
  readonly column: string;
  readonly path: JsonPath;
  /** Absent: `null` for a nullable column, otherwise the item is rejected. */
  readonly missingIsNull: boolean;
  /** `null` rejects the item only for a non-nullable column of a given schema. */
  readonly nullRejected: boolean;
}

/** The compiled `fields`, `time` and selector of a config, applied page by page. */
export class RecordMapper {
  private readonly fields: readonly CompiledField[];
  private readonly selector: JsonPath | undefined;
  private readonly columnar: JsonPath | undefined;
  private readonly time: RestSourceConfig["time"];

  /**
   * With a schema, a field of a non-nullable column must be present and not null, a nullable
   * one may be absent (→ null); without a schema every field must be present, `null` allowed.
   */
  constructor(config: RecordMapping, schema?: readonly ColumnSpec[]) {
    const nullable = new Map(schema?.map((c) => [c.name, c.nullable]));
    this.fields = Object.entries(config.fields).map(([column, text]) => {
      const isNullable = schema ? nullable.get(column) !== false : false;
      return { column, path: compiled(text), missingIsNull: isNullable, nullRejected: schema !== undefined && !isNullable };
    });
    const selector = config.endpoint?.data_selector;
    this.selector = selector === undefined ? undefined : compiled(selector);
    this.columnar = config.columnar === undefined ? undefined : compiled(config.columnar);
    this.time = config.time;
  }

  /** The page's items: the selected list (an object is one item), or the zipped columnar arrays. */
  select(body: unknown): readonly unknown[] {
    if (this.columnar !== undefined) return zipColumns(body, this.columnar);
    if (this.selector === undefined) return itemsOf(body, "the body");
    const found = lookup(body, this.selector);
    if (!found.found) throw new PageProblem(`no data at data_selector "${this.selector.text}" (missing "${found.missingAt}")`);
    return itemsOf(found.value, `data_selector "${this.selector.text}"`);
  }

  /** One item's fields, or the first field that stops it from being a record. */
  map(item: unknown, body: unknown): { record: RestRecord; problem?: undefined } | { problem: ItemProblem; record?: undefined } {
    const record: RestRecord = {};
    for (const field of this.fields) {
      const found = lookup(field.path.fromRoot ? body : item, field.path);
      if (!found.found && !field.missingIsNull) {
        return { problem: { code: "Sluice.RestFieldMissing", field: field.column, message: `required field "${field.column}" (path "${field.path.text}") is missing (no "${found.missingAt}")` } };
      }
      const value = found.found ? found.value : null;
      if (value === null && field.nullRejected) {
        return { problem: { code: "Sluice.RestFieldMissing", field: field.column, message: `required field "${field.column}" (path "${field.path.text}") is null` } };
      }
      if (value !== null && typeof value === "object") {
        const what = Array.isArray(value) ? "a list" : "an object";
        return { problem: { code: "Sluice.RestFieldNotScalar", field: field.column, message: `field "${field.column}" (path "${field.path.text}") is ${what}, not a value` } };
      }
      record[field.column] = value as string | number | boolean | null;
    }
    if (this.time !== undefined && record[this.time.column] !== null) {
      const column = this.time.column;
      const normalized = normalizeTime(record[column], this.time.format);
      if (typeof normalized !== "string") {
        return { problem: { code: "Sluice.RestTimeInvalid", field: column, message: `time field "${column}": ${normalized.problem}` } };
      }
      record[column] = normalized;
    }
    return { record };
  }
}

/**
 * The pipeline's time form, `YYYY-MM-DDTHH:MM:SSZ` (`.sss` only when there are milliseconds), from
 * ISO-8601 (a time without an offset is read as UTC, as Open-Meteo's `timezone=GMT` times are),
 * epoch seconds or epoch milliseconds (a number or its digits).
 */
export function normalizeTime(value: unknown, format: "iso8601" | "epoch_s" | "epoch_ms"): string | { problem: string } {
  let ms: number;
  if (format === "iso8601") {
    const match = typeof value === "string" ? ISO.exec(value) : null;
    if (match === null) return { problem: `${JSON.stringify(value)} is not an ISO-8601 date or date-time` };
    const [, date, time, offset] = match;
    // Date.parse rolls 2024-02-30 over to March: a day or hour out of range is refused instead.
    if (!isCalendarDate(date!) || (time !== undefined && !isClockTime(time))) return { problem: `${JSON.stringify(value)} is not a valid date or time of day` };
    ms = Date.parse(`${date}T${time ?? "00:00"}${offset ?? "Z"}`);
  } else {
    const number = typeof value === "number" ? value : typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
    if (!Number.isFinite(number)) return { problem: `${JSON.stringify(value)} is not a number of ${format === "epoch_s" ? "seconds" : "milliseconds"} since 1970` };
    ms = format === "epoch_s" ? number * 1000 : number;
  }
  if (!Number.isFinite(ms) || ms < MIN_MS || ms > MAX_MS) return { problem: `${JSON.stringify(value)} is not a time between years 1000 and 9999 (${format})` };
  return new Date(Math.round(ms)).toISOString().replace(".000Z", "Z");
}

function isCalendarDate(date: string): boolean {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const utc = new Date(Date.UTC(y, m - 1, d));
  return utc.getUTCFullYear() === y && utc.getUTCMonth() === m - 1 && utc.getUTCDate() === d;
}

function isClockTime(time: string): boolean {
  const [h, min, sec] = time.split(":").map(Number) as [number, number, number | undefined];
  return h <= 23 && min <= 59 && (sec === undefined || sec < 60);
}

const ISO = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?))?(Z|[+-]\d{2}:?\d{2})?$/;
const MIN_MS = Date.UTC(1000, 0, 1);
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

function itemsOf(value: unknown, what: string): readonly unknown[] {
  if (Array.isArray(value)) return value;
  // dlt wraps a selected object as a one-item page.
  if (value !== null && typeof value === "object") return [value];
  throw new PageProblem(`${what} holds ${value === null ? "null" : `a ${typeof value}`}, not a list or an object`);
}

/** Rows from an object of parallel arrays (`{time: [...], temperature_2m: [...]}`); other members repeat on each row. */
function zipColumns(body: unknown, path: JsonPath): readonly unknown[] {
  const found = lookup(body, path);
  if (!found.found) throw new PageProblem(`no data at columnar "${path.text}" (missing "${found.missingAt}")`);
  const block = found.value;
  if (block === null || typeof block !== "object" || Array.isArray(block)) {
    throw new PageProblem(`columnar "${path.text}" must be an object of parallel arrays, got ${Array.isArray(block) ? "a list" : block === null ? "null" : `a ${typeof block}`}`);
  }
  const entries = Object.entries(block as Record<string, unknown>);
  const arrays = entries.filter((entry): entry is [string, unknown[]] => Array.isArray(entry[1]));
  if (arrays.length === 0) throw new PageProblem(`columnar "${path.text}" holds no arrays`);
  const [firstName, first] = arrays[0]!;
  const uneven = arrays.find(([, values]) => values.length !== first.length);
  if (uneven) {
    throw new PageProblem(`columnar "${path.text}": "${uneven[0]}" has ${uneven[1].length} values but "${firstName}" has ${first.length}; parallel arrays must be as long`);
  }
  const scalars = entries.filter(([, v]) => !Array.isArray(v));
  return first.map((_, i) => Object.fromEntries([...scalars, ...arrays.map(([name, values]) => [name, values[i]] as const)]));
}

function compiled(text: string): JsonPath {
  const parsed = parseJsonPath(text);
  if (typeof parsed === "string") throw new Error(parsed);
  return parsed;
}
