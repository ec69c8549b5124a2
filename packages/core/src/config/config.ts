import { z } from "zod";
import { dayProblem } from "../sources/day";
import { INGEST_MODES, type IngestMode } from "../sources/source";
import { parseRule } from "../dq/parser";
import { scheduleProblem } from "../pipeline/schedule-expression";
import { filesSourceConfigSchema } from "../sources/files/config";
import { restSourceConfigSchema } from "../sources/rest/config";

/**
 * The project config, `sluice.config.ts` (or JSON through `--config`/`SLUICE_CONFIG`): what a user
 * chooses without writing TypeScript elsewhere — per dataset its subjects, variables, schedules,
 * dedup, DQ rules, kept versions, whether it is enabled — and datasets of their own, fed by a
 * declarative REST source. The stacks, the CLI, the API and the producers read the pipeline built
 * from it (`pipelineFromConfig`).
 */

/** DQDL rules may name the run's facts: `{from}`, `{to}` (YYYY-MM-DD) and `{subjectCount}`. */
export const RULE_PLACEHOLDERS = { from: "2024-01-01", to: "2024-01-31", subjectCount: "1" } as const;

/** A rule's text with the run's facts put in. */
export function withFacts(rule: string, facts: { from: string; to: string; subjectCount: number }): string {
  return rule.replaceAll("{from}", facts.from).replaceAll("{to}", facts.to).replaceAll("{subjectCount}", String(facts.subjectCount));
}

