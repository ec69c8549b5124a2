import { ident } from "../transform/athena-sql";
import { emaCte } from "./ema";
import type { AnalyticsView } from "./view";

/** Windows of the stock indicators: in bars (one bar = one hourly row of a ticker), the moving averages of seed 004 also in days. */
export const STOCK_WINDOWS = {
  shortMovingAverage: 7,
  longMovingAverage: 30,
  shortMovingAverageDays: 7,
  longMovingAverageDays: 30,
  macdFast: 12,
  macdSlow: 26,
  macdSignal: 9,
  bollinger: 20,
  bollingerWidth: 2,
  volatility: 20,
} as const;

const W = STOCK_WINDOWS;

/** `avg(close)` over the last n bars, NULL until n bars exist. */
function movingAverage(n: number, alias: string): string {
  return `CASE WHEN "n" >= ${n} THEN avg("close") OVER (PARTITION BY "ticker" ORDER BY "bar_time" ROWS BETWEEN ${n - 1} PRECEDING AND CURRENT ROW) END AS "${alias}"`;
}

const numberedBars = (prod: string): string =>
  `SELECT "ticker", "bar_time", "close", row_number() OVER (PARTITION BY "ticker" ORDER BY "bar_time") AS "n" FROM ${ident(prod)}`;

const movingAverages: AnalyticsView = {
  dataset: "stocks",
  name: "stocks_moving_averages",
  description: `Simple moving averages of the close over the last ${W.shortMovingAverage} and ${W.longMovingAverage} hourly bars per ticker (NULL until the window is full); the 7- and 30-day averages are stocks_daily_moving_averages`,
  sql: (t) => `SELECT "ticker", "bar_time", "close",
  ${movingAverage(W.shortMovingAverage, "ma_7_bars")},
  ${movingAverage(W.longMovingAverage, "ma_30_bars")}
FROM (${numberedBars(t.prod)})`,
};

/** `avg(close)` over the last n days with bars (each day its last close), NULL until n days exist. */
function dailyMovingAverage(n: number, alias: string): string {
  return `CASE WHEN "d" >= ${n} THEN avg("close") OVER (PARTITION BY "ticker" ORDER BY "day" ROWS BETWEEN ${n - 1} PRECEDING AND CURRENT ROW) END AS "${alias}"`;
}

// Seed 004's "Moving Averages (7-day, 30-day)": the mean of the last 7 / 30 daily closes (UTC days
// with bars, i.e. trading days), one row per ticker and day at the day's last bar.
const dailyMovingAverages: AnalyticsView = {
  dataset: "stocks",
  name: "stocks_daily_moving_averages",
  description: `Per ticker and UTC day: the day's last close and the simple moving averages of the last ${W.shortMovingAverageDays} and ${W.longMovingAverageDays} daily closes (days with bars; NULL until the window is full); bar_time is the day's last bar`,
  sql: (t) => `SELECT "ticker", "day", "bar_time", "close",
  ${dailyMovingAverage(W.shortMovingAverageDays, "ma_7d")},
  ${dailyMovingAverage(W.longMovingAverageDays, "ma_30d")}
FROM (
  SELECT "ticker", "day", "bar_time", "close", row_number() OVER (PARTITION BY "ticker" ORDER BY "day") AS "d"
  FROM (
    SELECT "ticker", date("bar_time") AS "day", max("bar_time") AS "bar_time", max_by("close", "bar_time") AS "close"
    FROM ${ident(t.prod)}
    GROUP BY "ticker", date("bar_time")
  )
)`,
};

