import { createRoute, z } from "@hono/zod-openapi";
import type { ResolvedDeps } from "../app";
import { newRouter } from "../router";

const health = createRoute({
  method: "get",
  operationId: "getHealth",
  // GET routes need no token (requireBearer): said so, not left to a default.
  security: [],
  path: "/",
  tags: ["health"],
  summary: "Liveness and the production version",
  responses: {
    200: {
      description: "The API answers",
      content: { "application/json": { schema: z.object({ status: z.literal("ok"), productionVersion: z.string() }) } },
    },
  },
});

/** GET /health */
export function healthRouter(deps: ResolvedDeps) {
  return newRouter().openapi(health, async (c) => c.json({ status: "ok" as const, productionVersion: await deps.production.current() }, 200));
}
