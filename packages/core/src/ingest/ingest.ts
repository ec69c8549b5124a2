import type { RejectedRecord } from "../delivery/error-sink";
import type { Logger } from "../log/logger";
import { SourceError } from "../sources/source";
import type { FetchRequest, LocationOutcome, Source } from "../sources/source";
import type { IngestJournal } from "./journal";
import type { IngestProgress, IngestSummary } from "./summary";

/** What the delivery side reports once everything is flushed. */
export interface DeliveryReport {
  readonly recordsDelivered: number;
  readonly objectsWritten: number;
  readonly partitionsWritten: number;
  readonly errorOutput: Readonly<Record<string, number>>;
  /** Records accepted but never written (the twin's disk was full), by partition value and why. */
  readonly undelivered?: readonly { readonly partition: string; readonly records: number; readonly error: string }[];
}

/** What became of one `send`, as far as the producer can tell when it returns. */
export interface SendReport {
  /** Records of this send that went to the error output (the twin routes them at once; on AWS only the client's rejects). */
  readonly toErrorOutput: number;
}

/** The delivery side of an ingest: records in, a report when finished. */
export interface IngestDelivery {
  /** Hands records to the producer (the PutRecordBatch batcher). */
  send(records: readonly string[]): Promise<SendReport>;
  /** Writes items the source could not map to the error output (as AWS-shaped error documents); counted in the report's `errorOutput`. */
  reject(records: readonly RejectedRecord[]): Promise<void>;
  /** Sends what is left, flushes the stream and reports. */
  finish(): Promise<DeliveryReport>;
}

/** Options of one ingest. */
export interface IngestOptions {
  readonly dataset: string;
  readonly request: FetchRequest;
  readonly source: Source<object>;
  readonly delivery: IngestDelivery;
  readonly logger: Logger;
  readonly onProgress?: (progress: IngestProgress) => void;
  readonly now?: () => number;
  /** Records the ingest while it runs, so one that is killed is reported by the next. */
  readonly journal?: IngestJournal;
  /** Stops fetching (a caught SIGTERM/SIGINT): what was accepted is still written and reported. */
  readonly signal?: AbortSignal;
}

/**
 * Pulls every location from the source and pushes its records through the delivery stream.
 * A failing location is recorded and the others go on; nothing a location fetched is dropped. A
 * location whose records (or items the source could not map) went to the error output is a failure
 * too, naming how many.
 */
