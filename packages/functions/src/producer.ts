import type { z } from "zod";
import type { IngestSummary } from "../../core/src/ingest/summary";
import { lambdaLogger } from "../../core/src/log/lambda-logger";
import type { LambdaInvocationContext } from "../../core/src/log/lambda-logger";
import { bundledProject } from "../../core/src/config/project";
import { scheduledSourceOf, scheduledSubjects } from "../../core/src/run/scheduled-subjects";
import { AwsRuntime, fromSstBindings } from "../../core/src/runtime/aws";
import { checkRunRequest, runRequestSchema } from "../../core/src/run/run-request";

/**
 * What the producer may be invoked with: a run request (core/run/run-request.ts, the schema the
 * run state machine's input shares) without a run's own fields. The stack's schedule sends
 * `{ dataset }` only.
 */
export const producerEventSchema = runRequestSchema.superRefine((event, ctx) => {
  for (const field of ["mode", "fullRefresh", "skipIngest", "days"] as const) {
    if (event[field] !== undefined) ctx.addIssue({ code: "custom", path: [field], message: `a run's field: the producer only ingests (start a run for ${field})` });
  }
  checkRunRequest(event, bundledProject().pipeline, ctx);
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
  const dataset = bundledProject().pipeline.datasets[input.dataset]!;
  const source = input.source ?? scheduledSourceOf(dataset);
  const subjects = scheduledSubjects(dataset, input);
  const explicit = input.from !== undefined || input.to !== undefined;
  const today = new Date(now).toISOString().slice(0, 10);
  const yesterday = new Date(now - 86_400_000).toISOString().slice(0, 10);
  const summary = explicit
    ? await runtime.ingest({ dataset: dataset.name, source, from: input.from ?? yesterday, to: input.to ?? today, ...subjects, skipIngest: false, ...(input.ingestMode ? { mode: input.ingestMode } : {}) })
    : await runtime.ingestScheduled({ dataset: dataset.name, source, ...subjects, ...(input.ingestMode ? { mode: input.ingestMode } : {}) }, now);
  for (const failure of summary.failures) runtime.logger.error("location not ingested", { dataset: dataset.name, ...failure });
  // A scheduled ingest with nothing new (every cursor at the current hour) delivers nothing and is fine.
  if (summary.recordsDelivered === 0 && (explicit || summary.failures.length > 0)) throw new NothingDeliveredError(summary);
  return summary;
}

/** An EventBridge event passed through unchanged (a rule without an input) carries `source: "aws.events"`. */
function isScheduledEvent(event: unknown): boolean {
  return typeof event === "object" && event !== null && ((event as Record<string, unknown>)["detail-type"] === "Scheduled Event" || (event as Record<string, unknown>).source === "aws.events");
}

const logger = lambdaLogger({ serviceName: "sluice-producer" });
let runtime: Promise<AwsRuntime> | undefined;

/** `producer.handler`: the scheduled ingest of the dataset its schedule names. */
export async function handler(event?: unknown, context?: LambdaInvocationContext): Promise<IngestSummary> {
  if (context) logger.addContext(context);
  runtime ??= fromSstBindings().then((config) => new AwsRuntime({ config, logger }));
  return produce(await runtime, event);
}
