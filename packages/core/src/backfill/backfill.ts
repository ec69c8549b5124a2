import type { IngestProgress, IngestSummary } from "../ingest/summary";
import type { Clock } from "../lake/clock";
import type { Logger } from "../log/logger";
import type { RunLock } from "../run/run-lock";
import { RunInProgressError } from "../run/run-lock";
import type { RunParameters, RunRecord } from "../run/run-record";
import { QuotaPacer, type SpentCall } from "../sources/http/pacer";
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
  /**
   * The lock of one back-fill id (the twin's lock file under `_sluice/backfills/`): `backfill()`
   * holds it from before it reads the cursor until it returns, so two processes never drive the
   * same back-fill at once. Without it nothing keeps them apart.
   */
  readonly lock?: (backfillId: string) => RunLock;
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

/** The same back-fill is being driven already (by `sluice backfill` or `sluice serve`, in this process or another). */
export class BackfillInProgressError extends Error {
  override readonly name = "BackfillInProgressError";
  constructor(
    readonly backfillId: string,
    readonly since: string,
    options?: { cause?: unknown },
  ) {
    super(`back-fill ${backfillId} has been running since ${since}; one at a time per back-fill: wait for it, or see GET /backfills/${backfillId}`, options);
  }
}

/** The id a back-fill of `request` has with these quotas (and chunk length, default the source's). */
export function backfillIdFor(request: BackfillRequest, quotas: SourceQuotas, chunkDays = quotas.chunkDays(request.variables.length)): string {
  return backfillIdOf(request, chunkDays);
}

/** A saved back-fill whose chunks this start would cut differently (other quotas): resuming would skip or repeat chunks. */
export class BackfillPlanChangedError extends Error {
  override readonly name = "BackfillPlanChangedError";
}

/**
 * One back-fill: its chunks and its cursor. `backfill()` drives it in one process; a state machine
 * drives it one chunk per invocation (`ingestChunk`, then `recordRun` after the run it started).
 */
export class Backfill {
  private constructor(
    private readonly deps: BackfillDeps,
    readonly request: BackfillRequest,
    readonly chunks: readonly BackfillChunk[],
    readonly state: BackfillState,
    /** Chunk index this back-fill was opened at (0 unless it resumed). */
    readonly resumedAt: number,
    /** The status its saved cursor had when it was opened (undefined: a new back-fill). */
    readonly savedStatus: BackfillState["status"] | undefined,
  ) {}

  /** Loads the back-fill's cursor (or starts one, also with `restart`) and cuts the request into its chunks. */
  static async open(request: BackfillRequest, deps: BackfillDeps, options: Pick<BackfillOptions, "restart" | "chunkDays"> = {}): Promise<Backfill> {
    const chunkDays = options.chunkDays ?? deps.quotas.chunkDays(request.variables.length);
    const chunks = planChunks(request, deps.quotas, chunkDays);
    const id = backfillIdOf(request, chunkDays);
    const now = new Date(deps.clock.now()).toISOString();
    const saved = options.restart ? undefined : await deps.cursors.load(id);
    const subjectsPerChunk = chunks[0]?.subjects.length ?? 0;
    if (saved && (saved.chunks !== chunks.length || saved.subjectsPerChunk !== subjectsPerChunk)) {
      // The quotas changed how the subjects are grouped: the cursor's chunk numbers would name other chunks.
      throw new BackfillPlanChangedError(
        `back-fill ${id} was cut into ${saved.chunks} chunk(s) of ${saved.subjectsPerChunk} subject(s); with these quotas it is ${chunks.length} of ${subjectsPerChunk}: give the same quotas (--quota) to resume, or --restart`,
      );
    }
    const state: BackfillState = saved ?? {
      id,
      dataset: request.dataset,
      source: request.source,
      from: request.from,
      to: request.to,
      subjects: request.locations.map((l) => l.name),
      variables: [...request.variables],
      chunkDays,
      subjectsPerChunk,
      chunks: chunks.length,
      chunksDone: 0,
      records: 0,
      status: "ingesting",
      startedAt: now,
      updatedAt: now,
    };
    const opened = new Backfill(deps, request, chunks, state, state.chunksDone, saved?.status);
    if (!saved) await opened.save({});
    return opened;
  }

