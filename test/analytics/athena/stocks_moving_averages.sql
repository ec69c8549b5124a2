CREATE OR REPLACE VIEW "stocks_moving_averages" AS
SELECT "ticker", "bar_time", "close",
  CASE WHEN "n" >= 7 THEN avg("close") OVER (PARTITION BY "ticker" ORDER BY "bar_time" ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) END AS "ma_7_bars",
  CASE WHEN "n" >= 30 THEN avg("close") OVER (PARTITION BY "ticker" ORDER BY "bar_time" ROWS BETWEEN 29 PRECEDING AND CURRENT ROW) END AS "ma_30_bars"
FROM (SELECT "ticker", "bar_time", "close", row_number() OVER (PARTITION BY "ticker" ORDER BY "bar_time") AS "n" FROM "stocks_prod")
