import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./env";

/** The OpenAPI document's header. */
export const OPENAPI_INFO = {
  openapi: "3.1.0",
  // Relative: the document is served by the API it describes, locally or behind API Gateway.
  servers: [{ url: "/", description: "this server" }],
  info: { title: "sluice API", version: "1.0.0", description: "Runs, data quality, catalog and production data of a sluice lake." },
};

/** `$ref`s to the header components registered by `registerHeaderComponents`. */
export const HEADER_REFS = {
  requestId: { $ref: "#/components/headers/X-Request-Id" },
  etag: { $ref: "#/components/headers/ETag" },
  productionVersion: { $ref: "#/components/headers/X-Production-Version" },
  retryAfter: { $ref: "#/components/headers/Retry-After" },
} as const;

const REQUEST_ID_SCHEMA = { type: "string", maxLength: 64, pattern: "^[A-Za-z0-9_=-]+$" } as const;

/** Headers and parameters that many operations share, as components (the routes and `finishDocument` refer to them). */
export function registerHeaderComponents(app: OpenAPIHono<AppEnv>): void {
  const registry = app.openAPIRegistry;
  registry.registerComponent("headers", "X-Request-Id", {
    description: "The request's id, also in error bodies and the log: the client's own X-Request-Id when it is at most 64 word characters (`A-Za-z0-9_-=`), else a new one",
    required: true,
    schema: REQUEST_ID_SCHEMA,
  });
  registry.registerComponent("headers", "ETag", {
    description: "Strong ETag of the answer: sent back as If-None-Match it gets a 304 without a body while the answer is unchanged",
    required: true,
    schema: { type: "string", pattern: '^"[^"]*"$' },
  });
  registry.registerComponent("headers", "X-Production-Version", {
    description: "The production version the answer was read from (per dataset: the version table the prod view reads and the view's catalog version)",
    required: true,
    schema: { type: "string" },
  });
  registry.registerComponent("headers", "Retry-After", {
    description: "Seconds to wait before retrying (the server is stopping: another instance, or this one restarted, answers then)",
    required: true,
    schema: { type: "integer", minimum: 1 },
  });
  registry.registerComponent("parameters", "X-Request-Id", {
    name: "X-Request-Id",
    in: "header",
    required: false,
    description: "The client's own request id, kept in the answer's X-Request-Id and the log when it is at most 64 word characters",
    schema: REQUEST_ID_SCHEMA,
  });
}

type Operation = { parameters?: unknown[]; responses?: Record<string, { headers?: Record<string, unknown> } | { $ref: string }> };

/**
 * What every operation shares because a middleware in front of every route gives it (app.ts):
 * the X-Request-Id parameter and response header, and the 503 of a server that is stopping.
 */
export function finishDocument<D extends object>(input: D): D {
  const document = input as { paths?: Record<string, Record<string, unknown>>; components?: Record<string, unknown> };
  for (const item of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(item) as Operation[]) {
      operation.parameters = [...(operation.parameters ?? []), { $ref: "#/components/parameters/X-Request-Id" }];
      const responses = (operation.responses ??= {});
      responses["503"] ??= { $ref: "#/components/responses/ServerStopping" };
      for (const response of Object.values(responses)) {
        if ("$ref" in response) continue;
        response.headers = { "X-Request-Id": HEADER_REFS.requestId, ...response.headers };
      }
    }
  }
  const components = (document.components ??= {}) as Record<string, Record<string, unknown>>;
  components.responses = {
    ...components.responses,
    ServerStopping: {
      description: "The server is stopping (sluice serve after SIGTERM/SIGINT, while it lets the requests in flight finish): retry after Retry-After seconds",
      headers: { "X-Request-Id": HEADER_REFS.requestId, "Retry-After": HEADER_REFS.retryAfter },
      content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
    },
  };
  return input;
}