  /**
   * What the quota windows had spent when this back-fill's cursor was last saved, for the pacer of
   * the process that resumes it. A cursor left `ingesting` was saved by a process that died with
   * the next chunk possibly in flight: that chunk counts as spent now (it cannot have been later).
   */
  spentCalls(): SpentCall[] {
    const calls = [...(this.state.quotaCalls ?? [])];
    const next = this.chunks[this.state.chunksDone];
    if (this.savedStatus === "ingesting" && next) calls.push({ weight: next.weight, endMs: this.deps.clock.now() });
    return calls;
  }

  /** Every chunk is written. */
  get ingested(): boolean {
    return this.state.chunksDone >= this.chunks.length;
  }

  /** The run over the whole range finished and published. */
  get finished(): boolean {
    return this.state.status === "succeeded";
  }

  /** The parameters of the one run over the whole range (nothing left to ingest). */
  runParameters(): RunParameters {
    const { dataset, source, from, to, locations, variables } = this.request;
    return { dataset, source, from, to, locations, variables, skipIngest: true };
  }

  /**
   * Ingests chunk `index`, the one after the cursor, paced by `pacer`; saves the cursor past it. A
   * chunk already written is not fetched again (a retried state). A failure saves the back-fill
   * stopped and throws a BackfillStoppedError naming the chunk and how to resume.
   */
  async ingestChunk(index: number, pacer: QuotaPacer | undefined, signal?: AbortSignal): Promise<{ readonly chunk: BackfillChunk; readonly records: number; readonly skipped: boolean }> {
    const chunk = this.chunks[index];
    if (!chunk) throw new RangeError(`back-fill ${this.state.id} has chunks 0..${this.chunks.length - 1}, not ${index}`);
    if (index < this.state.chunksDone) return { chunk, records: 0, skipped: true };
    if (index > this.state.chunksDone) throw new RangeError(`back-fill ${this.state.id}: chunk ${index + 1} asked for before chunk ${this.state.chunksDone + 1}`);
    const where = `chunk ${chunk.index + 1}/${this.chunks.length} (${chunk.from}..${chunk.to}, ${chunk.subjects.map((s) => s.name).join(",")})`;
    const stop = async (message: string, cause?: unknown): Promise<never> => {
      const resume = `${this.state.chunksDone} chunk(s) are written and kept; run the same command again to resume from chunk ${chunk.index + 1} (--restart starts over)`;
      await this.save({ status: "stopped", failure: { chunk: chunk.index + 1, from: chunk.from, to: chunk.to, message } });
      throw new BackfillStoppedError(`back-fill ${this.state.id} stopped at ${where}: ${message}. ${resume}`, this.state, chunk, { cause });
    };
    let summary: IngestSummary;
    try {
      const release = pacer ? await pacer.acquire(chunk.weight, signal) : () => undefined;
      try {
        const { dataset, source, variables } = this.request;
        summary = await this.deps.ingest({ dataset, source, from: chunk.from, to: chunk.to, locations: chunk.subjects, variables, skipIngest: false }, undefined, signal);
      } finally {
        release();
        // Saved with the cursor below (written or stopped): a resumed process counts these calls.
        if (pacer) this.state.quotaCalls = pacer.spent();
      }
    } catch (error) {
      if (signal?.aborted) return stop(`stopped by ${String(signal.reason ?? "abort")}`, error);
      return stop(error instanceof Error ? error.message : String(error), error);
    }
    if (summary.interrupted) return stop(`stopped by ${summary.interrupted}`);
    if (summary.failures.length > 0) {
      const first = summary.failures[0]!;
      return stop(`${summary.failures.length} subject(s) failed, first ${first.location}: ${first.error}`);
    }
    await this.save({ status: "ingesting", failure: undefined, chunksDone: chunk.index + 1, records: this.state.records + summary.recordsDelivered });
    this.deps.logger.info("back-fill chunk written", { backfill: this.state.id, chunk: chunk.index + 1, chunks: this.chunks.length, from: chunk.from, to: chunk.to, records: summary.recordsDelivered });
    return { chunk, records: summary.recordsDelivered, skipped: false };
  }

  /**
   * Marks the back-fill under way again (a resume after a stop): its cursor says so, with the time
   * (and on AWS the execution that will drive it), before the next chunk is fetched.
   */
  async resumed(driver: Pick<BackfillState, "executionArn"> = {}): Promise<void> {
    await this.save({ status: this.ingested ? "running" : "ingesting", failure: undefined, ...driver });
  }

