import { handle } from "hono/aws-lambda";
import type { LambdaContext, LambdaEvent } from "hono/aws-lambda";
import { createApp } from "../../core/src/api/app";
import type { ApiDeps } from "../../core/src/api/deps";
import { lambdaLogger } from "../../core/src/log/lambda-logger";
import type { LambdaInvocationContext, LambdaLogger } from "../../core/src/log/lambda-logger";
import { apiDepsFromSst } from "../../core/src/runtime/aws";

type ApiHandler = ReturnType<typeof handle>;

/**
 * A Lambda handler serving `createApp(deps)`; the deps are built once per container, on the first
 * request (a failed build is retried on the next). `logger` is told each invocation's context.
 */
export function apiHandler(deps: () => Promise<ApiDeps>, logger?: LambdaLogger): ApiHandler {
  let app: Promise<ApiHandler> | undefined;
  return (async (event: LambdaEvent, context?: LambdaContext) => {
    if (context && logger) logger.addContext(context as LambdaInvocationContext);
    app ??= deps().then(
      (built) => handle(createApp(built)),
      (error: unknown) => {
        app = undefined;
        throw error;
      },
    );
    return (await app)(event, context);
  }) as ApiHandler;
}

/** `api.handler`: the HTTP API and dashboard behind API Gateway (payload format 2.0). */
const logger = lambdaLogger({ serviceName: "sluice-api" });
export const handler = apiHandler(() => apiDepsFromSst(logger), logger);
