import type { ColumnSpec, ColumnType } from "../../pipeline/types";

/**
 * The schema stage of the twin, standing in for a validating Lambda transform on AWS: a record
 * that fails goes to the error output as `processing-failed`.
 * Choices: the record must be a JSON object; a non-nullable column must be present and not null;
 * a nullable column may be absent (Glue and Athena read an absent JSON field as NULL); extra
 * columns are allowed, because Open-Meteo gains variables and old readers must keep working.
 */

/** Returns why a parsed record does not fit the schema, or undefined when it fits. */
export type RecordValidator = (record: unknown) => string | undefined;

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

const CHECKS: Record<ColumnType, (value: unknown) => boolean> = {
  string: (v) => typeof v === "string",
  double: (v) => typeof v === "number",
  bigint: (v) => typeof v === "number" && Number.isInteger(v),
  boolean: (v) => typeof v === "boolean",
  timestamp: (v) => typeof v === "string" && ISO_TIMESTAMP.test(v) && !Number.isNaN(Date.parse(v)),
  date: (v) => typeof v === "string" && ISO_DATE.test(v),
};

/** Compiles a validator from a record schema. */
export function compileRecordValidator(schema: readonly ColumnSpec[]): RecordValidator {
  const columns = schema.map((column) => ({ ...column, check: CHECKS[column.type] }));
  return (record) => {
    if (record === null || typeof record !== "object" || Array.isArray(record)) {
      return `record is ${record === null ? "null" : Array.isArray(record) ? "an array" : `a ${typeof record}`}, not a JSON object`;
    }
    const object = record as Record<string, unknown>;
    for (const column of columns) {
      const value = object[column.name];
      if (value === undefined || value === null) {
        if (column.nullable) continue;
        return `column "${column.name}" is ${value === null ? "null" : "missing"} but not nullable`;
      }
      if (!column.check(value)) {
        return `column "${column.name}" must be a ${column.type}, got ${JSON.stringify(value).slice(0, 60)}`;
      }
    }
    return undefined;
  };
}
