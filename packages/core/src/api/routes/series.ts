import { createRoute, z } from "@hono/zod-openapi";
import type { ResolvedDeps } from "../app";
import { InvalidInputError } from "../errors";
import { parseRange } from "../range";
import { newRouter } from "../router";
import { ConditionalHeaders, DateOrDateTime, conditionalOk, errorResponses } from "../schemas";
import { SERIES_DATASETS, SUBJECT_PARAMS, guidelineOf, seriesOf } from "../series-datasets";
import { seriesSql, statsSql } from "../series-sql";
import type { BoundSql, SeriesRead } from "../series-sql";
import type { DatasetDefinition } from "../../pipeline/types";
import { QueryError } from "../../query/query-engine";
import { versionInViewSql } from "../../run/publish";

const MAX_SUBJECTS = 20;

/** A repeatable subject parameter (`city=Paris&city=London`), at most MAX_SUBJECTS values. */
function subjectList(description: string, example: string) {
  return z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
    .pipe(z.array(z.string().min(1).max(100)).max(MAX_SUBJECTS, `at most ${MAX_SUBJECTS} values`))
    .openapi({ description, example, param: { style: "form", explode: true } });
}

const RangeQuery = {
  dataset: z
    .string()
    .max(64)
    .default("weather")
    .openapi({ description: `One of ${Object.keys(SERIES_DATASETS).join(", ")}`, example: "weather" }),
  city: subjectList("weather: city name; repeat for several (`city=Paris&city=London`)", "Paris"),
  ticker: subjectList("stocks: ticker; repeat for several (`ticker=AAPL&ticker=MSFT`)", "AAPL"),
  location: subjectList("air_quality: station name; repeat for several", "Paris Centre"),
  subject: subjectList("a dataset of the project config: its subject; repeat for several", "us"),
  parameter: z
    .string()
    .max(32)
    .optional()
    .openapi({ description: "air_quality: the pollutant (default pm25)", example: "pm25" }),
  from: DateOrDateTime.openapi({ description: "Start: YYYY-MM-DD (whole UTC day) or ISO-8601 date-time", example: "2024-11-24" }),
  to: DateOrDateTime.openapi({ description: "End: YYYY-MM-DD (inclusive day) or ISO-8601 date-time (exclusive)", example: "2024-11-30" }),
  metric: z
    .string()
    .max(64)
    .optional()
    .openapi({
      description: Object.entries(SERIES_DATASETS)
        .map(([name, d]) => `${name}: ${Object.keys(d.metrics).join("|")} (default ${d.defaultMetric})`)
        .join("; "),
      example: "temperature",
    }),
};

const Point = z.tuple([z.string(), z.number().nullable()]);

/** The subject of an answer entry, also under the dataset's own key (`city`, `ticker`, `location`). */
const SubjectKeys = {
  subject: z.string(),
  city: z.string().optional(),
  ticker: z.string().optional(),
  location: z.string().optional(),
};

const AnswerHead = {
  dataset: z.string(),
  subjectParam: z.enum(SUBJECT_PARAMS),
  metric: z.string(),
  parameter: z.string().nullable(),
  unit: z.string().nullable(),
  guideline: z.number().nullable().openapi({ description: "air_quality: the WHO 2021 short-term guideline of the parameter, else null" }),
  from: z.string(),
  to: z.string(),
  productionVersion: z.string().nullable(),
};

const series = createRoute({
  method: "get",
  operationId: "getSeries",
  // GET routes need no token (requireBearer): said so, not left to a default.
  security: [],
  path: "/series",
  tags: ["data"],
  summary: "A metric over time per city, ticker or station, from production",
  request: { query: z.object({ ...RangeQuery, interval: z.enum(["hour", "day"]).default("hour") }), headers: ConditionalHeaders },
  responses: {
    ...conditionalOk(
      "One series per requested subject (all subjects when none is given); an unknown subject has no points",
      {
        "application/json": {
          schema: z.object({
            ...AnswerHead,
            interval: z.enum(["hour", "day"]),
            series: z.array(z.object({ ...SubjectKeys, points: z.array(Point) })),
            bytesScanned: z.number(),
          }),
        },
      },
      { productionVersion: true },
    ),
    ...errorResponses(400, 500),
  },
});

const StatsEntry = z.object({ ...SubjectKeys, average: z.number().nullable(), min: z.number().nullable(), max: z.number().nullable(), count: z.number() });

const stats = createRoute({
  method: "get",
  operationId: "getStats",
  // GET routes need no token (requireBearer): said so, not left to a default.
  security: [],
  path: "/stats",
  tags: ["data"],
  summary: "Average, min and max of a metric per city, ticker or station over the range, from production",
  request: { query: z.object(RangeQuery), headers: ConditionalHeaders },
  responses: {
    ...conditionalOk(
      "One entry per subject that has values in the range (`cities` repeats `subjects` for weather)",
      { "application/json": { schema: z.object({ ...AnswerHead, subjects: z.array(StatsEntry), cities: z.array(StatsEntry).optional(), bytesScanned: z.number() }) } },
      { productionVersion: true },
    ),
    ...errorResponses(400, 500),
  },
});

type RangeQueryValues = { dataset: string; metric?: string | undefined; parameter?: string | undefined; from: string; to: string } & Record<(typeof SUBJECT_PARAMS)[number], string[]>;

