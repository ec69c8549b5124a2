SELECT
  count(*) AS "m0",
  count(*) FILTER (WHERE "city" IS NOT NULL) AS "m1",
  count(*) FILTER (WHERE "measurement_time" IS NOT NULL) AS "m2",
  count(*) FILTER (WHERE "temperature" > -90 AND "temperature" < 60) AS "m3",
  count(DISTINCT ("city", "measurement_time")) AS "m4",
  count(*) FILTER (WHERE measurement_time >= TIMESTAMP '2024-11-24 00:00:00' and measurement_time <= TIMESTAMP '2024-11-24 23:00:00') AS "m5",
  count(DISTINCT CASE WHEN measurement_time >= TIMESTAMP '2024-11-24 00:00:00' and measurement_time <= TIMESTAMP '2024-11-24 23:00:00' THEN "city" END) AS "m6",
  count(*) FILTER (WHERE (measurement_time >= TIMESTAMP '2024-11-24 00:00:00' and measurement_time <= TIMESTAMP '2024-11-24 23:00:00') AND ("temperature" IS NOT NULL)) AS "m7",
  count(*) FILTER (WHERE "collection_count" <= 3) AS "m8",
  count(*) FILTER (WHERE (NOT coalesce("city" IS NOT NULL, false)) OR (NOT coalesce("measurement_time" IS NOT NULL, false)) OR (NOT coalesce("temperature" > -90 AND "temperature" < 60, false)) OR ((measurement_time >= TIMESTAMP '2024-11-24 00:00:00' and measurement_time <= TIMESTAMP '2024-11-24 23:00:00') AND (NOT coalesce("temperature" IS NOT NULL, false))) OR (NOT coalesce("collection_count" <= 3, false))) AS "m9"
FROM "weather_parquet"
