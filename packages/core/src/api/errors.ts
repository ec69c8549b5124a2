import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";
import { TableNotFoundError } from "../catalog/catalog";
import { QueryCancelledError, QueryError } from "../query/query-engine";
import { BackfillInProgressError, BackfillPlanChangedError } from "../backfill/backfill";
import { RunInProgressError } from "../run/run-lock";
import { InvalidRunIdError } from "../run/run-store";
import { InvalidLocationError, UnknownLocationError } from "../sources/gazetteer";
import { AthenaSqlSyntaxError, UnsupportedSqlError } from "../sql";
import { UnauthorizedError } from "./auth";
import type { AppEnv } from "./env";

/** Input the API refuses: names the field and why (400). */
export class InvalidInputError extends Error {
  override readonly name = "InvalidInputError";
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** A query that ran past the request's time limit and was interrupted (504). */
export class QueryTimeoutError extends Error {
  override readonly name = "QueryTimeoutError";
  constructor(readonly limitMs: number) {
    super(`the query ran longer than the limit of ${limitMs} ms and was cancelled: narrow it (fewer rows, a partition filter) or raise SLUICE_QUERY_TIMEOUT_MS`);
  }
}

/** An answer larger than the byte limit (413). */
export class AnswerTooLargeError extends Error {
  override readonly name = "AnswerTooLargeError";
  constructor(readonly limitBytes: number) {
    super(`the answer is larger than the limit of ${limitBytes} bytes: select fewer columns or rows (maxRows), or raise SLUICE_QUERY_MAX_BYTES`);
  }
}

/** A request that arrived while the server stops (503 with Retry-After and Connection: close). */
export class ServerStoppingError extends Error {
  override readonly name = "ServerStoppingError";
  constructor(readonly retryAfterSeconds: number) {
    super(`the server is stopping: retry in ${retryAfterSeconds} s`);
  }
}

/** A resource the API does not hold (404). */
export class NotFoundError extends Error {
  override readonly name = "NotFoundError";
  constructor(
    readonly resource: string,
    readonly id: string,
  ) {
    super(`${resource} ${JSON.stringify(id)} not found`);
  }
}

/** The JSON body of every error answer. */
export interface ErrorBody {
  error: {
    status: number;
    code: string;
    message: string;
    requestId: string;
    field?: string;
    reason?: string;
    runningId?: string;
  };
}

/** The first issue of a zod error as one field path and its reason. */
export function invalidInputOf(error: ZodError, target: string): InvalidInputError {
  const issue = error.issues[0];
  // An unknown key is named itself, not the object around it.
  const segments = issue?.code === "unrecognized_keys" ? [...issue.path, issue.keys[0]!] : (issue?.path ?? []);
  const path = segments.length ? segments.join(".") : target;
  return new InvalidInputError(path, issue?.message ?? "invalid");
}

/**
 * The one place errors become HTTP answers: typed errors map to 400/401/404/409/413/503/504; anything
 * else is a 500 carrying only the request id (the details go to the log).
 */
export function errorResponse(error: unknown, c: Context<AppEnv>, redact: (message: string) => string): Response {
  const requestId = c.get("requestId") ?? "unknown";
  const body = (status: ContentfulStatusCode, code: string, message: string, extra: Partial<ErrorBody["error"]> = {}) =>
    c.json({ error: { status, code, message, requestId, ...extra } } satisfies ErrorBody, status);

  if (error instanceof InvalidInputError) return body(400, "invalid_input", error.message, { field: error.field, reason: error.reason });
  if (error instanceof InvalidRunIdError) return body(400, "invalid_input", error.message, { field: "id", reason: "not a run id" });
  if (error instanceof UnknownLocationError || error instanceof InvalidLocationError) {
    return body(400, "invalid_input", error.message, { field: "locations", reason: error.message });
  }
  if (error instanceof UnsupportedSqlError || error instanceof AthenaSqlSyntaxError || error instanceof QueryError) {
    const reason = redact(error.message);
    return body(400, "invalid_query", reason, { field: "sql", reason });
  }
  if (error instanceof UnauthorizedError) {
    const answer = body(401, error.code, error.message);
    answer.headers.set("WWW-Authenticate", error.challenge);
    return answer;
  }
  if (error instanceof QueryTimeoutError) return body(504, "query_timeout", error.message);
  if (error instanceof AnswerTooLargeError) return body(413, "answer_too_large", error.message);
  // The client went away (its request signal aborted): nobody reads this answer.
  if (error instanceof QueryCancelledError) return body(503, "query_cancelled", "the query was cancelled");
  if (error instanceof ServerStoppingError) {
    const answer = body(503, "server_stopping", error.message);
    answer.headers.set("Retry-After", String(error.retryAfterSeconds));
    answer.headers.set("Connection", "close");
    return answer;
  }
  if (error instanceof NotFoundError || error instanceof TableNotFoundError) return body(404, "not_found", error.message);
  if (error instanceof RunInProgressError) return body(409, "run_in_progress", error.message, { runningId: error.runningId });
  if (error instanceof BackfillInProgressError) return body(409, "backfill_in_progress", error.message, { runningId: error.backfillId });
  if (error instanceof BackfillPlanChangedError) return body(409, "backfill_plan_changed", error.message);
  if (error instanceof HTTPException) {
    const status = error.status as ContentfulStatusCode;
    const code = status === 401 ? "unauthorized" : status === 413 ? "payload_too_large" : status === 404 ? "not_found" : "http_error";
    const answer = body(status, code, error.message || code);
    // Headers set on the exception's own response travel with the answer.
    error.getResponse().headers.forEach((value, name) => {
      if (name.toLowerCase() !== "content-type" && name.toLowerCase() !== "content-length") answer.headers.set(name, value);
    });
    return answer;
  }
  c.get("log")?.error("unhandled error", { error, stack: error instanceof Error ? error.stack : undefined });
  return body(500, "internal", `internal error; quote request id ${requestId} when reporting it`);
}
