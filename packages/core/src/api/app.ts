import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { requireBearer } from "./auth";
import type { ApiDeps, ApiLimits } from "./deps";
import { DEFAULT_LIMITS } from "./deps";
import type { AppEnv } from "./env";
import { NotFoundError, ServerStoppingError, errorResponse, invalidInputOf } from "./errors";
import { OPENAPI_INFO, finishDocument, registerHeaderComponents } from "./openapi-document";
import { ResponseCache } from "./response-cache";
import { securityHeaders } from "./security-headers";
import { backfillsRouter } from "./routes/backfills";
import { dqRouter } from "./routes/dq";
import { healthRouter } from "./routes/health";
import { queryRouter } from "./routes/query";
import { runsRouter } from "./routes/runs";
import { seriesRouter } from "./routes/series";
import { datasetsRouter } from "./routes/datasets";
import { tablesRouter } from "./routes/tables";
import { webRouter } from "./routes/web";

/** The deps with defaults filled in and the response cache built: what the routers read. */
export interface ResolvedDeps extends ApiDeps {
  readonly limits: ApiLimits;
  readonly cache: ResponseCache;
  readonly redact: (message: string) => string;
}

const openApiRoute = createRoute({
  method: "get",
  operationId: "getOpenApiDocument",
  // GET routes need no token (requireBearer): said so, not left to a default.
  security: [],
  path: "/openapi.json",
  tags: ["meta"],
  summary: "This document",
  responses: { 200: { description: "OpenAPI 3.1 document", content: { "application/json": { schema: z.record(z.unknown()) } } } },
});

/**
 * The sluice HTTP API and dashboard as one Hono app. Everything environment-specific comes in
 * `deps`, so `@hono/node-server` (sluice serve) and `hono/aws-lambda` each wrap it in three lines.
 */
export function createApp(input: ApiDeps): OpenAPIHono<AppEnv> {
  const deps: ResolvedDeps = {
    ...input,
    limits: { ...DEFAULT_LIMITS, ...input.limits },
    cache: new ResponseCache(input.production, input.cacheEntries),
    redact: input.redact ?? ((message) => message),
  };
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw invalidInputOf(result.error, result.target);
    },
  });

  const ids = requestId({ limitLength: 64 });
  app.use("*", securityHeaders());
  // A stopping server answers nothing new, cache hits included; the 503 still carries a request id.
  app.use("*", (c, next) => {
    const retryAfter = deps.stopping?.();
    return retryAfter === undefined ? next() : ids(c, () => Promise.reject(new ServerStoppingError(retryAfter)));
  });
  app.use("*", deps.cache.known(deps.logger));
  app.use("*", ids);
  app.use("*", async (c, next) => {
    const started = performance.now();
    const log = deps.logger.child({ requestId: c.get("requestId") });
    c.set("log", log);
    await next();
    log.info("request", { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round((performance.now() - started) * 10) / 10 });
  });
  app.use("*", requireBearer(deps.token));
  // Only methods that carry a body pay for the limit: touching a GET's body makes the Node adapter
  // build a full Request (bench/api measured the cached /series at less than half its speed).
  const limitBody = bodyLimit({
    maxSize: deps.limits.bodyBytes,
    onError: () => {
      throw new HTTPException(413, { message: `the request body is larger than ${deps.limits.bodyBytes} bytes` });
    },
  });
  app.use("*", (c, next) => (c.req.method === "GET" || c.req.method === "HEAD" ? next() : limitBody(c, next)));

  app.route("/health", healthRouter(deps));
  app.route("/runs", runsRouter(deps));
  app.route("/backfills", backfillsRouter(deps));
  app.route("/dq", dqRouter(deps));
  app.route("/tables", tablesRouter(deps));
  app.route("/datasets", datasetsRouter(deps));
  app.route("/", seriesRouter(deps));
  app.route("/query", queryRouter(deps));
  app.route("/", webRouter(deps));

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer", description: "SLUICE_API_TOKEN" });
  registerHeaderComponents(app);
  let document: unknown;
  app.openapi(openApiRoute, (c) => c.json((document ??= finishDocument(app.getOpenAPI31Document(OPENAPI_INFO))) as Record<string, unknown>, 200) as never);

  app.notFound((c) => errorResponse(new NotFoundError("route", `${c.req.method} ${c.req.path}`), c, deps.redact));
  app.onError((error, c) => errorResponse(error, c, deps.redact));
  return app;
}
