import { handle } from "hono/aws-lambda";
import type { LambdaContext, LambdaEvent } from "hono/aws-lambda";
import { createApp } from "../../core/src/api/app";
import type { ApiDeps } from "../../core/src/api/deps";
import { createLogger } from "../../core/src/log/logger";
import { apiDepsFromSst } from "../../core/src/runtime/aws";

type ApiHandler = ReturnType<typeof handle>;

/** A Lambda handler serving `createApp(deps)`; the deps are built once per container, on the first request (a failed build is retried on the next). */
export function apiHandler(deps: () => Promise<ApiDeps>): ApiHandler {
  let app: Promise<ApiHandler> | undefined;
  return (async (event: LambdaEvent, context?: LambdaContext) => {
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
export const handler = apiHandler(() => apiDepsFromSst(createLogger("info")));