const macd: AnalyticsView = {
  dataset: "stocks",
  name: "stocks_macd",
  description: `MACD per ticker: EMA${W.macdFast} − EMA${W.macdSlow} of the close, its EMA${W.macdSignal} signal and the histogram (EMAs start at the first value)`,
  sql: (t) => `WITH "bars" AS (
  SELECT "ticker", "bar_time", "close", row_number() OVER (PARTITION BY "ticker" ORDER BY "bar_time") - 1 AS "i" FROM ${ident(t.prod)}
),
${emaCte("ema_fast", "bars", "ticker", "close", W.macdFast)},
${emaCte("ema_slow", "bars", "ticker", "close", W.macdSlow)},
"lines" AS (
  SELECT f."ticker", f."i", f."ema" AS "ema_12", s."ema" AS "ema_26", f."ema" - s."ema" AS "macd"
  FROM "ema_fast" f JOIN "ema_slow" s ON s."ticker" = f."ticker" AND s."i" = f."i"
),
${emaCte("signal", "lines", "ticker", "macd", W.macdSignal)}
SELECT b."ticker", b."bar_time", b."close", l."ema_12", l."ema_26", l."macd", g."ema" AS "signal", l."macd" - g."ema" AS "histogram"
FROM "bars" b
JOIN "lines" l ON l."ticker" = b."ticker" AND l."i" = b."i"
JOIN "signal" g ON g."ticker" = b."ticker" AND g."i" = b."i"`,
};

// Bollinger's own definition uses the population standard deviation of the window.
const bollinger: AnalyticsView = {
  dataset: "stocks",
  name: "stocks_bollinger",
  description: `Bollinger bands per ticker: ${W.bollinger}-bar SMA of the close ± ${W.bollingerWidth} × the window's population standard deviation (NULL until ${W.bollinger} bars)`,
  sql: (t) => `SELECT "ticker", "bar_time", "close", "sma_20", "stddev_20",
  "sma_20" + ${W.bollingerWidth} * "stddev_20" AS "upper_band",
  "sma_20" - ${W.bollingerWidth} * "stddev_20" AS "lower_band"
FROM (
  SELECT "ticker", "bar_time", "close",
    ${movingAverage(W.bollinger, "sma_20")},
    CASE WHEN "n" >= ${W.bollinger} THEN stddev_pop("close") OVER (PARTITION BY "ticker" ORDER BY "bar_time" ROWS BETWEEN ${W.bollinger - 1} PRECEDING AND CURRENT ROW) END AS "stddev_20"
  FROM (${numberedBars(t.prod)})
)`,
};

// Returns are simple bar-to-bar returns; volatility is their sample standard deviation over the
// last 20 returns (not annualised), NULL until 20 returns exist.
const volatility: AnalyticsView = {
  dataset: "stocks",
  name: "stocks_volatility",
  description: `Bar return (close / previous close − 1) and its rolling sample standard deviation over the last ${W.volatility} returns per ticker`,
  sql: (t) => `SELECT "ticker", "bar_time", "close", "bar_return",
  CASE WHEN count("bar_return") OVER (PARTITION BY "ticker" ORDER BY "bar_time" ROWS BETWEEN ${W.volatility - 1} PRECEDING AND CURRENT ROW) = ${W.volatility}
    THEN stddev_samp("bar_return") OVER (PARTITION BY "ticker" ORDER BY "bar_time" ROWS BETWEEN ${W.volatility - 1} PRECEDING AND CURRENT ROW) END AS "volatility_20"
FROM (
  SELECT "ticker", "bar_time", "close",
    "close" / lag("close") OVER (PARTITION BY "ticker" ORDER BY "bar_time") - 1 AS "bar_return"
  FROM ${ident(t.prod)}
)`,
};

// Days are UTC dates of bar_time; the previous day is the previous day with bars (a trading day).
const dailyChange: AnalyticsView = {
  dataset: "stocks",
  name: "stocks_daily_change",
  description: "Last close of each UTC day per ticker and its % change from the last close of the previous day with bars",
  sql: (t) => `SELECT "ticker", "day", "last_close", "previous_day", "previous_close",
  100 * ("last_close" - "previous_close") / "previous_close" AS "pct_change"
FROM (
  SELECT "ticker", "day", "last_close",
    lag("day") OVER (PARTITION BY "ticker" ORDER BY "day") AS "previous_day",
    lag("last_close") OVER (PARTITION BY "ticker" ORDER BY "day") AS "previous_close"
  FROM (
    SELECT "ticker", date("bar_time") AS "day", max_by("close", "bar_time") AS "last_close"
    FROM ${ident(t.prod)}
    GROUP BY "ticker", date("bar_time")
  )
)`,
};

/** The stock views, in creation order. */
export const STOCK_VIEWS: readonly AnalyticsView[] = [movingAverages, dailyMovingAverages, macd, bollinger, volatility, dailyChange];
