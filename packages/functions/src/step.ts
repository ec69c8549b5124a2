import { createHash } from "node:crypto";
import { z } from "zod";
import { awsErrorName } from "../../core/src/aws/aws-errors";
import { lambdaLogger } from "../../core/src/log/lambda-logger";
import type { LambdaInvocationContext } from "../../core/src/log/lambda-logger";
import type { RunParameters, RunRecord, RunStatus, RunStepName } from "../../core/src/run/run-record";
import { RUN_ID_RE, RUN_STEPS, newRunId } from "../../core/src/run/run-record";
import { scheduledSourceOf, scheduledSubjects, type ScheduledDataset } from "../../core/src/run/scheduled-subjects";
import { AwsRuntime, fromSstBindings } from "../../core/src/runtime/aws";
import { placeSchema, runRequestSchema } from "../../core/src/run/run-request";


/** What a state of the run state machine asks the step runner to do: take the lock, one run step, finish, or record a failure. */
export const STEP_ACTIONS = ["start", ...RUN_STEPS, "finish", "fail"] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];

/**
 * The execution's input: a run request (core/run/run-request.ts, the schema the producer's event
 * shares): what POST /runs resolved (every field; `StepFunctionsRunLauncher` checks it with the
 * same schema) or what a schedule names (the dataset; the rest defaults: yesterday..today of the
 * execution's start, the dataset's real source and default subjects). `mode: "full"` is `fullRefresh`.
 */
export const runInputSchema = runRequestSchema;
export type RunInput = z.input<typeof runInputSchema>;

/** The step runner's event: every state passes the execution (name, start, input) from the context object. */
export const stepEventSchema = z.object({
  step: z.enum(STEP_ACTIONS),
  execution: z.object({ name: z.string().min(1).max(80), startTime: z.string().min(1), input: runInputSchema }),
  /** The Catch's error (`Error`, `Cause`): only for `fail`. */
  error: z.object({ Error: z.string(), Cause: z.string().optional() }).optional(),
});
export type StepEvent = z.input<typeof stepEventSchema>;

/** What a state hands the next one: the Choice states read `next`, the Wait state `waitSeconds`. */
export interface StepResult {
  readonly runId: string;
  readonly step: StepAction;
  readonly status: RunStatus;
  /** The step the machine runs next, `finish`, or `end` once the run is finished. */
  readonly next: RunStepName | "finish" | "end";
  /** How long to wait before the next state (Firehose's buffer after an ingest), 0 otherwise. */
  readonly waitSeconds: number;
}

/**
 * The error names a throttled AWS call carries (Athena TooManyRequestsException, Glue/SNS/STS
 * ThrottlingException, S3 SlowDown…): a step that failed on one is thrown as StepThrottledError,
 * the name the state machine's Retry backs off on.
 */
export const THROTTLING_ERRORS: ReadonlySet<string> = new Set(["TooManyRequestsException", "ThrottlingException", "Throttling", "ThrottledException", "RequestLimitExceeded", "SlowDown", "RequestThrottledException"]);

/** A step failed on a throttled AWS call: Step Functions retries the state with back-off (its `name` is the Retry's ErrorEquals). */
export class StepThrottledError extends Error {
  override readonly name = "StepThrottledError";
  constructor(
    readonly step: StepAction,
    readonly awsError: string,
    options?: { cause?: unknown },
  ) {
    super(`step ${step} was throttled (${awsError}): retried by the state machine`, options);
  }
}

/**
 * The run id of an execution: its name when the name is a run id (POST /runs names it so),
 * otherwise (a schedule's execution, named by EventBridge) one made from its start time and name,
 * so every state of the execution works it out alike.
 */
export function runIdOfExecution(execution: { name: string; startTime: string }): string {
  if (RUN_ID_RE.test(execution.name)) return execution.name;
  const started = Date.parse(execution.startTime);
  if (Number.isNaN(started)) throw new Error(`execution ${execution.name}: startTime ${JSON.stringify(execution.startTime)} is not a time`);
  const seed = createHash("sha256").update(execution.name).digest().readUInt32BE(0) / 2 ** 32;
  return newRunId(started, () => seed);
}

