import { createRoute, z } from "@hono/zod-openapi";
import type { ResolvedDeps } from "../app";
import { InvalidInputError, NotFoundError } from "../errors";
import { etagged } from "../response-cache";
import { newRouter } from "../router";
import { CalendarDate, ConditionalHeaders, DqReportSchema, PageQuery, RunIdParam, RunSchema, conditionalOk, errorResponses } from "../schemas";
import { configuredSubjectNames, defaultVariablesOf } from "../../config/project";
import { datasetModule } from "../../datasets/registry";
import { namedSubjects, subjectRequestOf } from "../../datasets/subject-rules";
import type { DatasetDefinition, Location } from "../../pipeline/types";
import { REQUIRED_WEATHER_VARIABLE } from "../../pipeline/weather";
import { sourcesOf } from "../../sources/factory";
import { InvalidLocationError, UnknownLocationError } from "../../sources/gazetteer";
import { InvalidSubjectError } from "../../sources/subjects";
import { RUN_ID_RE } from "../../run/run-record";
import type { RunRecord } from "../../run/run-record";

const LOCATION_NAME = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[^/=\p{Cc}]+$/u, "must not contain '/', '=' or control characters");

/** The run's variables: those the dataset's module knows (weather's temperature_2m always included), its defaults when none are named; a config dataset takes none. */
export function variablesFor(dataset: DatasetDefinition, requested: readonly string[] | undefined): string[] {
  const module = dataset.rest || dataset.files ? undefined : datasetModule(dataset.name);
  const known: readonly string[] = module?.variables.known ?? [];
  const unknown = (requested ?? []).find((v) => !known.includes(v));
  if (unknown !== undefined) throw new InvalidInputError("variables", `"${unknown}" is not a variable of dataset ${dataset.name}${known.length ? `; known: ${known.join(", ")}` : ""}`);
  if (dataset.name === "weather" && module) return [...new Set([REQUIRED_WEATHER_VARIABLE, ...(requested ?? [])])];
  return requested?.length ? [...new Set(requested)] : defaultVariablesOf(dataset);
}

/** The body fields POST /runs and POST /backfills share: what, from where, over which days. */
export const RunRequestFields = z
  .object({
    dataset: z.string().max(64).default("weather").openapi({ example: "weather" }),
    source: z
      .string()
      .min(1)
      .max(64)
      .openapi({ example: "synthetic", description: "One of the dataset's sources (GET /datasets): weather open-meteo|synthetic; stocks polygon|synthetic; air_quality openaq|synthetic; a config dataset rest or files" }),
    from: CalendarDate.openapi({ example: "2024-11-24" }),
    to: CalendarDate.openapi({ example: "2024-11-30" }),
    subjects: z.array(LOCATION_NAME).max(100).default([]).openapi({ description: "What to fetch, for any dataset: cities (weather), tickers (stocks), station ids (air_quality), a config dataset's subjects; default the config's, else the dataset's", example: ["Paris", "London"] }),
    locations: z.array(z.string().min(1).max(100)).max(100).default([]).openapi({ description: "weather: gazetteer city names (an alias of subjects)", example: ["Paris", "London"] }),
    custom: z
      .array(z.object({ name: LOCATION_NAME, latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) }).strict())
      .max(100)
      .default([])
      .openapi({ description: "Places not in the gazetteer" }),
    tickers: z.array(z.string().min(1).max(12)).max(100).default([]).openapi({ description: "stocks: ticker symbols (default the seven of seeds 001/004)", example: ["AAPL", "MSFT"] }),
    stations: z.array(LOCATION_NAME).max(100).default([]).openapi({ description: "air_quality: OpenAQ location ids (names for the synthetic source)" }),
    variables: z
      .array(z.string().regex(/^[a-z0-9_]+$/))
      .max(20)
      .optional()
      .openapi({ description: "weather: Open-Meteo hourly variables; air_quality: parameters (pm25, pm10, no2, o3)" }),
  });

const RunRequest = RunRequestFields.extend({
  fullRefresh: z.boolean().default(false).openapi({ description: "rebuild production from all raw instead of merging only the raw objects no run has read" }),
})
  .strict()
  .openapi("RunRequest");

