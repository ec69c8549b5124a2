CREATE OR REPLACE VIEW "weather_daily_stats" AS
SELECT "city", date("measurement_time") AS "day",
  avg("temperature") AS "avg_temperature", min("temperature") AS "min_temperature", max("temperature") AS "max_temperature",
  count("temperature") AS "readings"
FROM "weather_prod"
GROUP BY "city", date("measurement_time")
