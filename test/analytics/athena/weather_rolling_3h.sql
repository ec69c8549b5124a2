CREATE OR REPLACE VIEW "weather_rolling_3h" AS
SELECT "city", "measurement_time", "temperature",
  avg("temperature") OVER (PARTITION BY "city" ORDER BY "measurement_time" ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS "rolling_avg_3h"
FROM "weather_prod"
