import type { SFNClient } from "@aws-sdk/client-sfn";
import { startExecution } from "./start-execution";
import type { BackfillLauncher, BackfillStart } from "../api/backfill-launcher";
import { Backfill, BackfillInProgressError, backfillIdFor, type BackfillRequest, type BackfillState } from "../backfill/backfill";
import type { BackfillCursorStore } from "../backfill/cursor-store";
import type { Clock } from "../lake/clock";
import { systemClock } from "../lake/clock";
import type { Logger } from "../log/logger";
import { backfillRequestSchema } from "../run/run-request";
import { windowMsOf, type SourceQuotas } from "../sources/quota";
import { DEFAULT_LOCK_TTL_MS } from "./s3-run-lock";

/** The back-fill state machine could not start an execution: the back-fill's cursor says stopped, a new POST resumes it. */
export class BackfillNotStartedError extends Error {
  override readonly name = "BackfillNotStartedError";
  constructor(
    readonly backfillId: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`back-fill ${backfillId} did not start: starting an execution of the back-fill state machine failed: ${reason}`, options);
  }
}

/** Options of `StepFunctionsBackfillLauncher`. */
export interface StepFunctionsBackfillLauncherOptions {
  /** The back-fill state machine, bound as BACKFILL_STATE_MACHINE. */
  readonly stateMachineArn: string;
  /** The cursors in the processed bucket: the first one is saved here, so GET /backfills/{id} answers at once. */
  readonly cursors: BackfillCursorStore;
  /** The source's quotas (what the runner's Plan cuts the chunks by, so the id is the same). */
  readonly quotasOf: (request: Pick<BackfillRequest, "dataset" | "source">) => SourceQuotas;
  /**
   * A cursor under way not saved for longer than this plus the source's longest quota window (a
   * pacing Wait can last up to that) belongs to an execution that ended without saying so (timed
   * out, aborted): it no longer blocks a new start. Default 2 h.
   */
  readonly staleAfterMs?: number;
  readonly clock?: Clock;
  readonly logger: Logger;
}

/**
 * Starts back-fills on AWS: refuses while the same back-fill's cursor says it is under way and was
 * saved recently, opens the back-fill (cuts its chunks, saves its first cursor, or resets it with
 * `restart`), then starts an execution of the back-fill state machine whose input is the request
 * as its Plan state parses it. The check is a fast refusal: a cursor is no lock, and two POSTs in
 * the same instant can both start one (each resumes from the cursor; a chunk may be fetched twice,
 * and the run's dedup keeps one record per key). Execution names are unique for 90 days, so each
 * start is named by the back-fill id and the time.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
 */
export class StepFunctionsBackfillLauncher implements BackfillLauncher {
  private readonly clock: Clock;

  constructor(
    private readonly sfn: SFNClient,
    private readonly options: StepFunctionsBackfillLauncherOptions,
  ) {
    this.clock = options.clock ?? systemClock;
  }

  async start(request: BackfillStart): Promise<{ backfillId: string }> {
    const { restart, ...backfillRequest } = request;
    const { cursors, logger, stateMachineArn } = this.options;
    // What the runner's Plan parses, checked before anything is saved.
    const input = backfillRequestSchema.parse({
      dataset: request.dataset,
      source: request.source,
      from: request.from,
      to: request.to,
      locations: request.locations.map(({ name, latitude, longitude }) => ({ name, latitude, longitude })),
      variables: [...request.variables],
      ...(restart ? { restart: true } : {}),
    });
    const deps = {
      cursors,
      quotas: this.options.quotasOf(request),
      clock: this.clock,
      logger,
      ingest: () => Promise.reject(new Error("the API does not ingest: the back-fill state machine does")),
      run: () => Promise.reject(new Error("the API does not run: the back-fill state machine does")),
    };
    const saved = await cursors.load(backfillIdFor(backfillRequest, deps.quotas));
    if (saved && (await this.active(saved))) throw new BackfillInProgressError(saved.id, saved.startedAt);
    const opened = await Backfill.open(backfillRequest, deps, { restart });
    const backfillId = opened.state.id;
    const log = logger.child({ backfill: backfillId });
    // A finished back-fill is not run again (its Plan would find no chunk and run the range once more).
    if (opened.finished) return { backfillId };
    // Under way from now: a second POST meanwhile is refused.
    await opened.resumed();
    await startExecution(this.sfn, {
      stateMachineArn,
      name: executionName(backfillId, this.clock.now()),
      input,
      what: "back-fill",
      log,
      notStartedError: (detail, options) => new BackfillNotStartedError(backfillId, detail, options),
      recordNotStarted: (reason) => opened.stoppedBeforeStart(`the back-fill state machine could not be started (${reason}); start the back-fill again`),
    });
    return { backfillId };
  }

  async active(state: BackfillState): Promise<boolean> {
    if (state.status !== "ingesting" && state.status !== "running") return false;
    const windows = this.options.quotasOf(state).quotas.map(windowMsOf);
    const staleAfter = (this.options.staleAfterMs ?? DEFAULT_LOCK_TTL_MS) + Math.max(0, ...windows);
    return this.clock.now() - Date.parse(state.updatedAt) < staleAfter;
  }
}

/** `<backfill id>-<yyyymmddThhmmssZ>`, within the 80 characters an execution name may have (a long dataset name drops its part of the id). */
export function executionName(backfillId: string, now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const name = `${backfillId}-${stamp}`;
  return name.length <= 80 ? name : `b-${backfillId.slice(-10)}-${stamp}`;
}
