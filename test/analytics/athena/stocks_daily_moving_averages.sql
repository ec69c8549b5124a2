CREATE OR REPLACE VIEW "stocks_daily_moving_averages" AS
SELECT "ticker", "day", "bar_time", "close",
  CASE WHEN "d" >= 7 THEN avg("close") OVER (PARTITION BY "ticker" ORDER BY "day" ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) END AS "ma_7d",
  CASE WHEN "d" >= 30 THEN avg("close") OVER (PARTITION BY "ticker" ORDER BY "day" ROWS BETWEEN 29 PRECEDING AND CURRENT ROW) END AS "ma_30d"
FROM (
  SELECT "ticker", "day", "bar_time", "close", row_number() OVER (PARTITION BY "ticker" ORDER BY "day") AS "d"
  FROM (
    SELECT "ticker", date("bar_time") AS "day", max("bar_time") AS "bar_time", max_by("close", "bar_time") AS "close"
    FROM "stocks_prod"
    GROUP BY "ticker", date("bar_time")
  )
)