/** GET /series, GET /stats: read production with bound parameters, cached per production version. */
export function seriesRouter(deps: ResolvedDeps) {
  const checked = (q: RangeQueryValues) => {
    const dataset = deps.pipeline.datasets[q.dataset];
    const spec = dataset ? seriesOf(dataset) : undefined;
    if (!spec || !dataset) {
      const known = Object.values(deps.pipeline.datasets).filter((d) => seriesOf(d)).map((d) => d.name);
      throw new InvalidInputError("dataset", `unknown dataset; known: ${known.join(", ")}`);
    }
    for (const param of SUBJECT_PARAMS) {
      if (param !== spec.subjectParam && q[param].length > 0) throw new InvalidInputError(param, `not a parameter of ${dataset.name}; use ${spec.subjectParam}`);
    }
    const metricName = q.metric ?? spec.defaultMetric;
    const metric = Object.hasOwn(spec.metrics, metricName) ? spec.metrics[metricName] : undefined;
    if (!metric) throw new InvalidInputError("metric", `not a metric of ${dataset.name}; one of ${Object.keys(spec.metrics).join(", ")}`);
    let parameter: string | null = null;
    if (spec.filter) {
      parameter = q.parameter ?? spec.filter.defaultValue;
      if (!spec.filter.values.includes(parameter)) throw new InvalidInputError("parameter", `not a parameter of ${dataset.name}; one of ${spec.filter.values.join(", ")}`);
    } else if (q.parameter !== undefined) {
      throw new InvalidInputError("parameter", `${dataset.name} has no parameter; only ${Object.keys(SERIES_DATASETS).filter((n) => SERIES_DATASETS[n]!.filter).join(", ")} has`);
    }
    const read: SeriesRead = {
      table: metric.view ?? dataset.tables.prod,
      subjectColumn: spec.subjectColumn,
      timeColumn: dataset.transform.timeColumn,
      valueColumn: metric.column,
      partitioned: metric.view === undefined,
      equals: [...(spec.filter && parameter !== null ? [{ column: spec.filter.column, value: parameter }] : []), ...(spec.fixed ? [spec.fixed] : [])],
    };
    const head = {
      dataset: dataset.name,
      subjectParam: spec.subjectParam,
      metric: metricName,
      parameter,
      unit: metric.unit,
      guideline: spec.filter ? guidelineOf(parameter ?? undefined) : null,
    };
    return { dataset, read, head, subjects: q[spec.subjectParam], range: parseRange(q.from, q.to, deps.limits.rangeDays) };
  };
  // The key is built from the validated values (canonical order), never from the raw query string.
  const keyOf = (route: string, q: Record<string, unknown>) => `${route}?${JSON.stringify(q)}`;
  const entry = (param: string, subject: string) => ({ subject, [param]: subject });

  const router = newRouter();
  return router
    .openapi(series, (c) => {
      const q = c.req.valid("query");
      const { dataset, read, head, subjects, range } = checked(q);
      return deps.cache.respond(c, keyOf("series", { ...head, subjects, interval: q.interval, from: range.start, to: range.end }), async () => {
        const prod = await productionOf(deps, dataset);
        const result = prod ? await run(deps, seriesSql(read, q.interval, range, subjects)) : { rows: [], bytesScanned: 0 };
        const bySubject = new Map<string, [string, number | null][]>(subjects.map((s) => [s, []]));
        for (const row of result.rows) {
          const subject = String(row.entity);
          if (!bySubject.has(subject)) bySubject.set(subject, []);
          bySubject.get(subject)!.push([String(row.t), roundOrNull(row.value)]);
        }
        return {
          ...head,
          interval: q.interval,
          from: range.start.toISOString(),
          to: range.end.toISOString(),
          productionVersion: prod ?? null,
          series: [...bySubject].map(([subject, points]) => ({ ...entry(head.subjectParam, subject), points })),
          bytesScanned: result.bytesScanned,
        };
      }) as never;
    })
    .openapi(stats, (c) => {
      const q = c.req.valid("query");
      const { dataset, read, head, subjects, range } = checked(q);
      return deps.cache.respond(c, keyOf("stats", { ...head, subjects, from: range.start, to: range.end }), async () => {
        const prod = await productionOf(deps, dataset);
        const result = prod ? await run(deps, statsSql(read, range, subjects)) : { rows: [], bytesScanned: 0 };
        const entries = result.rows.map((row) => ({
          ...entry(head.subjectParam, String(row.entity)),
          average: roundOrNull(row.average),
          min: roundOrNull(row.min),
          max: roundOrNull(row.max),
          count: Number(row.count),
        }));
        return {
          ...head,
          from: range.start.toISOString(),
          to: range.end.toISOString(),
          productionVersion: prod ?? null,
          subjects: entries,
          // Weather answers kept their `cities` key from before other datasets were served.
          ...(head.subjectParam === "city" ? { cities: entries } : {}),
          bytesScanned: result.bytesScanned,
        };
      }) as never;
    });
}

/** The version table production reads, when production exists (an empty lake answers empty series, not an error). */
async function productionOf(deps: ResolvedDeps, dataset: DatasetDefinition): Promise<string | undefined> {
  const view = await deps.catalog.getTable(deps.pipeline.glueDatabase, dataset.tables.prod);
  return view ? (versionInViewSql(view.viewSql, dataset) ?? dataset.tables.prod) : undefined;
}

/** Our own SQL failing is a server fault (500), not the client's: QueryError would map to 400. */
async function run(deps: ResolvedDeps, bound: BoundSql) {
  try {
    return await deps.warehouse.query(bound.sql, bound.params);
  } catch (error) {
    if (error instanceof QueryError) throw new Error(`production query failed: ${error.message}`, { cause: error });
    throw error;
  }
}

function roundOrNull(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  return Math.round(Number(value) * 1000) / 1000;
}
