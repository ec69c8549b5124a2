CREATE OR REPLACE VIEW "stocks_bollinger" AS
SELECT "ticker", "bar_time", "close", "sma_20", "stddev_20",
  "sma_20" + 2 * "stddev_20" AS "upper_band",
  "sma_20" - 2 * "stddev_20" AS "lower_band"
FROM (
  SELECT "ticker", "bar_time", "close",
    CASE WHEN "n" >= 20 THEN avg("close") OVER (PARTITION BY "ticker" ORDER BY "bar_time" ROWS BETWEEN 19 PRECEDING AND CURRENT ROW) END AS "sma_20",
    CASE WHEN "n" >= 20 THEN stddev_pop("close") OVER (PARTITION BY "ticker" ORDER BY "bar_time" ROWS BETWEEN 19 PRECEDING AND CURRENT ROW) END AS "stddev_20"
  FROM (SELECT "ticker", "bar_time", "close", row_number() OVER (PARTITION BY "ticker" ORDER BY "bar_time") AS "n" FROM "stocks_prod")
)
