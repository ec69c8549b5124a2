CREATE OR REPLACE VIEW "weather_hour_of_day" AS
SELECT "city", hour("measurement_time") AS "hour_of_day", avg("temperature") AS "avg_temperature", count("temperature") AS "readings"
FROM "weather_prod"
GROUP BY "city", hour("measurement_time")
