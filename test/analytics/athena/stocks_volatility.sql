CREATE OR REPLACE VIEW "stocks_volatility" AS
SELECT "ticker", "bar_time", "close", "bar_return",
  CASE WHEN count("bar_return") OVER (PARTITION BY "ticker" ORDER BY "bar_time" ROWS BETWEEN 19 PRECEDING AND CURRENT ROW) = 20
    THEN stddev_samp("bar_return") OVER (PARTITION BY "ticker" ORDER BY "bar_time" ROWS BETWEEN 19 PRECEDING AND CURRENT ROW) END AS "volatility_20"
FROM (
  SELECT "ticker", "bar_time", "close",
    "close" / lag("close") OVER (PARTITION BY "ticker" ORDER BY "bar_time") - 1 AS "bar_return"
  FROM "stocks_prod"
)