const startRun = createRoute({
  method: "post",
  operationId: "startRun",
  path: "/",
  tags: ["runs"],
  summary: "Start a run in the background",
  security: [{ bearer: [] }],
  request: { body: { required: true, content: { "application/json": { schema: RunRequest } } } },
  responses: {
    202: {
      description: "The run started; poll the Location",
      headers: z.object({ Location: z.string() }),
      content: { "application/json": { schema: z.object({ runId: z.string(), location: z.string() }) } },
    },
    ...errorResponses(400, 401, 409, 413, 500),
  },
});

const listRuns = createRoute({
  method: "get",
  operationId: "listRuns",
  // GET routes need no token (requireBearer): said so, not left to a default.
  security: [],
  path: "/",
  tags: ["runs"],
  summary: "Runs, newest first",
  request: {
    query: PageQuery,
    headers: ConditionalHeaders,
  },
  responses: {
    ...conditionalOk("One page of runs", {
      "application/json": { schema: z.object({ runs: z.array(RunSchema), limit: z.number(), offset: z.number(), nextOffset: z.number().nullable() }) },
    }),
    ...errorResponses(400, 500),
  },
});

const getRun = createRoute({
  method: "get",
  operationId: "getRun",
  // GET routes need no token (requireBearer): said so, not left to a default.
  security: [],
  path: "/{id}",
  tags: ["runs"],
  summary: "One run: steps with status, timings and row counts",
  request: { params: RunIdParam, headers: ConditionalHeaders },
  responses: { ...conditionalOk("The run", { "application/json": { schema: RunSchema } }), ...errorResponses(400, 404, 500) },
});

const getRunDq = createRoute({
  method: "get",
  operationId: "getRunDqReport",
  // GET routes need no token (requireBearer): said so, not left to a default.
  security: [],
  path: "/{id}/dq",
  tags: ["dq"],
  summary: "The DQ report of a run",
  request: { params: RunIdParam, headers: ConditionalHeaders },
  responses: { ...conditionalOk("The report", { "application/json": { schema: DqReportSchema } }), ...errorResponses(400, 404, 500) },
});

/**
 * The run's subjects from the body: `subjects` (any dataset) or the dataset's own field, else the
 * project config's subjects, else what the built-in module resolves (stocks' tickers, the synthetic
 * stations); a config dataset's are names.
 */
export function subjectsOfBody(dataset: DatasetDefinition, body: z.output<typeof RunRequestFields>): Location[] {
  const own = { locations: body.locations, custom: body.custom, tickers: body.tickers, stations: body.stations };
  const named = Object.entries(own).filter(([, v]) => v.length > 0).map(([k]) => k);
  if (body.subjects.length > 0 && named.length > 0) throw new InvalidInputError("subjects", `give subjects or ${named.join(", ")}, not both`);
  // The project config's subjects (not the built-in defaults: a body naming nothing for weather is refused).
  const configured = configuredSubjectNames(dataset);
  const module = dataset.rest || dataset.files ? undefined : datasetModule(dataset.name);
  if (!module) {
    if (named.length > 0) throw new InvalidInputError(named[0]!, `does not apply to dataset ${dataset.name}: give subjects`);
    const names = body.subjects.length > 0 ? body.subjects : (configured ?? []);
    if (names.length === 0) throw new InvalidInputError("subjects", `dataset ${dataset.name} has no subjects configured: give subjects`);
    try {
      return namedSubjects("subjects", names);
    } catch (error) {
      if (error instanceof InvalidSubjectError) throw new InvalidInputError("subjects", error.reason);
      throw error;
    }
  }
  const names = body.subjects.length > 0 ? body.subjects : named.length === 0 && configured ? configured : undefined;
  const request =
    names !== undefined
      ? subjectRequestOf(module.subjects.field, names)
      : {
          cities: body.locations.length > 0 || (dataset.name === "weather" && body.custom.length === 0) ? body.locations : undefined,
          custom: body.custom.map((l) => `${l.name}=${l.latitude},${l.longitude}`),
          tickers: body.tickers,
          stations: body.stations,
        };
  try {
    return module.subjects.resolve(request, body.source);
  } catch (error) {
    if (error instanceof InvalidSubjectError) throw new InvalidInputError(body.subjects.length > 0 ? "subjects" : error.field === "cities" ? "locations" : error.field, error.reason);
    if (error instanceof UnknownLocationError || error instanceof InvalidLocationError) throw new InvalidInputError(body.subjects.length > 0 ? "subjects" : "locations", error.message);
    throw error;
  }
}