/** The run's parameters from the execution's input; defaults are those of the producer's schedule, dated by the execution's start. */
export function runParametersOf(input: z.output<typeof runInputSchema>, startTime: string, dataset?: ScheduledDataset): RunParameters {
  const started = Date.parse(startTime);
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  // POST /runs resolved the places already; a schedule's names are resolved here.
  const resolved = input.locations?.every((l) => typeof l !== "string") ? (input.locations as z.output<typeof placeSchema>[]) : undefined;
  const known: ScheduledDataset = dataset ?? { name: input.dataset };
  const subjects = resolved ? { locations: resolved, variables: scheduledSubjects(known, { locations: resolved, ...(input.variables ? { variables: input.variables } : {}) }).variables } : scheduledSubjects(known, input);
  return {
    dataset: input.dataset,
    // A dataset of the config's own has one source, its REST (or files) source.
    source: input.source ?? scheduledSourceOf(known),
    from: input.from ?? day(started - ((input.days ?? 2) - 1) * 86_400_000),
    to: input.to ?? day(started),
    locations: subjects.locations,
    variables: subjects.variables,
    skipIngest: input.skipIngest ?? false,
    ...(input.mode === "full" || input.fullRefresh ? { fullRefresh: true } : {}),
  };
}

/** Runs what one state of the run state machine asks for, with the run engine on the AWS adapters. */
export async function runStepEvent(runtime: AwsRuntime, event: unknown): Promise<StepResult> {
  const { step, execution, error } = stepEventSchema.parse(event);
  const runId = runIdOfExecution(execution);
  const parameters = runParametersOf(execution.input, execution.startTime, runtime.pipeline.datasets[execution.input.dataset]);
  const log = runtime.logger.child({ runId, step, execution: execution.name });
  const engine = await runtime.runEngine({ waitForDelivery: false });
  try {
    switch (step) {
      case "start": {
        const { run, next } = await engine.startRun(parameters, { runId });
        return { runId, step, status: run.status, next, waitSeconds: 0 };
      }
      case "finish": {
        const run = await engine.finishRun(runId);
        if (run.status === "dq_failed") await alert(runtime, run, "dq");
        return { runId, step, status: run.status, next: "end", waitSeconds: 0 };
      }
      case "fail": {
        const failure = { error: error?.Error ?? "States.Runtime", cause: causeMessage(error?.Cause) };
        const run = await engine.failRun(parameters, runId, failure);
        await alert(runtime, run, "failure");
        return { runId, step, status: run.status, next: "end", waitSeconds: 0 };
      }
      default: {
        const { run, next } = await engine.runStep(runId, step);
        const ingested = step === "ingest" && run.steps[0]!.status === "succeeded" && (run.steps[0]!.rowsOut ?? 0) > 0;
        const waitSeconds = ingested ? Math.ceil(runtime.deliverySettleMs(runtime.pipeline.datasets[parameters.dataset]!) / 1000) : 0;
        return { runId, step, status: run.status, next, waitSeconds };
      }
    }
  } catch (caught) {
    const throttled = throttlingIn(caught);
    if (throttled) {
      log.warn("step throttled: the state machine retries it", { awsError: throttled });
      throw new StepThrottledError(step, throttled, { cause: caught });
    }
    throw caught;
  }
}

/** The first throttling error name in an error's `cause` chain. */
function throttlingIn(error: unknown): string | undefined {
  for (let at: unknown = error, depth = 0; at && depth < 8; at = (at as { cause?: unknown }).cause, depth++) {
    const name = awsErrorName(at);
    if (name && THROTTLING_ERRORS.has(name)) return name;
  }
  return undefined;
}

/** A Lambda error's Cause is the JSON of `{ errorType, errorMessage, trace }`; other causes are text. */
function causeMessage(cause: string | undefined): string {
  if (!cause) return "no cause given";
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === "string") return parsed.errorMessage;
  } catch {
    // not JSON: the cause as it is
  }
  return cause;
}

/** An alert that cannot be sent is logged: it must not fail the state (the machine would retry or fail a finished run). */
async function alert(runtime: AwsRuntime, run: RunRecord, kind: "dq" | "failure"): Promise<void> {
  if (kind === "failure" && run.status !== "failed") return;
  const alerts = runtime.dqAlerts();
  if (!alerts) {
    runtime.logger.warn("no DQ_ALERT_TOPIC is bound: the alert is not sent", { runId: run.id, status: run.status });
    return;
  }
  const sent = kind === "dq" ? alerts.publishDqFailure(run) : alerts.publishRunFailure(run);
  await sent.catch((error: unknown) => runtime.logger.error("could not publish the alert", { runId: run.id, error }));
}

const logger = lambdaLogger({ serviceName: "sluice-step" });
let runtime: Promise<AwsRuntime> | undefined;

/** `step.handler`: one state of the run state machine. */
export async function handler(event: unknown, context?: LambdaInvocationContext): Promise<StepResult> {
  if (context) logger.addContext(context);
  runtime ??= fromSstBindings().then((config) => new AwsRuntime({ config, logger }));
  return runStepEvent(await runtime, event);
}