  /** Marks the back-fill stopped before its next chunk because its driver never started (an execution that could not be started): a new start resumes there. */
  async stoppedBeforeStart(message: string): Promise<void> {
    const next = this.chunks[Math.min(this.state.chunksDone, this.chunks.length - 1)]!;
    await this.save({ status: "stopped", failure: { chunk: next.index + 1, from: next.from, to: next.to, message } });
  }

  /** Marks the run over the whole range started. */
  async runStarted(runId?: string): Promise<void> {
    await this.save({ status: "running", ...(runId ? { runId } : {}) });
  }

  /** Records the outcome of the run over the whole range. */
  async recordRun(run: Pick<RunRecord, "id" | "status">): Promise<void> {
    await this.save({ status: run.status === "succeeded" ? "succeeded" : run.status === "dq_failed" ? "dq_failed" : "failed", runId: run.id });
  }

  private async save(changes: Partial<BackfillState>): Promise<void> {
    Object.assign(this.state, changes, { updatedAt: new Date(this.deps.clock.now()).toISOString() });
    await this.deps.cursors.save(this.state);
  }
}

/** A pacer over the quotas' windows. */
export function pacerOf(quotas: SourceQuotas, clock: Clock): QuotaPacer {
  return new QuotaPacer({ windows: quotas.quotas.map((q) => ({ limit: q.limit, windowMs: windowMsOf(q), label: `${formatQuota(q)} (${q.what})` })), clock });
}

/**
 * Seconds to wait after a call of `weight` so that calls spaced so never fill a window: the
 * tightest window's share of it (weight × window / limit). A state machine, whose invocations keep
 * no pacer between them, waits this long in a Wait state after each chunk.
 */
export function paceSeconds(weight: number, quotas: SourceQuotas): number {
  return Math.max(0, ...quotas.quotas.map((q) => Math.ceil((weight * windowMsOf(q)) / q.limit / 1000)));
}

/**
 * A long range fetched chunk by chunk under the source's quotas, each chunk through the runtime's
 * ingest, its cursor saved as soon as the chunk is written; then one run over the whole range.
 * Started again with the same request, it resumes after the last chunk written (a chunk killed in
 * flight is fetched again; the run's dedup keeps one record per key).
 */
export async function backfill(request: BackfillRequest, deps: BackfillDeps, options: BackfillOptions = {}): Promise<BackfillResult> {
  const id = backfillIdFor(request, deps.quotas, options.chunkDays);
  const lease = deps.lock ? await acquireBackfill(deps.lock(id), id) : undefined;
  try {
    return await driveBackfill(request, deps, options);
  } finally {
    await lease?.release();
  }
}

/** Takes the back-fill's lock (a stale one, left by a killed process, is taken over). */
async function acquireBackfill(lock: RunLock, id: string): Promise<{ release(): Promise<void> }> {
  try {
    return await lock.acquire(id);
  } catch (error) {
    if (error instanceof RunInProgressError) throw new BackfillInProgressError(id, error.since, { cause: error });
    throw error;
  }
}

async function driveBackfill(request: BackfillRequest, deps: BackfillDeps, options: BackfillOptions): Promise<BackfillResult> {
  const opened = await Backfill.open(request, deps, options);
  const { state, chunks, resumedAt } = opened;
  if (opened.finished) return { state, resumedAt, alreadyDone: true };
  const pacer = deps.pacer ?? pacerOf(deps.quotas, deps.clock);
  pacer.remember(opened.spentCalls());
  await opened.resumed();
  options.onStart?.(state, chunks);
  const started = deps.clock.now();
  for (const chunk of chunks.slice(state.chunksDone)) {
    await opened.ingestChunk(chunk.index, pacer, options.signal);
    const etaMs = ((deps.clock.now() - started) / (state.chunksDone - resumedAt)) * (chunks.length - state.chunksDone);
    options.onChunk?.({ chunk, chunksDone: state.chunksDone, chunksTotal: chunks.length, records: state.records, etaMs });
  }
  await opened.runStarted();
  const run = await deps.run(opened.runParameters(), options.signal);
  await opened.recordRun(run);
  return { state, resumedAt, run };
}
