CREATE OR REPLACE VIEW "air_quality_who_exceedances" AS
WITH "hourly" AS (
  SELECT "location_id", "location", "parameter", "value", "measurement_time", date("measurement_time" - INTERVAL '1' HOUR) AS "day"
  FROM "air_quality_prod"
  WHERE "unit" = 'µg/m³'
),
"day_means" AS (
  SELECT "location_id", "location", "parameter", "day", '24h_mean' AS "metric", avg("value") AS "value", count("value") AS "periods"
  FROM "hourly"
  WHERE "parameter" IN ('pm25', 'pm10', 'no2')
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
  WHERE "hours_8h" >= 6
  GROUP BY "location_id", "location", "day"
),
"guidelines" AS (
  SELECT * FROM (VALUES ('pm25', 15E0), ('pm10', 45E0), ('no2', 25E0), ('o3', 100E0)) AS g ("parameter", "guideline")
)
SELECT d."location_id", d."location", d."parameter", d."day", d."metric", d."value", d."periods", g."guideline",
  d."periods" >= 18 AS "complete",
  d."periods" >= 18 AND d."value" > g."guideline" AS "exceeds"
FROM (SELECT * FROM "day_means" UNION ALL SELECT * FROM "o3_days") d
JOIN "guidelines" g ON g."parameter" = d."parameter"
