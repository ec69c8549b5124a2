import type { SFNClient } from "@aws-sdk/client-sfn";
import { startExecution } from "./start-execution";
import type { RunLauncher } from "../api/run-launcher";
import type { Clock } from "../lake/clock";
import { systemClock } from "../lake/clock";
import type { Logger } from "../log/logger";
import type { RunLock } from "../run/run-lock";
import { RunInProgressError } from "../run/run-lock";
import type { RunParameters, RunRecord } from "../run/run-record";
import { RUN_STEPS, newRunId } from "../run/run-record";
import { runRequestSchema } from "../run/run-request";
import type { RunStore } from "../run/run-store";
import { DEFAULT_LOCK_TTL_MS } from "./s3-run-lock";

/** The run state machine could not start an execution (throttled, missing, not permitted…): the run did not start. */
export class RunNotStartedError extends Error {
  override readonly name = "RunNotStartedError";
  constructor(
    readonly runId: string,
    readonly stateMachineArn: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`run ${runId} did not start: starting an execution of the run state machine ${stateMachineArn} failed: ${reason}`, options);
  }
}

/** Options of `StepFunctionsRunLauncher`. */
export interface StepFunctionsRunLauncherOptions {
  /** The run state machine, bound as RUN_STATE_MACHINE. */
  readonly stateMachineArn: string;
  /** The lake's run lock, read only: the execution's Start state acquires it. */
  readonly lock: Pick<RunLock, "holder">;
  /** Where the first record of the run is saved, so `GET /runs/{id}` answers at once. */
  readonly runStore: RunStore;
  /** Age after which a held lock is stale and does not block (the S3RunLock's TTL, default 2 h). */
  readonly lockTtlMs?: number;
  readonly clock?: Clock;
  readonly logger: Logger;
}

/**
 * Starts runs on AWS: refuses while a live run holds the lake's lock, then saves the run's first
 * record (`running`, every step pending), then starts an execution of the run state machine named
 * by the run id with the run's parameters as its input, and answers with the id. The execution's
 * Start state takes the lock and saves the record again. The lock check here is a fast refusal
 * only: the conditional lock is what keeps two runs apart. An execution name is unique per state
 * machine for 90 days, so a run id cannot start twice.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
 */
export class StepFunctionsRunLauncher implements RunLauncher {
  private readonly clock: Clock;
  private readonly ttlMs: number;

  constructor(
    private readonly sfn: SFNClient,
    private readonly options: StepFunctionsRunLauncherOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.ttlMs = options.lockTtlMs ?? DEFAULT_LOCK_TTL_MS;
  }

  async start(parameters: RunParameters): Promise<{ runId: string }> {
    const holder = await this.options.lock.holder();
    // A holder whose age cannot be read is left to the Start state, which judges by S3's LastModified.
    const since = holder ? Date.parse(holder.since) : Number.NaN;
    if (holder && !Number.isNaN(since) && this.clock.now() - since < this.ttlMs) throw new RunInProgressError(holder.runId, holder.since);

    // The execution's input is a run request: what the step runner parses is checked here, before anything is saved.
    const input = runRequestSchema.parse(parameters);
    const runId = newRunId(this.clock.now());
    const log = this.options.logger.child({ runId });
    const { stateMachineArn } = this.options;
    // Saved before the execution starts, so the Start state's own save is never overwritten by this one.
    const record = firstRecord(runId, parameters, this.clock.now());
    await this.options.runStore.save(record);
    await startExecution(this.sfn, {
      stateMachineArn,
      name: runId,
      input,
      what: "run",
      log,
      notStartedError: (detail, options) => new RunNotStartedError(runId, stateMachineArn, detail, options),
      recordNotStarted: (reason) => this.options.runStore.save(notStarted(record, this.clock.now(), reason)),
    });
    return { runId };
  }
}

/** The record a run has between the API's 202 and the Start state's first save. */
function firstRecord(id: string, parameters: RunParameters, now: number): RunRecord {
  return { id, status: "running", parameters, startedAt: new Date(now).toISOString(), steps: RUN_STEPS.map((name) => ({ name, status: "pending" as const })) };
}

/** The record of a run whose execution never started; the reason names no deployment detail (clients read records). */
function notStarted(record: RunRecord, now: number, reason: string): RunRecord {
  const endedAt = new Date(now).toISOString();
  return {
    ...record,
    status: "failed",
    endedAt,
    durationMs: now - Date.parse(record.startedAt),
    steps: record.steps.map((step) => ({ ...step, status: "skipped" as const })),
    failure: { step: RUN_STEPS[0], message: `the run state machine could not be started (${reason}); start the run again` },
  };
}
