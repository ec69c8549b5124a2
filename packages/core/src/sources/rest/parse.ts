import { ZodIssueCode } from "zod";
import type { ZodIssue } from "zod";
import type { ColumnSpec } from "../../pipeline/types";
import { restSourceConfigSchema, RESERVED_COLUMNS } from "./config";
import type { RestSourceConfig } from "./config";
import { RestConfigError } from "./errors";
import type { RestConfigIssue } from "./errors";

/** Options of {@link parseRestSourceConfig}. */
export interface ParseRestSourceOptions {
  /** The dataset entry's record schema: `fields` must map its columns, and only those. */
  readonly schema?: readonly ColumnSpec[];
  /** Where the source sits in a larger config (`["datasets", "quakes", "source"]`): prefixes every issue path. */
  readonly at?: readonly (string | number)[];
}

/** Parses a REST source config, or throws a {@link RestConfigError} listing every bad field by path. */
export function parseRestSourceConfig(input: unknown, options: ParseRestSourceOptions = {}): RestSourceConfig {
  const at = options.at ?? [];
  const parsed = restSourceConfigSchema.safeParse(input);
  if (!parsed.success) {
    throw new RestConfigError(parsed.error.issues.map((issue) => ({ path: [...at, ...issue.path], message: messageOf(issue, input) })));
  }
  const issues = options.schema ? schemaIssues(parsed.data, options.schema) : [];
  if (issues.length > 0) throw new RestConfigError(issues.map((issue) => ({ ...issue, path: [...at, ...issue.path] })));
  return parsed.data;
}

/** zod's discriminator message, with the value that was given ("unknown type "link_header"; known: …"). */
function messageOf(issue: ZodIssue, input: unknown): string {
  if (issue.code !== ZodIssueCode.invalid_union_discriminator) return issue.message;
  const given = issue.path.reduce<unknown>((value, key) => (value !== null && typeof value === "object" ? (value as Record<string | number, unknown>)[key] : undefined), input);
  return `unknown ${String(issue.path.at(-1))} ${JSON.stringify(given)}; known: ${issue.options.map(String).join(", ")}`;
}

/**
 * `fields` against the dataset's columns: a field into no column, a non-nullable column no field
 * fills, and a time column that is not a string or timestamp column, each named.
 */
export function schemaIssues(config: RestSourceConfig, schema: readonly ColumnSpec[]): RestConfigIssue[] {
  const issues: RestConfigIssue[] = [];
  const columns = new Map(schema.map((column) => [column.name, column]));
  const reserved = RESERVED_COLUMNS as readonly string[];
  for (const field of Object.keys(config.fields)) {
    if (!columns.has(field)) {
      const known = schema.filter((c) => !reserved.includes(c.name)).map((c) => c.name);
      issues.push({ path: ["fields", field], message: `no column "${field}" in the dataset's schema (columns: ${known.join(", ")})` });
    }
  }
  for (const column of schema) {
    if (reserved.includes(column.name) || Object.hasOwn(config.fields, column.name)) continue;
    if (!column.nullable) issues.push({ path: ["fields"], message: `the schema's non-nullable column "${column.name}" has no field mapping it` });
  }
  const time = config.time && columns.get(config.time.column);
  if (time && time.type !== "string" && time.type !== "timestamp") {
    issues.push({ path: ["time", "column"], message: `column "${time.name}" is a ${time.type}; a time column is a string or timestamp (ISO-8601 after normalization)` });
  }
  return issues;
}
