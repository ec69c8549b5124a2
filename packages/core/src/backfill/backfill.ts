import type { IngestProgress, IngestSummary } from "../ingest/summary";
import type { Clock } from "../lake/clock";
import type { Logger } from "../log/logger";
import type { RunParameters, RunRecord } from "../run/run-record";
import { QuotaPacer } from "../sources/http/pacer";
import { formatQuota, windowMsOf, type SourceQuotas } from "../sources/quota";
import { backfillIdOf, planChunks, type BackfillChunk, type BackfillRequest } from "./chunks";
import type { BackfillCursorStore, BackfillState } from "./cursor-store";

export type { BackfillChunk, BackfillRequest } from "./chunks";
export type { BackfillState } from "./cursor-store";

/** What a back-fill is built from; the composition root binds them for the twin or AWS. */
export interface BackfillDeps {
  readonly cursors: BackfillCursorStore;
  /** The runtime's ingest (source → Firehose → raw), the same one a run's ingest step calls. */
  readonly ingest: (parameters: RunParameters, onProgress?: (p: IngestProgress) => void, signal?: AbortSignal) => Promise<IngestSummary>;
  /** One end-to-end run (transform → DQ → publish) over what the chunks wrote. */
  readonly run: (parameters: RunParameters, signal?: AbortSignal) => Promise<RunRecord>;
  /** The source's quotas (its declaration, or ones given on the command line). */
  readonly quotas: SourceQuotas;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Paces the chunks' calls (default: a pacer over `quotas`). */
  readonly pacer?: QuotaPacer;
}

/** How a back-fill is asked to go. */
export interface BackfillOptions {
  /** Ignore a saved cursor and start from the first chunk. */
  readonly restart?: boolean;
  /** Days per chunk (default: the source's, from its quota rule). */
  readonly chunkDays?: number;
  /** Stops after the chunk in flight (a caught SIGINT/SIGTERM); its cursor stays before that chunk. */
  readonly signal?: AbortSignal;
  /** Once, before the first chunk: where the back-fill starts. */
  onStart?(state: BackfillState, chunks: readonly BackfillChunk[]): void;
  /** After each chunk is written and its cursor saved. */
  onChunk?(progress: BackfillProgress): void;
}

/** Progress after one chunk. */
export interface BackfillProgress {
  readonly chunk: BackfillChunk;
  readonly chunksDone: number;
  readonly chunksTotal: number;
  readonly records: number;
  /** Remaining time at this process's pace so far, in ms. */
  readonly etaMs: number;
}

/** What a back-fill did. */
export interface BackfillResult {
  readonly state: BackfillState;
  /** Chunk index this process started at (0 unless it resumed). */
  readonly resumedAt: number;
  readonly run?: RunRecord;
  /** The back-fill had already finished: nothing was fetched or run. */
  readonly alreadyDone?: boolean;
}

/** A back-fill stopped at a chunk (a 429 that outlasted the client's waits, a failed location, a signal): re-running it resumes there. */
export class BackfillStoppedError extends Error {
  override readonly name = "BackfillStoppedError";
  constructor(
    message: string,
    readonly state: BackfillState,
    readonly chunk: BackfillChunk,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A long range fetched chunk by chunk under the source's quotas, each chunk through the runtime's
 * ingest, its cursor saved as soon as the chunk is written; then one run over the whole range.
 * Started again with the same request, it resumes after the last chunk written (a chunk killed in
 * flight is fetched again; the run's dedup keeps one record per key).
 */
export async function backfill(request: BackfillRequest, deps: BackfillDeps, options: BackfillOptions = {}): Promise<BackfillResult> {
  const { quotas, clock, logger, cursors } = deps;
  const chunkDays = options.chunkDays ?? quotas.chunkDays(request.variables.length);
  const chunks = planChunks(request, quotas, chunkDays);
  const id = backfillIdOf(request, chunkDays);
  const now = () => new Date(clock.now()).toISOString();
  const saved = options.restart ? undefined : await cursors.load(id);
  if (saved?.status === "succeeded") return { state: saved, resumedAt: saved.chunksDone, alreadyDone: true };
  const state: BackfillState = saved ?? {
    id,
    dataset: request.dataset,
    source: request.source,
    from: request.from,
    to: request.to,
    subjects: request.locations.map((l) => l.name),
    variables: [...request.variables],
    chunkDays,
    chunks: chunks.length,
    chunksDone: 0,
    records: 0,
    status: "ingesting",
    startedAt: now(),
    updatedAt: now(),
  };
  const resumedAt = state.chunksDone;
  const save = async (changes: Partial<BackfillState>) => {
    Object.assign(state, changes, { updatedAt: now() });
    await cursors.save(state);
  };
  await save({ status: state.chunksDone < chunks.length ? "ingesting" : state.status, failure: undefined });
  const pacer = deps.pacer ?? new QuotaPacer({ windows: quotas.quotas.map((q) => ({ limit: q.limit, windowMs: windowMsOf(q), label: `${formatQuota(q)} (${q.what})` })), clock });
  const log = logger.child({ backfill: id });
  options.onStart?.(state, chunks);
  const started = clock.now();
  for (const chunk of chunks.slice(state.chunksDone)) {
    const where = `chunk ${chunk.index + 1}/${chunks.length} (${chunk.from}..${chunk.to}, ${chunk.subjects.map((s) => s.name).join(",")})`;
    const resume = `${state.chunksDone} chunk(s) are written and kept; run the same command again to resume from chunk ${chunk.index + 1} (--restart starts over)`;
    const stop = async (message: string, cause?: unknown): Promise<never> => {
      await save({ status: "stopped", failure: { chunk: chunk.index + 1, from: chunk.from, to: chunk.to, message } });
      throw new BackfillStoppedError(`back-fill ${id} stopped at ${where}: ${message}. ${resume}`, state, chunk, { cause });
    };
    let summary: IngestSummary;
    try {
      const release = await pacer.acquire(chunk.weight, options.signal);
      try {
        summary = await deps.ingest(
          { dataset: request.dataset, source: request.source, from: chunk.from, to: chunk.to, locations: chunk.subjects, variables: request.variables, skipIngest: false },
          undefined,
          options.signal,
        );
      } finally {
        release();
      }
    } catch (error) {
      if (options.signal?.aborted) return stop(`stopped by ${String(options.signal.reason ?? "abort")}`, error);
      return stop(error instanceof Error ? error.message : String(error), error);
    }
    if (summary.interrupted) return stop(`stopped by ${summary.interrupted}`);
    if (summary.failures.length > 0) {
      const first = summary.failures[0]!;
      return stop(`${summary.failures.length} subject(s) failed, first ${first.location}: ${first.error}`);
    }
    await save({ chunksDone: chunk.index + 1, records: state.records + summary.recordsDelivered });
    const doneHere = state.chunksDone - resumedAt;
    const etaMs = ((clock.now() - started) / doneHere) * (chunks.length - state.chunksDone);
    log.info("back-fill chunk written", { chunk: chunk.index + 1, chunks: chunks.length, from: chunk.from, to: chunk.to, records: summary.recordsDelivered });
    options.onChunk?.({ chunk, chunksDone: state.chunksDone, chunksTotal: chunks.length, records: state.records, etaMs });
  }
  await save({ status: "running" });
  const run = await deps.run(
    { dataset: request.dataset, source: request.source, from: request.from, to: request.to, locations: request.locations, variables: request.variables, skipIngest: true },
    options.signal,
  );
  await save({ status: run.status === "succeeded" ? "succeeded" : run.status === "dq_failed" ? "dq_failed" : "failed", runId: run.id });
  return { state, resumedAt, run };
}
