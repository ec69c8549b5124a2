CREATE OR REPLACE VIEW "weather_city_stddev" AS
SELECT "city", avg("temperature") AS "avg_temperature", stddev_samp("temperature") AS "stddev_temperature", count("temperature") AS "readings"
FROM "weather_prod"
GROUP BY "city"
