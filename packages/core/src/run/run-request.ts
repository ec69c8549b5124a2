import { z } from "zod";
import type { PipelineDefinition } from "../pipeline/types";
import { sourcesOf } from "../sources/factory";
import { INGEST_MODES, type IngestMode } from "../sources/source";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A place not in the gazetteer (weather), or a place POST /runs resolved already. */
export const placeSchema = z.object({ name: z.string().min(1), latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) }).strict();

const subject = z.union([z.string().min(1), placeSchema]);

/** The built-in subject fields and the dataset each belongs to (aliases of `subjects`). */
export const SUBJECT_ALIASES = { locations: "weather", tickers: "stocks", stations: "air_quality" } as const;

/**
 * What a run or an ingest is asked for, wherever the request comes from: the producer's event, the
 * run state machine's input (a schedule's `{ dataset }` or what POST /runs resolved, which
 * `StepFunctionsRunLauncher` checks with this schema before it starts the execution). Every field
 * but the dataset defaults: the range to yesterday..today, the source to the dataset's real API, the
 * subjects and variables to the project config's, else the dataset module's.
 */
export const runRequestSchema = z
  .object({
    /** Any dataset of the project (default weather, what the producer ingested before there were others). */
    dataset: z.string().min(1).default("weather"),
    /** One of the dataset's sources (default its real API). */
    source: z.string().min(1).optional(),
    from: z.string().regex(DAY, "a day, YYYY-MM-DD").optional(),
    to: z.string().regex(DAY, "a day, YYYY-MM-DD").optional(),
    /** A scheduled run's: the last `days` days through the day the execution starts (when from and to are not given; default 2). */
    days: z.number().int().min(1).max(366).optional(),
    /** What to ask the source about, for any dataset (default: the config's subjects, else the dataset's). */
    subjects: z.array(subject).min(1).optional(),
    /**
     * weather: gazetteer names or `{ name, latitude, longitude }` (default Paris, London, Berlin);
     * for any dataset, the subjects POST /runs resolved already (every entry a place).
     */
    locations: z.array(subject).min(1).optional(),
    /** stocks: ticker symbols (default the Magnificent 7). */
    tickers: z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9.-]{0,11}$/, "a ticker symbol")).min(1).optional(),
    /** air_quality: OpenAQ location ids (station names for the synthetic source); no default. */
    stations: z.array(z.string().min(1)).min(1).optional(),
    /** weather: Open-Meteo variables; air_quality: parameters (default: the config's). */
    variables: z.array(z.string().min(1)).optional(),
    /** An ingest's, weather (Open-Meteo) only: hourly, current or minutely_15 (default: the config's `ingestMode`, else hourly). */
    ingestMode: z.enum(INGEST_MODES as [IngestMode, ...IngestMode[]]).optional(),
    /** A run's: `full` rebuilds production from all raw (as `fullRefresh`). */
    mode: z.enum(["incremental", "full"]).optional(),
    fullRefresh: z.boolean().optional(),
    /** A run's: transform what raw holds without fetching. */
    skipIngest: z.boolean().optional(),
  })
  .strict();
export type RunRequest = z.output<typeof runRequestSchema>;

/** A back-fill execution's input (the back-fill state machine's, which POST /backfills starts): a run request plus `restart`, ignore the saved cursor. */
export const backfillRequestSchema = runRequestSchema.extend({ restart: z.boolean().optional() }).strict();
export type RunRequestInput = z.input<typeof runRequestSchema>;

/** Checks a request against the project's datasets: the dataset, its source, and subject fields that belong to it. */
export function checkRunRequest(request: RunRequest, pipeline: PipelineDefinition, ctx: z.RefinementCtx): void {
  const dataset = pipeline.datasets[request.dataset];
  if (!dataset) {
    ctx.addIssue({ code: "custom", path: ["dataset"], message: `unknown dataset "${request.dataset}"; the datasets: ${Object.keys(pipeline.datasets).join(", ")}` });
    return;
  }
  const sources = sourcesOf(dataset);
  if (request.source !== undefined && !sources.includes(request.source)) {
    ctx.addIssue({ code: "custom", path: ["source"], message: `dataset ${dataset.name} has no source "${request.source}"; its sources: ${sources.join(", ")}` });
  }
  if (request.ingestMode !== undefined && request.ingestMode !== "hourly" && dataset.name !== "weather") {
    ctx.addIssue({ code: "custom", path: ["ingestMode"], message: `ingestMode "${request.ingestMode}" is Open-Meteo's (dataset weather); ${dataset.name} collects hourly` });
  }
  for (const [field, owner] of Object.entries(SUBJECT_ALIASES)) {
    const given = request[field as keyof typeof SUBJECT_ALIASES];
    if (given === undefined) continue;
    // Resolved subjects (the run launcher's) fit any dataset; names belong to their own dataset.
    if (field === "locations" && given.every((entry) => typeof entry !== "string") && request.subjects === undefined) continue;
    if (owner !== dataset.name) ctx.addIssue({ code: "custom", path: [field], message: `${field} applies to dataset ${owner}, not ${dataset.name}` });
    else if (request.subjects !== undefined) ctx.addIssue({ code: "custom", path: [field], message: `give subjects or ${field}, not both` });
  }
}

/** {@link runRequestSchema} checked against a project's datasets. */
export function runRequestOf(pipeline: () => PipelineDefinition) {
  return runRequestSchema.superRefine((request, ctx) => checkRunRequest(request, pipeline(), ctx));
}

/** A run's parameters are not a run request (a caller built them wrong): each bad field named. */
export class InvalidRunRequestError extends Error {
  override readonly name = "InvalidRunRequestError";
  constructor(readonly issues: readonly string[]) {
    super(`not a run request: ${issues.join("; ")}`);
  }
}

/**
 * Every run the engine starts (the CLI's, the twin API's, the step runner's) is a run request:
 * its parameters are checked with {@link runRequestSchema}, as the Step Functions launcher checks
 * an execution's input.
 */
export function checkRunRequestShape(parameters: unknown): void {
  const result = runRequestSchema.safeParse(parameters);
  if (!result.success) throw new InvalidRunRequestError(result.error.issues.map((i) => `${i.path.join(".") || "(request)"}: ${i.message}`));
}
