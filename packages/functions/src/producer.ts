import { z } from "zod";
import type { IngestSummary } from "../../core/src/ingest/summary";
import { createLogger } from "../../core/src/log/logger";
import { bundledProject } from "../../core/src/config/project";
import { scheduledSourceOf, scheduledSubjects } from "../../core/src/run/scheduled-subjects";
import { AwsRuntime, fromSstBindings } from "../../core/src/runtime/aws";
import { sourcesOf } from "../../core/src/sources/factory";

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const location = z.union([z.string().min(1), z.object({ name: z.string().min(1), latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) })]);

/** The built-in subject fields and the dataset each belongs to (aliases of `subjects`). */
const SUBJECT_FIELDS = { locations: "weather", tickers: "stocks", stations: "air_quality" } as const;

/** What the producer may be invoked with; the stack's schedule sends `{ dataset }` only. */
export const producerEventSchema = z
  .object({
    /** Any dataset of the bundled project (default weather, what the producer ingested before there were others). */
    dataset: z.string().min(1).optional(),
    from: z.string().regex(DAY).optional(),
    to: z.string().regex(DAY).optional(),
    /** What to ask the source about, for any dataset (default: the config's subjects, else the dataset's). */
    subjects: z.array(location).min(1).optional(),
    /** weather: gazetteer names or `{ name, latitude, longitude }` (default Paris, London, Berlin). */
    locations: z.array(location).min(1).optional(),
    /** stocks: ticker symbols (default the Magnificent 7). */
    tickers: z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9.-]{0,11}$/)).min(1).optional(),
    /** air_quality: OpenAQ location ids (station names for the synthetic source); no default. */
    stations: z.array(z.string().min(1)).min(1).optional(),
    /** One of the dataset's sources (default its real API). */
    source: z.string().min(1).optional(),
    /** weather: Open-Meteo variables; air_quality: parameters (default: the config's). */
    variables: z.array(z.string().min(1)).optional(),
    /** weather (Open-Meteo): hourly, current or minutely_15 (default: the config's `mode`, else hourly). */
    mode: z.enum(["hourly", "current", "minutely_15"]).optional(),
  })
  .superRefine((event, ctx) => {
    const name = event.dataset ?? "weather";
    const { pipeline } = bundledProject();
    const dataset = pipeline.datasets[name];
    if (!dataset) {
      ctx.addIssue({ code: "custom", path: ["dataset"], message: `unknown dataset "${name}"; the datasets: ${Object.keys(pipeline.datasets).join(", ")}` });
      return;
    }
    const sources = sourcesOf(dataset);
    if (event.source !== undefined && !sources.includes(event.source)) {
      ctx.addIssue({ code: "custom", path: ["source"], message: `dataset ${name} has no source "${event.source}"; its sources: ${sources.join(", ")}` });
    }
    if (event.mode !== undefined && event.mode !== "hourly" && name !== "weather") {
      ctx.addIssue({ code: "custom", path: ["mode"], message: `mode "${event.mode}" is Open-Meteo's (dataset weather); ${name} collects hourly` });
    }
    for (const [field, owner] of Object.entries(SUBJECT_FIELDS)) {
      if (event[field as keyof typeof SUBJECT_FIELDS] === undefined) continue;
      if (owner !== name) ctx.addIssue({ code: "custom", path: [field], message: `${field} applies to dataset ${owner}, not ${name}` });
      else if (event.subjects !== undefined) ctx.addIssue({ code: "custom", path: [field], message: `give subjects or ${field}, not both` });
    }
  });
export type ProducerEvent = z.input<typeof producerEventSchema>;

/** No location delivered anything: the scheduled invocation failed (and Lambda reports it). */
export class NothingDeliveredError extends Error {
  override readonly name = "NothingDeliveredError";
  constructor(readonly summary: IngestSummary) {
    super(`no records delivered for ${summary.dataset} ${summary.from}..${summary.to}: ${summary.failures.map((f) => `${f.location}: ${f.error}`).join("; ") || "the source returned nothing"}`);
  }
}

export { NoSubjectsError } from "../../core/src/run/scheduled-subjects";

/**
 * Ingests one dataset (weather by default) through its Firehose stream. A scheduled invocation (no
 * `from`/`to`) is incremental: each subject from its cursor (less the dataset's `overlapHours`) to
 * now, a subject without one from yesterday (UTC); the delivered subjects' cursors then move. An
 * explicit `from`/`to` (a re-fetch, a repair) fetches those days as given and neither reads nor
 * moves a cursor (docs/deploy.md, "What runs when").
 */
export async function produce(runtime: AwsRuntime, event: unknown, now = runtime.clock.now()): Promise<IngestSummary> {
  const input = producerEventSchema.parse(isScheduledEvent(event) ? {} : (event ?? {}));
  const dataset = bundledProject().pipeline.datasets[input.dataset ?? "weather"]!;
  const source = input.source ?? scheduledSourceOf(dataset);
  const subjects = scheduledSubjects(dataset, input);
  const explicit = input.from !== undefined || input.to !== undefined;
  const today = new Date(now).toISOString().slice(0, 10);
  const yesterday = new Date(now - 86_400_000).toISOString().slice(0, 10);
  const summary = explicit
    ? await runtime.ingest({ dataset: dataset.name, source, from: input.from ?? yesterday, to: input.to ?? today, ...subjects, skipIngest: false, ...(input.mode ? { mode: input.mode } : {}) })
    : await runtime.ingestScheduled({ dataset: dataset.name, source, ...subjects, ...(input.mode ? { mode: input.mode } : {}) }, now);
  for (const failure of summary.failures) runtime.logger.error("location not ingested", { dataset: dataset.name, ...failure });
  // A scheduled ingest with nothing new (every cursor at the current hour) delivers nothing and is fine.
  if (summary.recordsDelivered === 0 && (explicit || summary.failures.length > 0)) throw new NothingDeliveredError(summary);
  return summary;
}

/** An EventBridge event passed through unchanged (a rule without an input) carries `source: "aws.events"`. */
function isScheduledEvent(event: unknown): boolean {
  return typeof event === "object" && event !== null && ((event as Record<string, unknown>)["detail-type"] === "Scheduled Event" || (event as Record<string, unknown>).source === "aws.events");
}

let runtime: Promise<AwsRuntime> | undefined;

/** `producer.handler`: the scheduled ingest of the dataset its schedule names. */
export async function handler(event?: unknown): Promise<IngestSummary> {
  runtime ??= fromSstBindings().then((config) => new AwsRuntime({ config, logger: createLogger("info") }));
  return produce(await runtime, event);
}
