CREATE OR REPLACE VIEW "weather_hourly_stats" AS
SELECT "city", date_trunc('hour', "measurement_time") AS "hour",
  avg("temperature") AS "avg_temperature", min("temperature") AS "min_temperature", max("temperature") AS "max_temperature",
  count("temperature") AS "readings"
FROM "weather_prod"
GROUP BY "city", date_trunc('hour', "measurement_time")
