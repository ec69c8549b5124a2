import { createRoute, z } from "@hono/zod-openapi";
import type { ResolvedDeps } from "../app";
import { InvalidInputError, NotFoundError } from "../errors";
import { etagged } from "../response-cache";
import { newRouter } from "../router";
import { ConditionalHeaders, PageQuery, conditionalOk, errorResponses } from "../schemas";
import type { BackfillState } from "../../backfill/cursor-store";
import { checkedRequest, RunRequestFields } from "./runs";

/** A back-fill id as `backfillIdOf` makes it: `b-<dataset>-<from>-<to>-<10 hex>`. */
const BACKFILL_ID_RE = /^b-[a-z0-9_]{1,64}-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}-[0-9a-f]{10}$/;

const BackfillRequest = RunRequestFields.extend({
  restart: z.boolean().default(false).openapi({ description: "ignore the saved cursor and start from the first chunk" }),
})
  .strict()
  .openapi("BackfillRequest", { description: "A run request over a long range (years), fetched in chunks paced under the source's quotas, then one run" });

const BackfillSchema = z
  .object({
    id: z.string(),
    status: z.enum(["running", "stopped", "finished"]).openapi({ description: "running while a process or execution drives it; stopped (POST the same request again to resume); finished once its run succeeded" }),
    phase: z.enum(["ingesting", "stopped", "running", "succeeded", "dq_failed", "failed"]).openapi({ description: "the cursor's own status: ingesting chunks, running the one run, or its outcome" }),
    dataset: z.string(),
    source: z.string(),
    from: z.string(),
    to: z.string(),
    subjects: z.array(z.string()),
    variables: z.array(z.string()),
    chunkDays: z.number().int(),
    chunksDone: z.number().int(),
    chunksTotal: z.number().int(),
    records: z.number().int(),
    startedAt: z.string(),
    updatedAt: z.string(),
    stopReason: z.string().optional().openapi({ description: "why it stopped, naming the chunk" }),
    failure: z.object({ chunk: z.number().int(), from: z.string(), to: z.string(), message: z.string() }).optional(),
    runId: z.string().optional().openapi({ description: "the run over the whole range, once started" }),
  })
  .openapi("Backfill");
type BackfillView = z.infer<typeof BackfillSchema>;

const BackfillIdParam = z.object({
  id: z.string().max(120).openapi({ param: { name: "id", in: "path" }, example: "b-weather-2020-01-01-2024-12-31-1a2b3c4d5e" }),
});

const startBackfill = createRoute({
  method: "post",
  operationId: "startBackfill",
  path: "/",
  tags: ["backfills"],
  summary: "Start (or resume) a back-fill in the background",
  security: [{ bearer: [] }],
  request: { body: { required: true, content: { "application/json": { schema: BackfillRequest } } } },
  responses: {
    202: {
      description: "The back-fill is under way (or had finished already); poll the Location",
      headers: z.object({ Location: z.string() }),
      content: { "application/json": { schema: z.object({ backfillId: z.string(), location: z.string() }) } },
    },
    ...errorResponses(400, 401, 409, 413, 500),
  },
});

const listBackfills = createRoute({
  method: "get",
  operationId: "listBackfills",
  // GET routes need no token (requireBearer): said so, not left to a default.
  security: [],
  path: "/",
  tags: ["backfills"],
  summary: "Back-fills, newest first",
  request: {
    query: PageQuery,
    headers: ConditionalHeaders,
  },
  responses: {
    ...conditionalOk("One page of back-fills", {
      "application/json": { schema: z.object({ backfills: z.array(BackfillSchema), limit: z.number(), offset: z.number(), nextOffset: z.number().nullable() }) },
    }),
    ...errorResponses(400, 500),
  },
});

const getBackfill = createRoute({
  method: "get",
  operationId: "getBackfill",
  // GET routes need no token (requireBearer): said so, not left to a default.
  security: [],
  path: "/{id}",
  tags: ["backfills"],
  summary: "One back-fill: chunks done of total, records, status, why it stopped, its run",
  request: { params: BackfillIdParam, headers: ConditionalHeaders },
  responses: { ...conditionalOk("The back-fill", { "application/json": { schema: BackfillSchema } }), ...errorResponses(400, 404, 500) },
});

/** What a client sees of a cursor: its status judged by whether anyone still drives it. */
async function viewOf(deps: ResolvedDeps, state: BackfillState): Promise<BackfillView> {
  const { id, dataset, source, from, to, subjects, variables, chunkDays, chunksDone, records, startedAt, updatedAt, failure, runId } = state;
  const base = { id, phase: state.status, dataset, source, from, to, subjects: [...subjects], variables: [...variables], chunkDays, chunksDone, chunksTotal: state.chunks, records, startedAt, updatedAt, ...(failure ? { failure } : {}), ...(runId ? { runId } : {}) };
  const resume = "POST the same request again to resume";
  switch (state.status) {
    case "succeeded":
      return { ...base, status: "finished" };
    case "stopped":
      return { ...base, status: "stopped", stopReason: failure ? `chunk ${failure.chunk}/${state.chunks} (${failure.from}..${failure.to}): ${failure.message}; ${resume}` : resume };
    case "failed":
    case "dq_failed":
      return { ...base, status: "stopped", stopReason: `the run ${runId ?? "(unknown)"} over the whole range ended ${state.status}; every chunk is written: ${resume} to run it again` };
    default: {
      if (await deps.backfills.launcher.active(state)) return { ...base, status: "running" };
      const where = state.status === "running" ? "while its run over the whole range ran" : `before chunk ${chunksDone + 1}/${state.chunks}`;
      return { ...base, status: "stopped", stopReason: `what drove it ended without saying why (a killed process, an execution that timed out) ${where}; ${resume}` };
    }
  }
}

/** POST /backfills, GET /backfills, GET /backfills/{id} */
export function backfillsRouter(deps: ResolvedDeps) {
  const router = newRouter();
  router.use("*", etagged());
  return router
    .openapi(startBackfill, async (c) => {
      const body = c.req.valid("json");
      const { locations, variables } = checkedRequest(deps, body, deps.limits.backfillDays);
      const { backfillId } = await deps.backfills.launcher.start({ dataset: body.dataset, source: body.source, from: body.from, to: body.to, locations, variables, restart: body.restart });
      const location = `/backfills/${backfillId}`;
      c.get("log").info("back-fill started", { backfill: backfillId });
      return c.json({ backfillId, location }, 202, { Location: location });
    })
    .openapi(listBackfills, async (c) => {
      const { limit, offset } = c.req.valid("query");
      const all = await deps.backfills.cursors.list();
      const page = await Promise.all(all.slice(offset, offset + limit).map((state) => viewOf(deps, state)));
      return c.json({ backfills: page, limit, offset, nextOffset: all.length > offset + limit ? offset + limit : null }, 200);
    })
    .openapi(getBackfill, async (c) => {
      const { id } = c.req.valid("param");
      // Checked before the id reaches the cursor store: it names an object in the lake.
      if (!BACKFILL_ID_RE.test(id)) throw new InvalidInputError("id", "not a back-fill id (e.g. b-weather-2020-01-01-2024-12-31-1a2b3c4d5e)");
      const state = await deps.backfills.cursors.load(id);
      if (!state) throw new NotFoundError("back-fill", id);
      return c.json(await viewOf(deps, state), 200);
    });
}
