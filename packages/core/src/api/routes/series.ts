import { createRoute, z } from "@hono/zod-openapi";
import type { ResolvedDeps } from "../app";
import { InvalidInputError } from "../errors";
import { parseRange } from "../range";
import { newRouter } from "../router";
import { DateOrDateTime, errorResponses } from "../schemas";
import { seriesSql, statsSql } from "../series-sql";
import type { BoundSql } from "../series-sql";
import type { DatasetDefinition } from "../../pipeline/types";
import { WEATHER_VARIABLES } from "../../pipeline/weather";
import { QueryError } from "../../query/query-engine";
import { versionInViewSql } from "../../run/publish";

const MAX_CITIES = 20;

const CityList = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
  .pipe(z.array(z.string().min(1).max(100)).max(MAX_CITIES, `at most ${MAX_CITIES} cities`))
  .openapi({ description: "City name; repeat for several (`city=Paris&city=London`)", example: "Paris", param: { style: "form", explode: true } });

const RangeQuery = {
  dataset: z.string().max(64).default("weather"),
  city: CityList,
  from: DateOrDateTime.openapi({ description: "Start: YYYY-MM-DD (whole UTC day) or ISO-8601 date-time", example: "2024-11-24" }),
  to: DateOrDateTime.openapi({ description: "End: YYYY-MM-DD (inclusive day) or ISO-8601 date-time (exclusive)", example: "2024-11-30" }),
  metric: z.string().max(64).default("temperature").openapi({ description: "A numeric column of the dataset", example: "temperature" }),
};

const Point = z.tuple([z.string(), z.number().nullable()]);

const series = createRoute({
  method: "get",
  path: "/series",
  tags: ["data"],
  summary: "A metric over time per city, from production",
  request: { query: z.object({ ...RangeQuery, interval: z.enum(["hour", "day"]).default("hour") }) },
  responses: {
    200: {
      description: "One series per requested city (all cities when none is given); an unknown city has no points",
      content: {
        "application/json": {
          schema: z.object({
            dataset: z.string(),
            metric: z.string(),
            unit: z.string().nullable(),
            interval: z.enum(["hour", "day"]),
            from: z.string(),
            to: z.string(),
            productionVersion: z.string().nullable(),
            series: z.array(z.object({ city: z.string(), points: z.array(Point) })),
            bytesScanned: z.number(),
          }),
        },
      },
    },
    ...errorResponses(400, 500),
  },
});

const stats = createRoute({
  method: "get",
  path: "/stats",
  tags: ["data"],
  summary: "Average, min and max of a metric per city over the range, from production",
  request: { query: z.object(RangeQuery) },
  responses: {
    200: {
      description: "One entry per city that has values in the range",
      content: {
        "application/json": {
          schema: z.object({
            dataset: z.string(),
            metric: z.string(),
            unit: z.string().nullable(),
            from: z.string(),
            to: z.string(),
            productionVersion: z.string().nullable(),
            cities: z.array(z.object({ city: z.string(), average: z.number().nullable(), min: z.number().nullable(), max: z.number().nullable(), count: z.number() })),
            bytesScanned: z.number(),
          }),
        },
      },
    },
    ...errorResponses(400, 500),
  },
});

/** GET /series, GET /stats: read production with bound parameters, cached per production version. */
export function seriesRouter(deps: ResolvedDeps) {
  const checked = (q: { dataset: string; metric: string; from: string; to: string }) => {
    const dataset = deps.pipeline.datasets[q.dataset];
    if (!dataset) throw new InvalidInputError("dataset", `unknown dataset; known: ${Object.keys(deps.pipeline.datasets).join(", ")}`);
    const column = dataset.recordSchema.find((c) => c.name === q.metric);
    if (!column || column.type !== "double" || dataset.transform.keyColumns.includes(q.metric)) {
      const numeric = dataset.recordSchema.filter((c) => c.type === "double").map((c) => c.name);
      throw new InvalidInputError("metric", `not a numeric column of ${dataset.name}; one of ${numeric.join(", ")}`);
    }
    return { dataset, range: parseRange(q.from, q.to, deps.limits.rangeDays), unit: unitOf(q.metric) };
  };
  // The key is built from the validated values (canonical order), never from the raw query string.
  const keyOf = (route: string, q: Record<string, unknown>) => `${route}?${JSON.stringify(q)}`;

  const router = newRouter();
  return router
    .openapi(series, (c) => {
      const q = c.req.valid("query");
      const { dataset, range, unit } = checked(q);
      return deps.cache.respond(c, keyOf("series", { ...q, from: range.start, to: range.end }), async () => {
        const prod = await productionOf(deps, dataset);
        const result = prod ? await run(deps, seriesSql(dataset, q.metric, q.interval, range, q.city)) : { rows: [], bytesScanned: 0 };
        const byCity = new Map<string, [string, number | null][]>(q.city.map((city) => [city, []]));
        for (const row of result.rows) {
          const city = String(row.entity);
          if (!byCity.has(city)) byCity.set(city, []);
          byCity.get(city)!.push([String(row.t), roundOrNull(row.value)]);
        }
        return {
          dataset: dataset.name,
          metric: q.metric,
          unit,
          interval: q.interval,
          from: range.start.toISOString(),
          to: range.end.toISOString(),
          productionVersion: prod ?? null,
          series: [...byCity].map(([city, points]) => ({ city, points })),
          bytesScanned: result.bytesScanned,
        };
      }) as never;
    })
    .openapi(stats, (c) => {
      const q = c.req.valid("query");
      const { dataset, range, unit } = checked(q);
      return deps.cache.respond(c, keyOf("stats", { ...q, from: range.start, to: range.end }), async () => {
        const prod = await productionOf(deps, dataset);
        const result = prod ? await run(deps, statsSql(dataset, q.metric, range, q.city)) : { rows: [], bytesScanned: 0 };
        return {
          dataset: dataset.name,
          metric: q.metric,
          unit,
          from: range.start.toISOString(),
          to: range.end.toISOString(),
          productionVersion: prod ?? null,
          cities: result.rows.map((row) => ({
            city: String(row.entity),
            average: roundOrNull(row.average),
            min: roundOrNull(row.min),
            max: roundOrNull(row.max),
            count: Number(row.count),
          })),
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

function unitOf(metric: string): string | null {
  return Object.values(WEATHER_VARIABLES).find((v) => v.column === metric)?.unit ?? null;
}

function roundOrNull(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  return Math.round(Number(value) * 1000) / 1000;
}
