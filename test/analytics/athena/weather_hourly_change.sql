CREATE OR REPLACE VIEW "weather_hourly_change" AS
SELECT "city", "measurement_time", "temperature",
  CASE WHEN date_diff('hour', "previous_time", "measurement_time") = 1 THEN "previous_temperature" END AS "previous_temperature",
  CASE WHEN date_diff('hour', "previous_time", "measurement_time") = 1 THEN "temperature" - "previous_temperature" END AS "temperature_change"
FROM (
  SELECT "city", "measurement_time", "temperature",
    lag("measurement_time") OVER (PARTITION BY "city" ORDER BY "measurement_time") AS "previous_time",
    lag("temperature") OVER (PARTITION BY "city" ORDER BY "measurement_time") AS "previous_temperature"
  FROM "weather_prod"
)
