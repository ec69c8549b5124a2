import { WHO_2021_GUIDELINES } from "../analytics/air-quality-views";
import { DATASET_MODULES } from "../datasets/registry";
import type { DatasetDefinition } from "../pipeline/types";

/** Where a metric is read: a column of the production view (`view` absent) or of an analytics view. */
export interface MetricSource {
  /** Analytics view to read instead of `<dataset>_prod` (no month partitions there: the view reads prod whole). */
  readonly view?: string;
  readonly column: string;
  readonly unit: string | null;
  /** The source variable that fills the column (weather's Open-Meteo variables): empty unless a run asks for it. */
  readonly variable?: string;
}

/** A fixed filter column chosen by a query parameter (air quality's `parameter=pm25`). */
export interface SeriesFilter {
  readonly param: "parameter";
  readonly column: string;
  readonly values: readonly string[];
  readonly defaultValue: string;
}

/** One line of a chart drawn per subject: a metric and how it looks. */
export interface ChartLine {
  readonly metric: string;
  readonly label: string;
  /** A CSS colour; absent: the dashboard's palette. */
  readonly color?: string;
  readonly width?: number;
  readonly dashed?: boolean;
  /** Drawn across the times only the other lines have: a daily value among hourly ones. */
  readonly joined?: boolean;
}

/**
 * A chart of the dashboard, served by GET /datasets so the web code knows no dataset: either one
 * line per subject of a metric (`layout: "subjects"`; `metric` absent: the one the metric picker
 * chose), or one chart per subject with a line per metric (`layout: "metrics"`, stocks' close with
 * its moving averages). `guideline` draws /series' `guideline` value as a dashed line so labelled.
 */
export interface SeriesChart {
  readonly name: string;
  /** Absent: the metric (or filter value) and unit of the answer. */
  readonly title?: string;
  readonly layout: "subjects" | "metrics";
  readonly metric?: string;
  readonly lines?: readonly ChartLine[];
  readonly guideline?: string;
  /** Pixels; absent: the dashboard's default. */
  readonly height?: number;
}

/** The dashboard's one chart for a dataset that describes none: every subject, the picked metric. */
export const DEFAULT_CHARTS: readonly SeriesChart[] = [{ name: "metric", layout: "subjects" }];

/** How GET /series and GET /stats read one dataset: the subject parameter and column, and its metrics. */
export interface SeriesDataset {
  /** Query parameter naming the subjects, and the key each answer entry carries. */
  readonly subjectParam: (typeof SUBJECT_PARAMS)[number];
  readonly subjectColumn: string;
  readonly defaultMetric: string;
  readonly metrics: Readonly<Record<string, MetricSource>>;
  readonly filter?: SeriesFilter;
  /** A column every read is held to (air quality: one unit, so averages never mix µg/m³ and ppm). */
  readonly fixed?: { readonly column: string; readonly value: string };
  /** What the dashboard draws, in order (absent: DEFAULT_CHARTS). */
  readonly charts?: readonly SeriesChart[];
  /** How many subjects the dashboard selects at first (absent: all of them). */
  readonly initialSubjects?: number;
}

/** Query parameters that name subjects, over all datasets. */
export const SUBJECT_PARAMS = ["city", "ticker", "location", "subject"] as const;

/** The datasets the series routes serve, by dataset name (each built-in module's `series`). */
export const SERIES_DATASETS: Readonly<Record<string, SeriesDataset>> = Object.fromEntries(DATASET_MODULES.map((m) => [m.definition.name, m.series]));

/**
 * How the series routes read a dataset: a built-in module's `series`; for a dataset of the project
 * config, `subject` names its subjects and every numeric column that is not part of the key is a
 * metric (the first the default); undefined when it has none.
 */
export function seriesOf(dataset: DatasetDefinition): SeriesDataset | undefined {
  if (!dataset.rest && !dataset.files) return SERIES_DATASETS[dataset.name];
  const numeric = dataset.recordSchema.filter((c) => (c.type === "double" || c.type === "bigint") && !dataset.transform.keyColumns.includes(c.name));
  if (numeric.length === 0) return undefined;
  return { subjectParam: "subject", subjectColumn: "subject", defaultMetric: numeric[0]!.name, metrics: Object.fromEntries(numeric.map((c) => [c.name, { column: c.name, unit: null }])) };
}

/** The WHO 2021 short-term guideline of an air-quality parameter (µg/m³), when it has one. */
export function guidelineOf(parameter: string | undefined): number | null {
  return parameter !== undefined && parameter in WHO_2021_GUIDELINES ? WHO_2021_GUIDELINES[parameter as keyof typeof WHO_2021_GUIDELINES].value : null;
}
