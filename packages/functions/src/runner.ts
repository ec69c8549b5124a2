import { z } from "zod";
import { defaultVariablesOf } from "../../core/src/config/project";
import { createLogger } from "../../core/src/log/logger";
import { RunInProgressError } from "../../core/src/run/run-lock";
import { RUN_ID_RE, type RunParameters, type RunRecord } from "../../core/src/run/run-record";
import { AwsRuntime, fromSstBindings } from "../../core/src/runtime/aws";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The runner's event: what to run (the API invokes it asynchronously with this). */
export const runnerEventSchema = z.object({
  runId: z.string().regex(RUN_ID_RE).optional(),
  parameters: z.object({
    dataset: z.string().min(1),
    source: z.string().min(1),
    from: z.string().regex(DAY),
    to: z.string().regex(DAY),
    locations: z.array(z.object({ name: z.string().min(1), latitude: z.number(), longitude: z.number() })).min(1),
    /** Default: the dataset's (the config's variables, else weather temperature_2m, the air-quality parameters). */
    variables: z.array(z.string().min(1)).optional(),
    skipIngest: z.boolean().default(false),
    fullRefresh: z.boolean().optional(),
  }),
});
export type RunnerEvent = z.input<typeof runnerEventSchema>;

/** Runs the pipeline on AWS; a failed DQ gate is published to DQ_ALERT_TOPIC. Returns the run record. */
export async function runPipeline(runtime: AwsRuntime, event: unknown): Promise<RunRecord> {
  const input = runnerEventSchema.parse(event);
  const dataset = runtime.pipeline.datasets[input.parameters.dataset];
  const parameters: RunParameters = { ...input.parameters, variables: input.parameters.variables ?? (dataset ? defaultVariablesOf(dataset) : []) };
  const engine = await runtime.runEngine();
  // The API answered 202 with this id before the run started: the run must carry it.
  let run: RunRecord;
  try {
    run = await engine.run(parameters, {}, { runId: input.runId });
  } catch (error) {
    // Another run took the lake between the API's check and this start: the record the API saved
    // must not stay "running" for ever.
    if (error instanceof RunInProgressError && input.runId && error.runningId !== input.runId) await markRefused(runtime, input.runId, error);
    throw error;
  }
  if (run.status === "dq_failed") {
    const alerts = runtime.dqAlerts();
    if (!alerts) runtime.logger.warn("DQ gate failed and no DQ_ALERT_TOPIC is bound", { runId: run.id });
    // An alert that cannot be sent must not fail the invocation: Lambda would retry the whole run.
    else await alerts.publishDqFailure(run).catch((error) => runtime.logger.error("could not publish the DQ alert", { runId: run.id, error }));
  }
  return run;
}

async function markRefused(runtime: AwsRuntime, runId: string, error: RunInProgressError): Promise<void> {
  const record = await runtime.runStore.get(runId).catch(() => undefined);
  if (!record || record.status !== "running") return;
  record.status = "failed";
  record.failure = { step: "ingest", message: `not started: ${error.message}` };
  for (const step of record.steps) if (step.status === "pending" || step.status === "running") step.status = "skipped";
  record.endedAt = new Date().toISOString();
  await runtime.runStore.save(record);
}

let runtime: Promise<AwsRuntime> | undefined;

/** `runner.handler`: one pipeline run, invoked asynchronously. */
export async function handler(event: unknown): Promise<RunRecord> {
  runtime ??= fromSstBindings().then((config) => new AwsRuntime({ config, logger: createLogger("info") }));
  return runPipeline(await runtime, event);
}
