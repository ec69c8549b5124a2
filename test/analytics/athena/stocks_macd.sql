CREATE OR REPLACE VIEW "stocks_macd" AS
WITH "bars" AS (
  SELECT "ticker", "bar_time", "close", row_number() OVER (PARTITION BY "ticker" ORDER BY "bar_time") - 1 AS "i" FROM "stocks_prod"
),
"ema_fast" AS (
  SELECT cur."ticker", cur."i", sum(prev."close" * CASE WHEN prev."i" = 0 THEN power(1 - 0.15384615384615385E0, cur."i") ELSE 0.15384615384615385E0 * power(1 - 0.15384615384615385E0, cur."i" - prev."i") END) AS "ema"
  FROM "bars" cur
  JOIN "bars" prev ON prev."ticker" = cur."ticker" AND prev."i" BETWEEN cur."i" - 276 AND cur."i"
  GROUP BY cur."ticker", cur."i"
),
"ema_slow" AS (
  SELECT cur."ticker", cur."i", sum(prev."close" * CASE WHEN prev."i" = 0 THEN power(1 - 0.07407407407407407E0, cur."i") ELSE 0.07407407407407407E0 * power(1 - 0.07407407407407407E0, cur."i" - prev."i") END) AS "ema"
  FROM "bars" cur
  JOIN "bars" prev ON prev."ticker" = cur."ticker" AND prev."i" BETWEEN cur."i" - 599 AND cur."i"
  GROUP BY cur."ticker", cur."i"
),
"lines" AS (
  SELECT f."ticker", f."i", f."ema" AS "ema_12", s."ema" AS "ema_26", f."ema" - s."ema" AS "macd"
  FROM "ema_fast" f JOIN "ema_slow" s ON s."ticker" = f."ticker" AND s."i" = f."i"
),
"signal" AS (
  SELECT cur."ticker", cur."i", sum(prev."macd" * CASE WHEN prev."i" = 0 THEN power(1 - 0.2E0, cur."i") ELSE 0.2E0 * power(1 - 0.2E0, cur."i" - prev."i") END) AS "ema"
  FROM "lines" cur
  JOIN "lines" prev ON prev."ticker" = cur."ticker" AND prev."i" BETWEEN cur."i" - 207 AND cur."i"
  GROUP BY cur."ticker", cur."i"
)
SELECT b."ticker", b."bar_time", b."close", l."ema_12", l."ema_26", l."macd", g."ema" AS "signal", l."macd" - g."ema" AS "histogram"
FROM "bars" b
JOIN "lines" l ON l."ticker" = b."ticker" AND l."i" = b."i"
JOIN "signal" g ON g."ticker" = b."ticker" AND g."i" = b."i"
