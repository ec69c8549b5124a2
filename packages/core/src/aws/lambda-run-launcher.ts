import { InvokeCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import type { RunLauncher } from "../api/run-launcher";
import type { Clock } from "../lake/clock";
import { systemClock } from "../lake/clock";
import type { Logger } from "../log/logger";
import type { RunLock } from "../run/run-lock";
import { RunInProgressError } from "../run/run-lock";
import type { RunParameters, RunRecord } from "../run/run-record";
import { RUN_STEPS, newRunId } from "../run/run-record";
import type { RunStore } from "../run/run-store";
import { awsErrorName, messageOf } from "./aws-errors";
import { DEFAULT_LOCK_TTL_MS } from "./s3-run-lock";

/** The runner function could not be invoked (throttled, missing, not permitted…): the run did not start. */
export class RunnerInvokeError extends Error {
  override readonly name = "RunnerInvokeError";
  constructor(
    readonly runId: string,
    readonly functionName: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`run ${runId} did not start: invoking the runner function ${functionName} failed: ${reason}`, options);
  }
}

/** Options of `LambdaRunLauncher`. */
export interface LambdaRunLauncherOptions {
  /** The runner Lambda (name or ARN), bound as RUNNER_FUNCTION. */
  readonly functionName: string;
  /** The lake's run lock, read only: the runner acquires it. */
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
 * record (`running`, every step pending), then invokes the runner Lambda asynchronously with
 * `{ runId, parameters }` and answers with the id. The runner's engine takes the lock and
 * overwrites that record within seconds. The lock check here is a fast refusal only: the engine's
 * conditional lock is what keeps two runs apart.
 * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html (Event: StatusCode 202, errors 4xx/5xx)
 */
export class LambdaRunLauncher implements RunLauncher {
  private readonly clock: Clock;
  private readonly ttlMs: number;

  constructor(
    private readonly lambda: LambdaClient,
    private readonly options: LambdaRunLauncherOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.ttlMs = options.lockTtlMs ?? DEFAULT_LOCK_TTL_MS;
  }

  async start(parameters: RunParameters): Promise<{ runId: string }> {
    const holder = await this.options.lock.holder();
    // A holder whose age cannot be read is left to the engine, which judges by S3's LastModified.
    const since = holder ? Date.parse(holder.since) : Number.NaN;
    if (holder && !Number.isNaN(since) && this.clock.now() - since < this.ttlMs) throw new RunInProgressError(holder.runId, holder.since);

    const runId = newRunId(this.clock.now());
    const log = this.options.logger.child({ runId });
    // Saved before the invoke, so the runner's own first save (a warm runner can be quick) is never overwritten by this one.
    const record = firstRecord(runId, parameters, this.clock.now());
    await this.options.runStore.save(record);
    try {
      const answer = await this.lambda.send(
        new InvokeCommand({
          FunctionName: this.options.functionName,
          InvocationType: "Event",
          Payload: new TextEncoder().encode(JSON.stringify({ runId, parameters })),
        }),
      );
      if (answer.StatusCode !== 202 || answer.FunctionError) {
        throw new RunnerInvokeError(runId, this.options.functionName, `Lambda answered status ${answer.StatusCode ?? "none"}${answer.FunctionError ? ` with FunctionError ${answer.FunctionError}` : ""}, not 202 Accepted`);
      }
    } catch (error) {
      const failure = error instanceof RunnerInvokeError ? error : new RunnerInvokeError(runId, this.options.functionName, `${awsErrorName(error) ?? "Error"}: ${messageOf(error)}`, { cause: error });
      log.error("runner not invoked", { error: failure });
      const reason = error instanceof RunnerInvokeError ? "Lambda did not accept the event" : (awsErrorName(error) ?? "the invocation failed");
      await this.options.runStore.save(notStarted(record, this.clock.now(), reason)).catch((saveError: unknown) => log.error("could not record the run that did not start", { error: saveError }));
      throw failure;
    }
    log.info("runner invoked", { functionName: this.options.functionName });
    return { runId };
  }
}

/** The record a run has between the API's 202 and the runner's first save. */
function firstRecord(id: string, parameters: RunParameters, now: number): RunRecord {
  return { id, status: "running", parameters, startedAt: new Date(now).toISOString(), steps: RUN_STEPS.map((name) => ({ name, status: "pending" as const })) };
}

/** The record of a run whose runner was never invoked; the reason names no deployment detail (clients read records). */
function notStarted(record: RunRecord, now: number, reason: string): RunRecord {
  const endedAt = new Date(now).toISOString();
  return {
    ...record,
    status: "failed",
    endedAt,
    durationMs: now - Date.parse(record.startedAt),
    steps: record.steps.map((step) => ({ ...step, status: "skipped" as const })),
    failure: { step: RUN_STEPS[0], message: `the runner could not be started (${reason}); start the run again` },
  };
}
