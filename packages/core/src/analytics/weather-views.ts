import { ident } from "../transform/athena-sql";
import type { AnalyticsView } from "./view";

// Every weather view reads the production view's temperature, per city, in UTC hours.

const hourlyStats: AnalyticsView = {
  dataset: "weather",
  name: "weather_hourly_stats",
  description: "Average, minimum and maximum temperature per city and UTC hour, with the number of readings",
  sql: (t) => `SELECT "city", date_trunc('hour', "measurement_time") AS "hour",
  avg("temperature") AS "avg_temperature", min("temperature") AS "min_temperature", max("temperature") AS "max_temperature",
  count("temperature") AS "readings"
FROM ${ident(t.prod)}
GROUP BY "city", date_trunc('hour', "measurement_time")`,
};

const dailyStats: AnalyticsView = {
  dataset: "weather",
  name: "weather_daily_stats",
  description: "Average, minimum and maximum temperature per city and UTC day, with the number of readings",
  sql: (t) => `SELECT "city", date("measurement_time") AS "day",
  avg("temperature") AS "avg_temperature", min("temperature") AS "min_temperature", max("temperature") AS "max_temperature",
  count("temperature") AS "readings"
FROM ${ident(t.prod)}
GROUP BY "city", date("measurement_time")`,
};

// LAG reads the previous row, which is the previous hour only when no hour is missing: the change
// is NULL across a gap rather than a change over several hours labelled as one.
const hourlyChange: AnalyticsView = {
  dataset: "weather",
  name: "weather_hourly_change",
  description: "Temperature change from the previous hour per city (NULL when the previous hour is missing)",
  sql: (t) => `SELECT "city", "measurement_time", "temperature",
  CASE WHEN date_diff('hour', "previous_time", "measurement_time") = 1 THEN "previous_temperature" END AS "previous_temperature",
  CASE WHEN date_diff('hour', "previous_time", "measurement_time") = 1 THEN "temperature" - "previous_temperature" END AS "temperature_change"
FROM (
  SELECT "city", "measurement_time", "temperature",
    lag("measurement_time") OVER (PARTITION BY "city" ORDER BY "measurement_time") AS "previous_time",
    lag("temperature") OVER (PARTITION BY "city" ORDER BY "measurement_time") AS "previous_temperature"
  FROM ${ident(t.prod)}
)`,
};

// A ROWS frame: the current reading and the two before it (three hours when none is missing);
// avg skips NULL temperatures.
const rolling3h: AnalyticsView = {
  dataset: "weather",
  name: "weather_rolling_3h",
  description: "Rolling average temperature per city over the current and two preceding readings",
  sql: (t) => `SELECT "city", "measurement_time", "temperature",
  avg("temperature") OVER (PARTITION BY "city" ORDER BY "measurement_time" ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS "rolling_avg_3h"
FROM ${ident(t.prod)}`,
};

const cityStddev: AnalyticsView = {
  dataset: "weather",
  name: "weather_city_stddev",
  description: "Mean and sample standard deviation of the temperature per city",
  sql: (t) => `SELECT "city", avg("temperature") AS "avg_temperature", stddev_samp("temperature") AS "stddev_temperature", count("temperature") AS "readings"
FROM ${ident(t.prod)}
GROUP BY "city"`,
};

const hourOfDay: AnalyticsView = {
  dataset: "weather",
  name: "weather_hour_of_day",
  description: "Average temperature per city and UTC hour of day (0–23): the daily cycle",
  sql: (t) => `SELECT "city", hour("measurement_time") AS "hour_of_day", avg("temperature") AS "avg_temperature", count("temperature") AS "readings"
FROM ${ident(t.prod)}
GROUP BY "city", hour("measurement_time")`,
};

/** The weather views, in creation order. */
export const WEATHER_VIEWS: readonly AnalyticsView[] = [hourlyStats, dailyStats, hourlyChange, rolling3h, cityStddev, hourOfDay];