export async function ingest(options: IngestOptions): Promise<IngestSummary> {
  const now = options.now ?? Date.now;
  const started = now();
  const { request, logger } = options;
  const mode = request.mode ?? "hourly";
  if (!(options.source.modes ?? ["hourly"]).includes(mode)) {
    throw new SourceError(`source ${options.source.name} of dataset ${options.dataset} cannot collect mode "${mode}"; its modes: ${(options.source.modes ?? ["hourly"]).join(", ")}`);
  }
  const failures: { location: string; error: string }[] = [];
  let recordsFetched = 0;
  let locationsDone = 0;
  let locationsDelivered = 0;
  const deliveredNames: string[] = [];
  const { signal } = options;
  const cutShort = (await options.journal?.takeCutShort()) ?? [];
  for (const earlier of cutShort) logger.warn("an earlier ingest was cut short", { ingest: earlier.id, note: earlier.note });
  // Best effort: a journal that cannot be written (a full disk) must not stop the ingest, whose
  // own writes then fail and are reported location by location.
  const entry = await options.journal
    ?.begin({ dataset: options.dataset, source: options.source.name, from: request.from, to: request.to, locations: request.locations.map((l) => l.name) })
    .catch((error: unknown) => {
      logger.warn("could not record the ingest in the journal: a kill would go unreported", { error });
      return undefined;
    });
  const done = new Set<string>();
  const deliverOutcome = async (outcome: LocationOutcome<object>): Promise<void> => {
    done.add(outcome.location.name);
    locationsDone++;
    if (outcome.error) {
      failures.push({ location: outcome.location.name, error: outcome.error.message });
      logger.warn("location failed", { location: outcome.location.name, error: outcome.error.message });
    } else {
      recordsFetched += outcome.records.length;
      const sent = await options.delivery.send(outcome.records.map((record) => JSON.stringify(record)));
      if (sent.toErrorOutput > 0) {
        const error = `${sent.toErrorOutput === outcome.records.length ? "all" : sent.toErrorOutput + " of"} ${outcome.records.length} records went to the error output (raw/errors/)`;
        failures.push({ location: outcome.location.name, error });
        logger.warn("records went to the error output", { location: outcome.location.name, records: sent.toErrorOutput });
      }
      const rejected = outcome.rejected ?? [];
      if (rejected.length > 0) {
        await options.delivery.reject(rejected);
        const fields = [...new Set(rejected.map((r) => r.errorCode))].join(", ");
        failures.push({ location: outcome.location.name, error: `${rejected.length} item(s) the source could not map went to the error output (raw/errors/): ${fields}; first: ${rejected[0]!.errorMessage}` });
        logger.warn("items went to the error output", { location: outcome.location.name, items: rejected.length });
      }
      if (outcome.records.length > sent.toErrorOutput) {
        locationsDelivered++;
        deliveredNames.push(outcome.location.name);
      }
      logger.info("location fetched", { location: outcome.location.name, records: outcome.records.length });
    }
    options.onProgress?.({ locationsDone, locationsTotal: request.locations.length, recordsFetched, lastLocation: outcome.location.name });
  };
  options.onProgress?.({ locationsDone: 0, locationsTotal: request.locations.length, recordsFetched: 0, lastLocation: "" });
  try {
    for await (const outcome of options.source.fetch(request, signal)) {
      await deliverOutcome(outcome);
      if (signal?.aborted) break;
    }
  } catch (error) {
    // A fetch cut by the signal ends the loop; anything else fails the ingest, after writing what
    // was accepted (the journal entry then goes: the error is reported, not a kill).
    if (!signal?.aborted) {
      await options.delivery.finish().catch((failure: unknown) => logger.error("could not write the accepted records", { error: failure }));
      await entry?.end();
      throw error;
    }
  }
  const interrupted = signal?.aborted ? String(signal.reason ?? "abort") : undefined;
  if (interrupted) {
    for (const location of request.locations) {
      if (!done.has(location.name)) failures.push({ location: location.name, error: `not fetched: the ingest was stopped by ${interrupted}` });
    }
  }
  // Written before the journal entry goes: an ingest killed while writing is reported as cut short.
  const report = await options.delivery.finish();
  for (const lost of report.undelivered ?? []) {
    failures.push({ location: lost.partition, error: `${lost.records} accepted records were not written: ${lost.error}` });
  }
  // A location some of whose records were not written is not delivered.
  const lostLocations = new Set((report.undelivered ?? []).map((u) => u.partition));
  locationsDelivered -= deliveredNames.filter((name) => lostLocations.has(name)).length;
  const recordsToErrorOutput = Object.values(report.errorOutput).reduce((a, b) => a + b, 0);
  const summary: IngestSummary = {
    dataset: options.dataset,
    source: options.source.name,
    from: request.from,
    to: request.to,
    locationsRequested: request.locations.length,
    locationsDelivered,
    recordsFetched,
    recordsDelivered: report.recordsDelivered,
    objectsWritten: report.objectsWritten,
    partitionsWritten: report.partitionsWritten,
    recordsToErrorOutput,
    errorOutput: report.errorOutput,
    failures,
    durationMs: now() - started,
    ...(interrupted ? { interrupted } : {}),
    ...(cutShort.length > 0 ? { cutShort } : {}),
  };
  await (interrupted ? entry?.stopped({ signal: interrupted, locationsDone, recordsDelivered: report.recordsDelivered }) : entry?.end())?.catch((error: unknown) =>
    logger.warn("could not update the ingest journal", { error }),
  );
  return summary;
}
