import { z } from "zod";
import { Backfill, paceSeconds, type BackfillDeps } from "../../core/src/backfill/backfill";
import { lambdaLogger } from "../../core/src/log/lambda-logger";
import type { LambdaInvocationContext } from "../../core/src/log/lambda-logger";
import type { RunParameters } from "../../core/src/run/run-record";
import { AwsRuntime, fromSstBindings } from "../../core/src/runtime/aws";
import { quotasOf } from "../../core/src/sources/source-quotas";
import { backfillRequestSchema } from "../../core/src/run/run-request";
import { runParametersOf } from "./step";

/**
 * What a state of a back-fill execution asks: `plan` (cut the range, start or load the cursor,
 * list the chunks left), `chunk` (ingest one, in order), `record` (the outcome of the run the
 * execution started over the whole range). Every event carries the execution's input, so each
 * invocation rebuilds the same back-fill (the same request is the same id).
 */
/** The execution's start and input: a run's input, plus `restart` (ignore the cursor; read by `plan` only). */
const backfillExecution = z.object({ startTime: z.string().min(1), input: backfillRequestSchema });

export const backfillEventSchema = z.discriminatedUnion("step", [
  // Plan also gets the execution's ARN ($$.Execution.Id): the cursor names the execution that drives it.
  z.object({ step: z.literal("plan"), execution: backfillExecution.extend({ id: z.string().startsWith("arn:").optional() }) }),
  z.object({ step: z.literal("chunk"), index: z.number().int().min(0), execution: backfillExecution }),
  z.object({
    step: z.literal("record"),
    run: z.object({ id: z.string().min(1), status: z.enum(["succeeded", "failed", "dq_failed", "abandoned", "running"]) }),
    execution: backfillExecution,
  }),
]);
export type BackfillEvent = z.input<typeof backfillEventSchema>;

/** What `plan` hands the Map: the chunks left, the run's input, how long Firehose may hold the last chunk. */
export interface BackfillPlan {
  readonly backfillId: string;
  readonly chunks: readonly { readonly index: number }[];
  readonly run: RunParameters;
  readonly settleSeconds: number;
}

/** What `chunk` hands the Wait state after it: how long to wait before the next chunk, so the quotas are never crossed. */
export interface BackfillChunkResult {
  readonly index: number;
  readonly records: number;
  readonly waitSeconds: number;
}

/** Runs one state of a back-fill execution over the AWS adapters. */
export async function runBackfillEvent(runtime: AwsRuntime, event: unknown): Promise<BackfillPlan | BackfillChunkResult | { readonly backfillId: string; readonly status: string }> {
  const parsed = backfillEventSchema.parse(event);
  const { input, startTime } = parsed.execution;
  const parameters = runParametersOf(input, startTime, runtime.pipeline.datasets[input.dataset]);
  const dataset = runtime.pipeline.datasets[parameters.dataset];
  if (!dataset) throw new Error(`unknown dataset "${parameters.dataset}"`);
  const quotas = quotasOf(dataset, parameters.source);
  const deps: BackfillDeps = {
    cursors: runtime.backfillCursors(),
    ingest: (p, onProgress) => runtime.ingest(p, onProgress),
    run: () => Promise.reject(new Error("on AWS the back-fill's run is an execution of the run state machine")),
    quotas,
    clock: runtime.clock,
    logger: runtime.logger,
  };
  const request = { dataset: parameters.dataset, source: parameters.source, from: parameters.from, to: parameters.to, locations: parameters.locations, variables: parameters.variables };
  const backfill = await Backfill.open(request, deps, { restart: parsed.step === "plan" && input.restart === true });
  switch (parsed.step) {
    case "plan":
      if (parsed.execution.id && !backfill.finished) await backfill.resumed({ executionArn: parsed.execution.id });
      return {
        backfillId: backfill.state.id,
        chunks: backfill.chunks.slice(backfill.state.chunksDone).map((c) => ({ index: c.index })),
        run: backfill.runParameters(),
        settleSeconds: Math.ceil(runtime.deliverySettleMs(dataset) / 1000),
      };
    case "chunk": {
      const { chunk, records } = await backfill.ingestChunk(parsed.index, undefined);
      if (backfill.ingested) await backfill.runStarted();
      return { index: chunk.index, records, waitSeconds: paceSeconds(chunk.weight, quotas) };
    }
    case "record":
      await backfill.recordRun(parsed.run);
      return { backfillId: backfill.state.id, status: backfill.state.status };
  }
}

const logger = lambdaLogger({ serviceName: "sluice-backfill" });
let runtime: Promise<AwsRuntime> | undefined;

/** `backfill.handler`: one state of a back-fill execution. */
export async function handler(event: unknown, context?: LambdaInvocationContext): Promise<unknown> {
  if (context) logger.addContext(context);
  runtime ??= fromSstBindings().then((config) => new AwsRuntime({ config, logger }));
  return runBackfillEvent(await runtime, event);
}
