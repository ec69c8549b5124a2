import { GUIDELINE_UNIT, WHO_2021_GUIDELINES } from "../analytics/air-quality-views";
import { AIR_QUALITY_PARAMETERS } from "../pipeline/air-quality";
import { WEATHER_VARIABLES, weatherDataset } from "../pipeline/weather";

/** Where a metric is read: a column of the production view (`view` absent) or of an analytics view. */
export interface MetricSource {
  /** Analytics view to read instead of `<dataset>_prod` (no month partitions there: the view reads prod whole). */
  readonly view?: string;
  readonly column: string;
  readonly unit: string | null;
}

/** A fixed filter column chosen by a query parameter (air quality's `parameter=pm25`). */
export interface SeriesFilter {
  readonly param: "parameter";
  readonly column: string;
  readonly values: readonly string[];
  readonly defaultValue: string;
}

/** How GET /series and GET /stats read one dataset: the subject parameter and column, and its metrics. */
export interface SeriesDataset {
  /** Query parameter naming the subjects, and the key each answer entry carries. */
  readonly subjectParam: "city" | "ticker" | "location";
  readonly subjectColumn: string;
  readonly defaultMetric: string;
  readonly metrics: Readonly<Record<string, MetricSource>>;
  readonly filter?: SeriesFilter;
  /** A column every read is held to (air quality: one unit, so averages never mix µg/m³ and ppm). */
  readonly fixed?: { readonly column: string; readonly value: string };
}

/** Query parameters that name subjects, over all datasets. */
export const SUBJECT_PARAMS = ["city", "ticker", "location"] as const;

// Weather metrics are every numeric non-key column, as before datasets were added (unit from the variable list).
const weatherMetrics = Object.fromEntries(
  weatherDataset.recordSchema
    .filter((c) => c.type === "double" && !weatherDataset.transform.keyColumns.includes(c.name))
    .map((c) => [c.name, { column: c.name, unit: Object.values(WEATHER_VARIABLES).find((v) => v.column === c.name)?.unit ?? null }]),
);

const price = (column: string, view?: string): MetricSource => ({ column, unit: "USD", ...(view ? { view } : {}) });

/** The datasets the series routes serve, by dataset name. */
export const SERIES_DATASETS: Readonly<Record<string, SeriesDataset>> = {
  weather: { subjectParam: "city", subjectColumn: "city", defaultMetric: "temperature", metrics: weatherMetrics },
  stocks: {
    subjectParam: "ticker",
    subjectColumn: "ticker",
    defaultMetric: "close",
    metrics: {
      close: price("close"),
      open: price("open"),
      high: price("high"),
      low: price("low"),
      volume: { column: "volume", unit: "shares" },
      vwap: price("vwap"),
      // Seed 004's 7- and 30-day averages (one point a day, at its last bar); the bar windows say so.
      ma_7d: price("ma_7d", "stocks_daily_moving_averages"),
      ma_30d: price("ma_30d", "stocks_daily_moving_averages"),
      ma_7_bars: price("ma_7_bars", "stocks_moving_averages"),
      ma_30_bars: price("ma_30_bars", "stocks_moving_averages"),
      // Seed 001's hourly variation (high − low) per ticker.
      hourly_var: price("hourly_var"),
      bollinger_upper: price("upper_band", "stocks_bollinger"),
      bollinger_lower: price("lower_band", "stocks_bollinger"),
      macd: price("macd", "stocks_macd"),
      signal: price("signal", "stocks_macd"),
    },
  },
  air_quality: {
    subjectParam: "location",
    subjectColumn: "location",
    defaultMetric: "value",
    metrics: { value: { column: "value", unit: GUIDELINE_UNIT } },
    fixed: { column: "unit", value: GUIDELINE_UNIT },
    filter: { param: "parameter", column: "parameter", values: AIR_QUALITY_PARAMETERS, defaultValue: "pm25" },
  },
};

/** The WHO 2021 short-term guideline of an air-quality parameter (µg/m³), when it has one. */
export function guidelineOf(parameter: string | undefined): number | null {
  return parameter !== undefined && parameter in WHO_2021_GUIDELINES ? WHO_2021_GUIDELINES[parameter as keyof typeof WHO_2021_GUIDELINES].value : null;
}