const schedule = z.string().superRefine((text, ctx) => {
  const problem = scheduleProblem(text);
  if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${problem} (an EventBridge schedule: rate(1 hour), cron(0 * * * ? *))` });
});

const rule = z.string().superRefine((text, ctx) => {
  try {
    parseRule(withFacts(text, { from: RULE_PLACEHOLDERS.from, to: RULE_PLACEHOLDERS.to, subjectCount: 1 }));
  } catch (error) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `not a DQDL rule: ${error instanceof Error ? error.message : String(error)}` });
  }
});

const subject = z.union([
  z.string().trim().min(1, "a subject needs a name"),
  z.object({ name: z.string().trim().min(1), latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) }).strict(),
]);

const column = z
  .object({
    name: z.string().regex(/^[a-z_][a-z0-9_]*$/, "a column name is lower case letters, digits and _ (Athena folds names to lower case)"),
    type: z.enum(["string", "double", "bigint", "boolean", "timestamp", "date"]),
    nullable: z.boolean().default(true),
    description: z.string().optional(),
  })
  .strict();

/** A day as every request takes one (sources/day.ts `dayProblem`). */
const calendarDay = z.string().superRefine((day, ctx) => {
  const { problem } = dayProblem(day);
  if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
});

/** What every dataset entry may set (built-in or the user's own). */
const commonEntry = {
  enabled: z.boolean().optional(),
  description: z.string().optional(),
  subjects: z.array(subject).min(1, "list at least one subject, or leave subjects out").optional(),
  variables: z.array(z.string().min(1)).optional(),
  /** The producer's (ingest) schedule on AWS. */
  schedule: schedule.optional(),
  /** The end-to-end run's schedule on AWS (issue 11's state machine). */
  runSchedule: schedule.optional(),
  /**
   * What each scheduled run covers (its input carries it, seed 000): the last `days` days through the
   * day the execution starts (default 2: yesterday..today), or a fixed `from`..`to`.
   */
  runRange: z
    .union([
      z.object({ days: z.number().int().min(1).max(366) }).strict(),
      z
        .object({ from: calendarDay, to: calendarDay })
        .strict()
        .refine((range) => range.from <= range.to, { message: "from must not be after to", path: ["to"] }),
    ], { errorMap: () => ({ message: 'either { "days": N } (1–366) or { "from": "YYYY-MM-DD", "to": "YYYY-MM-DD" }' }) })
    .optional(),
  /**
   * Hours a scheduled ingest fetches again before its cursor, for late corrections (default 3):
   * the producer, and `sluice ingest --incremental`, ask for cursor + 1 h − overlapHours .. now.
   */
  overlapHours: z.number().int("overlapHours is a whole number of hours").min(0).max(168, "overlapHours is at most 168 (a week); a longer gap is a back-fill").optional(),
  /**
   * What a scheduled ingest collects: `hourly` (default), `current` (Open-Meteo's current
   * conditions, one reading per subject per invocation) or `minutely_15` (Open-Meteo's 15-minute
   * values); the latter two are weather's (Open-Meteo) only.
   */
  ingestMode: z.enum(INGEST_MODES as [IngestMode, ...IngestMode[]]).optional(),
  dedup: z.enum(["latest", "first"]).optional(),
  /** DQDL rules added to the dataset's own, or replacing them with `replaceRules: true`. */
  rules: z.array(rule).optional(),
  replaceRules: z.boolean().optional(),
  keepVersions: z.number().int().min(1).max(50).optional(),
};

export const builtInEntrySchema = z.object(commonEntry).strict();

/** What a dataset of the user's own has besides its source: columns, key and event time. */
const ownEntry = {
  ...commonEntry,
  /** The record's columns besides `subject` and `collection_time`, which every record carries. */
  schema: z.array(column).min(1),
  /** One production row per value of these columns (with `subject` when it is not among them). */
  key: z.array(z.string()).min(1),
  /** The event-time column (its month is the Parquet partition) and how the source writes it. */
  time: z.object({ column: z.string(), format: z.enum(["iso8601", "epoch_s", "epoch_ms"]) }).strict(),
};

/** Columns the transform adds to an own dataset's Parquet and production tables (`first_`/`last_` of `collection_time`, the count, the month partition). */
const TABLE_COLUMNS: readonly string[] = ["first_collection_time", "last_collection_time", "collection_count", "yr_mo_partition"];

/** The checks an own dataset's columns, key, time and fields must pass together. */
function checkOwnEntry(entry: { schema: { name: string }[]; key: string[]; time: { column: string }; source: { fields: Record<string, string> } }, ctx: z.RefinementCtx): void {
  const names = new Set(entry.schema.map((c) => c.name));
  const seen = new Set<string>();
  for (const [index, c] of entry.schema.entries()) {
    if (c.name === "subject" || c.name === "collection_time") ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["schema", index, "name"], message: `"${c.name}" is added to every record by sluice; name the column otherwise` });
    // The Parquet and production tables add these (transform/athena-sql.ts): a column of the same name would be a duplicate there.
    if (TABLE_COLUMNS.includes(c.name)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["schema", index, "name"], message: `"${c.name}" is a column sluice adds to the production table; name the column otherwise` });
    if (seen.has(c.name)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["schema", index, "name"], message: `"${c.name}" is in schema twice; name each column once` });
    seen.add(c.name);
  }
  for (const [index, k] of entry.key.entries()) {
    if (!names.has(k) && k !== "subject") ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["key", index], message: `"${k}" is not a column of schema (${[...names].join(", ")})` });
  }
  if (!names.has(entry.time.column)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["time", "column"], message: `"${entry.time.column}" is not a column of schema` });
  for (const field of Object.keys(entry.source.fields)) {
    if (!names.has(field)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["source", "fields", field], message: `"${field}" is not a column of schema (${[...names].join(", ")})` });
  }
  for (const c of entry.schema) {
    if (!Object.hasOwn(entry.source.fields, c.name)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["source", "fields"], message: `schema column "${c.name}" has no field path: add "${c.name}": "<path>" to source.fields` });
  }
}

export const restEntrySchema = z
  .object({ ...ownEntry, source: restSourceConfigSchema })
  .strict()
  .superRefine(checkOwnEntry);

/** A dataset fed from files (CSV, NDJSON, JSON): seed 002's back-fill. */
export const filesEntrySchema = z
  .object({ ...ownEntry, source: filesSourceConfigSchema })
  .strict()
  .superRefine(checkOwnEntry);

const datasetName = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, "a dataset name is lower case letters, digits and _ (it names tables, streams and prefixes)");

/** The retentions CloudWatch Logs accepts, in days (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** How long the deployed logs are kept when the config does not say. */
export const DEFAULT_LOG_RETENTION_DAYS = 30;

export const sluiceConfigSchema = z
  .object({
    /** Stages whose buckets `sst remove` keeps (default prod, production); any other stage is disposable. */
    productionStages: z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/, "a stage name is a letter, then letters, digits and - (as SST names stages)")).min(1, "name at least one stage, or leave productionStages out").optional(),
    /** Days every function's, stream's and run's logs are kept on AWS (default 30). */
    logRetentionDays: z
      .number()
      .int()
      .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), { message: `a CloudWatch Logs retention: one of ${LOG_RETENTION_DAYS.join(", ")} days` })
      .optional(),
    datasets: z.record(datasetName, z.unknown()).optional(),
  })
  .strict();

/** A dataset entry as written; which schema checks it depends on whether the name is built in. */
export type BuiltInEntry = z.output<typeof builtInEntrySchema>;
export type RestEntry = z.output<typeof restEntrySchema>;
export type FilesEntry = z.output<typeof filesEntrySchema>;
export type DatasetEntryInput = z.input<typeof builtInEntrySchema> | z.input<typeof restEntrySchema> | z.input<typeof filesEntrySchema>;

/** The config as written in `sluice.config.ts`. */
export interface SluiceConfigInput {
  readonly productionStages?: readonly string[];
  readonly logRetentionDays?: number;
  readonly datasets?: Readonly<Record<string, DatasetEntryInput>>;
}

/** The config, checked. */
export interface SluiceConfig {
  readonly productionStages?: readonly string[];
  readonly logRetentionDays?: number;
  readonly datasets: Readonly<Record<string, BuiltInEntry | RestEntry | FilesEntry>>;
  /** Where it was read from (undefined: no config file, the defaults). */
  readonly path?: string;
}

/** Typed identity for `sluice.config.ts`: `export default defineConfig({ … })`. */
export function defineConfig(config: SluiceConfigInput): SluiceConfigInput {
  return config;
}
