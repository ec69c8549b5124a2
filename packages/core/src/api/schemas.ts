import { z } from "@hono/zod-openapi";
import { HEADER_REFS } from "./openapi-document";
import { dateOrDateTimeProblem } from "./range";

/** Every error answer. */
export const ErrorSchema = z
  .object({
    error: z.object({
      status: z.number().int(),
      code: z.string(),
      message: z.string(),
      requestId: z.string(),
      field: z.string().optional(),
      reason: z.string().optional(),
      runningId: z.string().optional(),
    }),
  })
  .openapi("Error");

/** JSON error responses for the given statuses. */
export function errorResponses<S extends number>(...statuses: S[]): Record<S, { description: string; content: { "application/json": { schema: typeof ErrorSchema } } }> {
  const descriptions: Record<number, string> = {
    400: "Invalid input: `field` and `reason` say which and why",
    401: 'Missing bearer token (`WWW-Authenticate: Bearer realm="sluice"`) or a wrong one (`error="invalid_token"`)',
    404: "Not found",
    409: "A run (or, POST /backfills, a back-fill) is in progress: `runningId` names it",
    413: "Request body too large, or (POST /query) an answer over the byte limit",
    503: "The query was cancelled (the client went away), or the server is stopping (`Retry-After`)",
    504: "The query ran past the time limit and was cancelled",
    500: "Internal error: quote `requestId`",
  };
  return Object.fromEntries(statuses.map((s) => [s, { description: descriptions[s] ?? "Error", content: { "application/json": { schema: ErrorSchema } } }])) as never;
}

/** One page of a list, newest first: `limit` 1–100 (default 20) from `offset`. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

/** The `If-None-Match` request header of the GET routes that answer with an ETag. */
export const ConditionalHeaders = z.object({
  "if-none-match": z
    .string()
    .max(4096)
    .optional()
    .openapi({ description: "The ETag of an earlier answer (or a list, or `*`): a 304 without a body while it is current" }),
});

/**
 * The 200 of a GET route that carries an ETag (and, for answers read from production,
 * X-Production-Version), with the 304 a matching If-None-Match gets.
 */
export function conditionalOk<C>(description: string, content: C, options: { productionVersion?: boolean } = {}) {
  const headers = { ETag: HEADER_REFS.etag, ...(options.productionVersion ? { "X-Production-Version": HEADER_REFS.productionVersion } : {}) };
  return {
    200: { description, headers, content },
    304: { description: "Not modified: the If-None-Match ETag is the current answer's (no body)", headers },
  };
}

/** Adds the reason `dateOrDateTimeProblem` gives (`month 13 is not 01–12`) as the field's issue. */
function calendarCheck(text: string, ctx: z.RefinementCtx): void {
  const problem = dateOrDateTimeProblem(text);
  if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
}

/** A date `YYYY-MM-DD` or an ISO-8601 date-time with a zone. */
export const DateOrDateTime = z.string().max(40).superRefine(calendarCheck);

/** A calendar date `YYYY-MM-DD`. */
export const CalendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD")
  .superRefine(calendarCheck);

/** A run id as RUN_ID_RE accepts it. */
export const RunIdParam = z.object({
  id: z.string().max(64).openapi({ param: { name: "id", in: "path" }, example: "r20241130t120000z-1a2b" }),
});

const StepSchema = z
  .object({
    name: z.string(),
    status: z.enum(["pending", "running", "succeeded", "failed", "skipped"]),
    startedAt: z.string().optional(),
    endedAt: z.string().optional(),
    durationMs: z.number().optional(),
    rowsIn: z.number().optional(),
    rowsOut: z.number().optional(),
    bytesScanned: z.number().optional(),
    detail: z.record(z.unknown()).optional(),
    error: z.string().optional(),
  })
  .openapi("RunStep");

/** A run record (see packages/core/src/run/run-record.ts). */
export const RunSchema = z
  .object({
    id: z.string(),
    status: z.enum(["running", "succeeded", "failed", "dq_failed", "abandoned"]),
    parameters: z.record(z.unknown()),
    startedAt: z.string(),
    endedAt: z.string().optional(),
    durationMs: z.number().optional(),
    steps: z.array(StepSchema),
    failure: z.object({ step: z.string(), message: z.string() }).optional(),
    prodVersion: z.string().optional(),
    dq: z.object({ gate: z.enum(["PASS", "FAIL"]), score: z.number(), failedRules: z.array(z.string()) }).optional(),
  })
  .openapi("Run");

/** A DQ report, shaped like Glue's GetDataQualityResult (see packages/core/src/dq/report.ts). */
export const DqReportSchema = z
  .object({
    RuleResults: z.array(
      z.object({
        Name: z.string(),
        Description: z.string(),
        Result: z.enum(["PASS", "FAIL", "ERROR"]),
        EvaluationMessage: z.string().optional(),
        EvaluatedMetrics: z.record(z.number()),
        severity: z.string(),
        blocking: z.boolean(),
        sampleFailingRows: z.array(z.record(z.unknown())).optional(),
      }),
    ),
    Score: z.number(),
    gate: z.enum(["PASS", "FAIL"]),
  })
  .passthrough()
  .openapi("DqReport");