/**
 * A run's or a back-fill's body checked against the project: a known dataset and source, a range
 * of at most `rangeDays`, at least one subject and at most the limit; the subjects resolved and the
 * variables the dataset knows.
 */
export function checkedRequest(deps: ResolvedDeps, body: z.output<typeof RunRequestFields>, rangeDays: number): { locations: Location[]; variables: string[] } {
  const dataset = deps.pipeline.datasets[body.dataset];
  if (!dataset) throw new InvalidInputError("dataset", `unknown dataset; known: ${Object.keys(deps.pipeline.datasets).join(", ")}`);
  if (body.from > body.to) throw new InvalidInputError("to", `must not be before from (${body.from})`);
  const days = (Date.parse(body.to) - Date.parse(body.from)) / 86_400_000 + 1;
  if (days > rangeDays) throw new InvalidInputError("to", `the range is longer than ${rangeDays} days`);
  const sources = sourcesOf(dataset);
  if (!sources.includes(body.source)) throw new InvalidInputError("source", `dataset ${body.dataset} has no source "${body.source}"; its sources: ${sources.join(", ")}`);
  const locations = subjectsOfBody(dataset, body);
  if (locations.length === 0) throw new InvalidInputError("locations", "give at least one gazetteer name in locations or one custom location");
  if (locations.length > deps.limits.locations) throw new InvalidInputError("locations", `more than ${deps.limits.locations} locations`);
  return { locations, variables: variablesFor(dataset, body.variables) };
}

/** Checked before the id reaches the run store: it names objects in the lake. */
function checkRunId(id: string): string {
  if (!RUN_ID_RE.test(id)) throw new InvalidInputError("id", "not a run id (e.g. r20241130t120000z-1a2b)");
  return id;
}

/** POST /runs, GET /runs, GET /runs/{id}, GET /runs/{id}/dq */
export function runsRouter(deps: ResolvedDeps) {
  const router = newRouter();
  // Run records change while a run progresses (no publish involved): they get an ETag, not a cache entry.
  router.use("*", etagged());
  return router
    .openapi(startRun, async (c) => {
      const body = c.req.valid("json");
      const { locations, variables } = checkedRequest(deps, body, deps.limits.rangeDays);
      const { runId } = await deps.launcher.start({
        dataset: body.dataset,
        source: body.source,
        from: body.from,
        to: body.to,
        locations,
        variables,
        skipIngest: false,
        ...(body.fullRefresh ? { fullRefresh: true } : {}),
      });
      const location = `/runs/${runId}`;
      c.get("log").info("run started", { runId });
      return c.json({ runId, location }, 202, { Location: location });
    })
    .openapi(listRuns, async (c) => {
      const { limit, offset } = c.req.valid("query");
      // One more than asked tells whether a next page exists.
      const runs = await deps.runStore.list({ limit: limit + 1, offset });
      const page: RunRecord[] = runs.slice(0, limit);
      return c.json({ runs: page, limit, offset, nextOffset: runs.length > limit ? offset + limit : null }, 200) as never;
    })
    .openapi(getRun, async (c) => {
      const id = checkRunId(c.req.valid("param").id);
      const run = await deps.runStore.get(id);
      if (!run) throw new NotFoundError("run", id);
      return c.json(run, 200) as never;
    })
    .openapi(getRunDq, async (c) => {
      const id = checkRunId(c.req.valid("param").id);
      const report = await deps.runStore.getReport(id);
      if (report === undefined) {
        throw new NotFoundError((await deps.runStore.get(id)) ? "DQ report of run" : "run", id);
      }
      return c.json(report as Record<string, unknown>, 200) as never;
    });
}
