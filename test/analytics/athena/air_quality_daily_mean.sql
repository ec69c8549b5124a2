CREATE OR REPLACE VIEW "air_quality_daily_mean" AS
SELECT "location_id", "location", "parameter", "unit", date("measurement_time" - INTERVAL '1' HOUR) AS "day",
  avg("value") AS "mean_value", count("value") AS "hours"
FROM "air_quality_prod"
GROUP BY "location_id", "location", "parameter", "unit", date("measurement_time" - INTERVAL '1' HOUR)
