import { z } from "zod";
import { COLUMN_NAME, fieldPath, RESERVED_COLUMNS } from "../rest/config";

/**
 * A `files` source config (issue 10 item 4): records from local files (a folder or a glob) or an
 * `s3://bucket/prefix/` on AWS, in CSV (RFC 4180, a header row), NDJSON or JSON, mapped to columns
 * by the same `fields` paths and `time` as the REST source. For seed 002's back-fill: OpenAQ's
 * daily CSV files (`.csv.gz` read as they are) loaded through the same stream and checks.
 */
export const filesSourceConfigSchema = z
  .object({
    type: z.literal("files"),
    format: z.enum(["csv", "ndjson", "json"]),
    /** `data/*.csv`, `exports/**\/*.ndjson.gz`, a folder (every file in it), or `s3://bucket/prefix/` (AWS). */
    path: z.string().min(1, "name the files: a folder, a glob (data/*.csv) or s3://bucket/prefix/"),
    /** Output column → the CSV header, or the path in an NDJSON/JSON record. */
    fields: z
      .record(z.string().regex(COLUMN_NAME, "must be a column name (lower case letters, digits, _)"), fieldPath)
      .refine((fields) => Object.keys(fields).length > 0, "must map at least one column"),
    /** The record's subject (a raw partition): this header / path, else the file's name without its extensions. */
    subject: fieldPath.optional(),
    /** json: where the records are in each file (the whole file when absent). */
    data_selector: fieldPath.optional(),
    /** csv: the field separator. */
    delimiter: z.string().length(1).default(","),
    time: z.object({ column: z.string(), format: z.enum(["iso8601", "epoch_s", "epoch_ms"]) }).strict().optional(),
  })
  .strict()
  .superRefine((config, ctx) => {
    for (const column of RESERVED_COLUMNS) {
      if (Object.hasOwn(config.fields, column)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["fields", column], message: `"${column}" is a column every record carries already (set "subject" to say where it comes from)` });
      }
    }
    if (config.time && !Object.hasOwn(config.fields, config.time.column)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["time", "column"], message: `"${config.time.column}" is not one of fields (${Object.keys(config.fields).join(", ")})` });
    }
    if (config.data_selector !== undefined && config.format !== "json") {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["data_selector"], message: `applies to format "json" only (each ${config.format} row is a record)` });
    }
  });

/** A parsed files source config. */
export type FilesSourceConfig = z.output<typeof filesSourceConfigSchema>;
