CREATE OR REPLACE VIEW "stocks_daily_change" AS
SELECT "ticker", "day", "last_close", "previous_day", "previous_close",
  100 * ("last_close" - "previous_close") / "previous_close" AS "pct_change"
FROM (
  SELECT "ticker", "day", "last_close",
    lag("day") OVER (PARTITION BY "ticker" ORDER BY "day") AS "previous_day",
    lag("last_close") OVER (PARTITION BY "ticker" ORDER BY "day") AS "previous_close"
  FROM (
    SELECT "ticker", date("bar_time") AS "day", max_by("close", "bar_time") AS "last_close"
    FROM "stocks_prod"
    GROUP BY "ticker", date("bar_time")
  )
)
