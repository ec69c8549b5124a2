import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ResolvedDeps } from "../app";
import type { AppEnv } from "../env";
import { NotFoundError } from "../errors";
import { newRouter } from "../router";
import { ConditionalHeaders, conditionalOk, errorResponses } from "../schemas";
import { etagMatches, etagOf } from "../response-cache";

const page = createRoute({
  method: "get",
  operationId: "getDashboard",
  // GET routes need no token (requireBearer): said so, not left to a default.
  security: [],
  path: "/",
  tags: ["dashboard"],
  summary: "The dashboard (HTML)",
  request: { headers: ConditionalHeaders },
  responses: { ...conditionalOk("The dashboard page", { "text/html": { schema: z.string() } }), ...errorResponses(404) },
});

const file = createRoute({
  method: "get",
  operationId: "getDashboardFile",
  // GET routes need no token (requireBearer): said so, not left to a default.
  security: [],
  path: "/ui/{file}",
  tags: ["dashboard"],
  summary: "A bundled file of the dashboard (scripts, styles, uPlot)",
  request: { params: z.object({ file: z.string().max(64).openapi({ param: { name: "file", in: "path" }, example: "app.js" }) }), headers: ConditionalHeaders },
  responses: { ...conditionalOk("The file", { "text/javascript": { schema: z.string() }, "text/css": { schema: z.string() } }), ...errorResponses(404) },
});

/** GET / and GET /ui/{file}: files read once at start, looked up by name in a fixed set (never a path). */
export function webRouter(deps: ResolvedDeps) {
  const etags = new Map([...(deps.assets ?? new Map()).entries()].map(([name, asset]) => [name, etagOf(Buffer.from(asset.body).toString("latin1"))]));
  const serve = (c: Context<AppEnv>, name: string): Response => {
    const asset = deps.assets?.get(name);
    if (!asset) throw new NotFoundError("file", name);
    const headers = { ETag: etags.get(name)!, "Cache-Control": "no-cache", "Content-Type": asset.contentType, "X-Content-Type-Options": "nosniff" };
    if (etagMatches(c.req.header("If-None-Match"), headers.ETag)) return c.body(null, 304, headers);
    return c.body(asset.body as Uint8Array<ArrayBuffer>, 200, headers);
  };
  return newRouter()
    .openapi(page, (c) => serve(c, "index.html") as never)
    .openapi(file, (c) => {
      const name = c.req.valid("param").file;
      if (name === "index.html") throw new NotFoundError("file", name);
      return serve(c, name) as never;
    });
}
