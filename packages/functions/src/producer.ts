import { z } from "zod";
import type { IngestSummary } from "../../core/src/ingest/summary";
import { createLogger } from "../../core/src/log/logger";
import { AwsRuntime, fromSstBindings } from "../../core/src/runtime/aws";
import { lookupCity } from "../../core/src/sources/gazetteer";

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const location = z.union([z.string().min(1), z.object({ name: z.string().min(1), latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) })]);

/** What the producer may be invoked with; a scheduled EventBridge event carries none of it. */
export const producerEventSchema = z.object({
  from: z.string().regex(DAY).optional(),
  to: z.string().regex(DAY).optional(),
  /** Gazetteer names or `{ name, latitude, longitude }` (default Paris, London, Berlin). */
  locations: z.array(location).min(1).optional(),
  source: z.enum(["open-meteo", "synthetic"]).optional(),
  variables: z.array(z.string().min(1)).optional(),
});
export type ProducerEvent = z.input<typeof producerEventSchema>;

/** No location delivered anything: the scheduled invocation failed (and Lambda reports it). */
export class NothingDeliveredError extends Error {
  override readonly name = "NothingDeliveredError";
  constructor(readonly summary: IngestSummary) {
    super(`no records delivered for ${summary.dataset} ${summary.from}..${summary.to}: ${summary.failures.map((f) => `${f.location}: ${f.error}`).join("; ") || "the source returned nothing"}`);
  }
}

/** Ingests the weather dataset through Firehose: yesterday..today (UTC) by default. */
export async function produce(runtime: AwsRuntime, event: unknown, now = runtime.clock.now()): Promise<IngestSummary> {
  const input = producerEventSchema.parse(isScheduledEvent(event) ? {} : (event ?? {}));
  const today = new Date(now).toISOString().slice(0, 10);
  const yesterday = new Date(now - 86_400_000).toISOString().slice(0, 10);
  const summary = await runtime.ingest({
    dataset: "weather",
    source: input.source ?? "open-meteo",
    from: input.from ?? yesterday,
    to: input.to ?? today,
    locations: (input.locations ?? ["Paris", "London", "Berlin"]).map((l) => (typeof l === "string" ? lookupCity(l) : l)),
    variables: input.variables ?? ["temperature_2m"],
    skipIngest: false,
  });
  for (const failure of summary.failures) runtime.logger.error("location not ingested", failure);
  if (summary.recordsDelivered === 0) throw new NothingDeliveredError(summary);
  return summary;
}

/** EventBridge schedules (SST `Cron`) invoke with their own event, whose `source` is "aws.events". */
function isScheduledEvent(event: unknown): boolean {
  return typeof event === "object" && event !== null && ((event as Record<string, unknown>)["detail-type"] === "Scheduled Event" || (event as Record<string, unknown>).source === "aws.events");
}

let runtime: Promise<AwsRuntime> | undefined;

/** `producer.handler`: the scheduled ingest. */
export async function handler(event?: unknown): Promise<IngestSummary> {
  runtime ??= fromSstBindings().then((config) => new AwsRuntime({ config, logger: createLogger("info") }));
  return produce(await runtime, event);
}
