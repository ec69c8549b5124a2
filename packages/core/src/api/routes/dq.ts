import { createRoute, z } from "@hono/zod-openapi";
import type { ResolvedDeps } from "../app";
import { NotFoundError } from "../errors";
import { etagged } from "../response-cache";
import { newRouter } from "../router";
import { ConditionalHeaders, DqReportSchema, conditionalOk, errorResponses } from "../schemas";

const latest = createRoute({
  method: "get",
  operationId: "getLatestDqReport",
  // GET routes need no token (requireBearer): said so, not left to a default.
  security: [],
  path: "/latest",
  tags: ["dq"],
  summary: "The DQ report of the newest run that has one",
  request: { headers: ConditionalHeaders },
  responses: {
    ...conditionalOk("The run id and its report", {
      "application/json": { schema: z.object({ runId: z.string(), gate: z.enum(["PASS", "FAIL"]), report: DqReportSchema }) },
    }),
    ...errorResponses(404, 500),
  },
});

/** How many recent runs /dq/latest looks through (runs that stopped before DQ have no report). */
const LOOK_BACK = 20;

/** GET /dq/latest */
export function dqRouter(deps: ResolvedDeps) {
  const router = newRouter();
  router.use("*", etagged());
  return router.openapi(latest, async (c) => {
    for (const run of await deps.runStore.list({ limit: LOOK_BACK })) {
      if (!run.dq) continue;
      const report = (await deps.runStore.getReport(run.id)) as { gate: "PASS" | "FAIL" } | undefined;
      if (report) return c.json({ runId: run.id, gate: report.gate, report }, 200) as never;
    }
    throw new NotFoundError("DQ report", "latest");
  });
}
