import { DescribeExecutionCommand, type SFNClient } from "@aws-sdk/client-sfn";
import { awsErrorName } from "./aws-errors";
import { startExecution } from "./start-execution";
import type { BackfillLauncher, BackfillStart } from "../api/backfill-launcher";
import { Backfill, BackfillInProgressError, backfillIdFor, type BackfillDeps, type BackfillRequest, type BackfillState } from "../backfill/backfill";
import type { BackfillCursorStore } from "../backfill/cursor-store";
import type { Clock } from "../lake/clock";
import { systemClock } from "../lake/clock";
import type { Logger } from "../log/logger";
import { RunInProgressError, type RunLock } from "../run/run-lock";
import { backfillRequestSchema } from "../run/run-request";
import { windowMsOf, type SourceQuotas } from "../sources/quota";
import { DEFAULT_LOCK_TTL_MS } from "./s3-run-lock";

/** A start lock older than this is stale: far past the few seconds a start takes and the API function's timeout. */
export const BACKFILL_START_LOCK_TTL_MS = 5 * 60_000;

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
   * When the cursor names no execution (or Step Functions cannot be asked): a cursor under way not
   * saved for longer than this plus the source's longest quota window (a pacing Wait can last up
   * to that) belongs to an execution that ended without saying so: it no longer blocks a new
   * start. Default 2 h.
   */
  readonly staleAfterMs?: number;
  /**
   * A short lock per back-fill id (an S3 object created with `If-None-Match: *`) held from the
   * cursor check until the execution is started, so two POSTs in the same instant cannot both
   * find the cursor idle and start two executions. Without it the check is only a fast refusal.
   */
  readonly startLock?: (backfillId: string) => RunLock;
  readonly clock?: Clock;
  readonly logger: Logger;
}

/**
 * Starts back-fills on AWS: refuses while the same back-fill's cursor says it is under way and was
 * saved recently, opens the back-fill (cuts its chunks, saves its first cursor, or resets it with
 * `restart`), then starts an execution of the back-fill state machine whose input is the request
 * as its Plan state parses it. The check and the start happen under the back-fill's start lock, so
 * of two POSTs in the same instant one starts the execution and the other is refused (409).
 * Execution names are unique for 90 days, so each start is named by the back-fill id and the time.
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
    const { cursors, logger } = this.options;
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
    const id = backfillIdFor(backfillRequest, deps.quotas);
    const lease = await this.lockStart(id);
    try {
      return await this.startLocked(id, request, input, deps);
    } finally {
      await lease?.release();
    }
  }

  private async lockStart(id: string): Promise<{ release(): Promise<void> } | undefined> {
    if (!this.options.startLock) return undefined;
    try {
      return await this.options.startLock(id).acquire(id);
    } catch (error) {
      if (error instanceof RunInProgressError) throw new BackfillInProgressError(id, error.since, { cause: error });
      throw error;
    }
  }

  /** Under the start lock: the cursor check, the first (or reset) cursor, the execution. */
  private async startLocked(id: string, request: BackfillStart, input: unknown, deps: BackfillDeps): Promise<{ backfillId: string }> {
    const { restart, ...backfillRequest } = request;
    const { cursors, logger, stateMachineArn } = this.options;
    const saved = await cursors.load(id);
    if (saved && (await this.active(saved))) throw new BackfillInProgressError(saved.id, saved.startedAt);
    const opened = await Backfill.open(backfillRequest, deps, { restart });
    const backfillId = opened.state.id;
    const log = logger.child({ backfill: backfillId });
    // A finished back-fill is not run again (its Plan would find no chunk and run the range once more).
    if (opened.finished) return { backfillId };
    // Under way from now, driven by the execution about to start: a second POST meanwhile is refused.
    const name = executionName(backfillId, this.clock.now());
    await opened.resumed({ executionArn: executionArnOf(stateMachineArn, name) });
    await startExecution(this.sfn, {
      stateMachineArn,
      name,
      input,
      what: "back-fill",
      log,
      notStartedError: (detail, options) => new BackfillNotStartedError(backfillId, detail, options),
      recordNotStarted: (reason) => opened.stoppedBeforeStart(`the back-fill state machine could not be started (${reason}); start the back-fill again`),
    });
    return { backfillId };
  }

  /**
   * Whether an execution still drives the back-fill: its cursor is under way and the execution it
   * names is RUNNING (DescribeExecution). An execution that timed out, was aborted or failed without
   * its Catch saying so no longer blocks a new start. Without an execution to ask (a cursor saved
   * before this was recorded) or when Step Functions cannot be asked, a cursor saved recently counts
   * as active.
   * https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html
   */
  async active(state: BackfillState): Promise<boolean> {
    if (state.status !== "ingesting" && state.status !== "running") return false;
    if (state.executionArn) {
      try {
        const { status } = await this.sfn.send(new DescribeExecutionCommand({ executionArn: state.executionArn }));
        return status === "RUNNING" || status === "PENDING_REDRIVE";
      } catch (error) {
        // Not started after all (StartExecution failed after the cursor named it): nothing drives it.
        if (awsErrorName(error) === "ExecutionDoesNotExist") return false;
        this.options.logger.warn("could not ask Step Functions whether the back-fill's execution runs; judging by the cursor's age", { backfill: state.id, error });
      }
    }
    const windows = this.options.quotasOf(state).quotas.map(windowMsOf);
    const staleAfter = (this.options.staleAfterMs ?? DEFAULT_LOCK_TTL_MS) + Math.max(0, ...windows);
    return this.clock.now() - Date.parse(state.updatedAt) < staleAfter;
  }
}

/** The ARN Step Functions gives execution `name` of a state machine (`arn:…:states:…:execution:<machine>:<name>`). */
export function executionArnOf(stateMachineArn: string, name: string): string {
  const at = stateMachineArn.indexOf(":stateMachine:");
  if (at < 0) throw new RangeError(`not a state machine ARN: ${stateMachineArn}`);
  return `${stateMachineArn.slice(0, at)}:execution:${stateMachineArn.slice(at + ":stateMachine:".length)}:${name}`;
}

/** `<backfill id>-<yyyymmddThhmmssZ>`, within the 80 characters an execution name may have (a long dataset name drops its part of the id). */
export function executionName(backfillId: string, now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const name = `${backfillId}-${stamp}`;
  return name.length <= 80 ? name : `b-${backfillId.slice(-10)}-${stamp}`;
}
