import { createRoute, z } from "@hono/zod-openapi";
import type { ResolvedDeps } from "../app";
import { newRouter } from "../router";
import { errorResponses } from "../schemas";
import { DEFAULT_CHARTS, seriesOf, type SeriesChart } from "../series-datasets";
import { scheduledSubjectsOf, defaultVariablesOf } from "../../config/project";
import { datasetModule } from "../../datasets/registry";
import { analyticsViewsOf } from "../../analytics/create";
import type { DatasetDefinition } from "../../pipeline/types";
import { sourcesOf } from "../../sources/factory";

const ChartDescription = z
  .object({
    name: z.string(),
    title: z.string().nullable().openapi({ description: "null: the answer's metric (or filter value) and unit" }),
    layout: z.enum(["subjects", "metrics"]).openapi({ description: "subjects: one line per subject of one metric; metrics: one chart per subject, a line per metric of `lines`" }),
    metric: z.string().nullable().openapi({ description: "subjects layout: the metric drawn; null: the one the dashboard's metric picker chose (default first of `metrics`)" }),
    lines: z.array(
      z.object({
        metric: z.string(),
        label: z.string(),
        color: z.string().nullable(),
        width: z.number().nullable(),
        dashed: z.boolean(),
        joined: z.boolean().openapi({ description: "Draw it across the times only the other lines have (a daily value among hourly ones)" }),
      }),
    ),
    guideline: z.string().nullable().openapi({ description: "Draw the /series answer's `guideline` value as a dashed line with this label" }),
    height: z.number().int().nullable(),
  })
  .openapi("DatasetChart");

const DatasetDescription = z
  .object({
    name: z.string(),
    description: z.string(),
    kind: z.enum(["built-in", "rest", "files"]).openapi({ description: "A built-in module, or a dataset of the project config fed by its REST or files source" }),
    sources: z.array(z.string()),
    subjects: z
      .object({
        noun: z.string().openapi({ description: "What one subject is: city, ticker, station, subject" }),
        field: z.string().openapi({ description: "Its field in POST /runs and events (an alias of subjects)" }),
        seriesParam: z.string().nullable().openapi({ description: "Its query parameter in /series and /stats; null: not served there" }),
        column: z.string(),
        defaults: z.array(z.string()).openapi({ description: "What a scheduled run asks for (the config's subjects, else the dataset's); empty: it must be told" }),
        initial: z.number().int().nullable().openapi({ description: "How many subjects the dashboard selects at first; null: all" }),
      })
      .openapi("DatasetSubjects"),
    variables: z.object({ known: z.array(z.string()).nullable(), defaults: z.array(z.string()) }),
    tables: z.object({ raw: z.string(), clean: z.string(), parquet: z.string(), prod: z.string() }),
    timeColumn: z.string(),
    key: z.array(z.string()),
    columns: z.array(z.object({ name: z.string(), type: z.string(), nullable: z.boolean() })),
    metrics: z.array(z.object({ name: z.string(), unit: z.string().nullable(), view: z.string().nullable() })).openapi({ description: "The /series metrics (default first)" }),
    filter: z
      .object({ param: z.string(), values: z.array(z.string()), default: z.string() })
      .nullable()
      .openapi({ description: "A /series query parameter choosing a fixed column's value (air_quality's parameter=pm25); null: none" }),
    charts: z.array(ChartDescription).openapi({ description: "What the dashboard draws for it, in order" }),
    views: z.array(z.object({ name: z.string(), description: z.string() })),
    schedule: z.string().openapi({ description: "The producer's EventBridge schedule on AWS" }),
  })
  .openapi("Dataset");

const listDatasets = createRoute({
  method: "get",
  operationId: "listDatasets",
  // GET routes need no token (requireBearer): said so, not left to a default.
  security: [],
  path: "/",
  tags: ["datasets"],
  summary: "The datasets of the pipeline: subjects, sources, tables, metrics, analytics views",
  responses: {
    200: { description: "Every dataset of the pipeline (the built-in ones and the project config's)", content: { "application/json": { schema: z.object({ datasets: z.array(DatasetDescription) }) } } },
    ...errorResponses(500),
  },
});

/** GET /datasets: what each dataset is, as the dashboard and clients need to ask for it. */
export function datasetsRouter(deps: ResolvedDeps) {
  const described = Object.values(deps.pipeline.datasets).map(describe);
  return newRouter().openapi(listDatasets, (c) => c.json({ datasets: described }, 200));
}

function describe(dataset: DatasetDefinition): z.infer<typeof DatasetDescription> {
  const module = dataset.rest || dataset.files ? undefined : datasetModule(dataset.name);
  const series = seriesOf(dataset);
  // seriesOf gives a config dataset its numeric columns as metrics; without any it has none.
  const metrics = series
    ? Object.entries(series.metrics)
        .sort(([a], [b]) => Number(b === series.defaultMetric) - Number(a === series.defaultMetric))
        .map(([name, m]) => ({ name, unit: m.unit, view: m.view ?? null }))
    : [];
  return {
    name: dataset.name,
    description: dataset.description,
    kind: dataset.rest ? "rest" : dataset.files ? "files" : "built-in",
    sources: [...sourcesOf(dataset)],
    subjects: {
      noun: module?.subjects.noun ?? "subject",
      field: module?.subjects.field ?? "subjects",
      seriesParam: series?.subjectParam ?? null,
      column: series?.subjectColumn ?? "subject",
      defaults: (scheduledSubjectsOf(dataset) ?? []).map((s) => (typeof s === "string" ? s : s.name)),
      initial: series?.initialSubjects ?? null,
    },
    variables: { known: module?.variables.known ? [...module.variables.known] : null, defaults: defaultVariablesOf(dataset) },
    tables: { ...dataset.tables },
    timeColumn: dataset.transform.timeColumn,
    key: [...dataset.transform.keyColumns],
    columns: dataset.recordSchema.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable })),
    metrics,
    filter: series?.filter ? { param: series.filter.param, values: [...series.filter.values], default: series.filter.defaultValue } : null,
    charts: series ? (series.charts ?? DEFAULT_CHARTS).map(chartOf) : [],
    views: analyticsViewsOf(dataset.name).map((v) => ({ name: v.name, description: v.description })),
    schedule: dataset.schedule,
  };
}

/** A module's chart as GET /datasets serves it (absent fields as null or false). */
function chartOf(chart: SeriesChart): z.infer<typeof ChartDescription> {
  return {
    name: chart.name,
    title: chart.title ?? null,
    layout: chart.layout,
    metric: chart.metric ?? null,
    lines: (chart.lines ?? []).map((l) => ({ metric: l.metric, label: l.label, color: l.color ?? null, width: l.width ?? null, dashed: l.dashed ?? false, joined: l.joined ?? false })),
    guideline: chart.guideline ?? null,
    height: chart.height ?? null,
  };
}
