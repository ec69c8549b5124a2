import { ident } from "../transform/athena-sql";
import { doubleLiteral, type AnalyticsView } from "./view";

/**
 * WHO global air quality guidelines 2021 (µg/m³): short-term guideline values. pm25, pm10 and no2
 * are 24-hour means; o3 is the daily maximum 8-hour mean. The WHO states short-term values as the
 * 99th percentile (3–4 exceedance days a year): these views report each exceeding day and leave
 * the yearly count to the reader.
 */
export const WHO_2021_GUIDELINES = {
  pm25: { value: 15, metric: "24h_mean" },
  pm10: { value: 45, metric: "24h_mean" },
  no2: { value: 25, metric: "24h_mean" },
  o3: { value: 100, metric: "max_8h_mean" },
} as const;

/** Hourly values a day needs (75 %, the EU completeness rule) before its mean or maximum counts. */
export const MIN_PERIODS_PER_DAY = 18;
/** Hourly values an 8-hour o3 mean needs (75 % of 8). */
export const MIN_HOURS_PER_8H = 6;
/** Unit of the guideline values; rows in other units (ppm, …) are left out of the exceedance view. */
export const GUIDELINE_UNIT = "µg/m³";

// measurement_time is the END of the hourly averaging period, so the hour ending at 00:00 belongs
// to the day before: the day of a value is the date of measurement_time − 1 hour.
const DAY = `date("measurement_time" - INTERVAL '1' HOUR)`;

const dailyMean: AnalyticsView = {
  dataset: "air_quality",
  name: "air_quality_daily_mean",
  description: "Mean value per station, parameter, unit and UTC day (of the averaging period), with the number of hourly values",
  sql: (t) => `SELECT "location_id", "location", "parameter", "unit", ${DAY} AS "day",
  avg("value") AS "mean_value", count("value") AS "hours"
FROM ${ident(t.prod)}
GROUP BY "location_id", "location", "parameter", "unit", ${DAY}`,
};

const twentyFourHour = Object.entries(WHO_2021_GUIDELINES).filter(([, g]) => g.metric === "24h_mean").map(([p]) => `'${p}'`).join(", ");
const guidelineRows = Object.entries(WHO_2021_GUIDELINES).map(([p, g]) => `('${p}', ${doubleLiteral(g.value)})`).join(", ");

// o3: an 8-hour mean is computed at each hour present in the data over the hours ending in the
// 8 hours up to it (a RANGE frame over epoch seconds, so a missing hour shortens the window rather
// than stretching it), counted when it has ≥ 6 values, and assigned to the day on which it ends
// (the EU rule: the first period of a day ends at 01:00, the last at 24:00).
const exceedances: AnalyticsView = {
  dataset: "air_quality",
  name: "air_quality_who_exceedances",
  description: "Per station, parameter and day: the WHO 2021 metric (24-h mean for pm25/pm10/no2, daily max 8-h mean for o3), its guideline, whether the day is complete (≥ 18 periods) and whether it exceeds",
  sql: (t) => `WITH "hourly" AS (
  SELECT "location_id", "location", "parameter", "value", "measurement_time", ${DAY} AS "day"
  FROM ${ident(t.prod)}
  WHERE "unit" = '${GUIDELINE_UNIT}'
),
"day_means" AS (
  SELECT "location_id", "location", "parameter", "day", '24h_mean' AS "metric", avg("value") AS "value", count("value") AS "periods"
  FROM "hourly"
  WHERE "parameter" IN (${twentyFourHour})
  GROUP BY "location_id", "location", "parameter", "day"
),
"o3_8h" AS (
  SELECT "location_id", "location", "day",
    avg("value") OVER (PARTITION BY "location_id" ORDER BY to_unixtime("measurement_time") RANGE BETWEEN 25200 PRECEDING AND CURRENT ROW) AS "mean_8h",
    count("value") OVER (PARTITION BY "location_id" ORDER BY to_unixtime("measurement_time") RANGE BETWEEN 25200 PRECEDING AND CURRENT ROW) AS "hours_8h"
  FROM "hourly"
  WHERE "parameter" = 'o3'
),
"o3_days" AS (
  SELECT "location_id", "location", 'o3' AS "parameter", "day", 'max_8h_mean' AS "metric", max("mean_8h") AS "value", count(*) AS "periods"
  FROM "o3_8h"
  WHERE "hours_8h" >= ${MIN_HOURS_PER_8H}
  GROUP BY "location_id", "location", "day"
),
"guidelines" AS (
  SELECT * FROM (VALUES ${guidelineRows}) AS g ("parameter", "guideline")
)
SELECT d."location_id", d."location", d."parameter", d."day", d."metric", d."value", d."periods", g."guideline",
  d."periods" >= ${MIN_PERIODS_PER_DAY} AS "complete",
  d."periods" >= ${MIN_PERIODS_PER_DAY} AND d."value" > g."guideline" AS "exceeds"
FROM (SELECT * FROM "day_means" UNION ALL SELECT * FROM "o3_days") d
JOIN "guidelines" g ON g."parameter" = d."parameter"`,
};

/** The air-quality views, in creation order. */
export const AIR_QUALITY_VIEWS: readonly AnalyticsView[] = [dailyMean, exceedances];
