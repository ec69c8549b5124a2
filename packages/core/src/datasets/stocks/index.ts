import { STOCK_VIEWS, STOCK_WINDOWS as W } from "../../analytics/stocks-views";
import type { MetricSource } from "../../api/series-datasets";
import { DEFAULT_TICKERS, stocksDataset } from "../../pipeline/stocks";
import { PolygonSource } from "../../sources/polygon/index";
import { SyntheticStocksSource } from "../../sources/synthetic/stocks";
import { requiredKey } from "../api-key";
import type { DatasetModule } from "../module";
import { InvalidSubjectError, given, namedSubjects, refuseFields } from "../subject-rules";

const TICKER_RE = /^[A-Z][A-Z0-9.-]{0,11}$/;

const price = (column: string, view?: string): MetricSource => ({ column, unit: "USD", ...(view ? { view } : {}) });

/** Seeds 001 and 004's hourly stock bars per ticker: Polygon (POLYGON_API_KEY), or the synthetic source. */
export const stocks: DatasetModule = {
  definition: stocksDataset,
  sources: {
    polygon: ({ polygonApiKey, baseUrl, clock, logger }) => new PolygonSource({ apiKey: requiredKey(polygonApiKey, "POLYGON_API_KEY", "stocks"), baseUrl, clock, logger }),
    synthetic: ({ seed, clock }) => new SyntheticStocksSource({ seed, clock }),
  },
  scheduledSource: "polygon",
  subjects: {
    noun: "ticker",
    field: "tickers",
    scheduledDefaults: DEFAULT_TICKERS,
    resolve(request) {
      refuseFields("stocks", request, "cities", "custom", "stations");
      const tickers = given(request, "tickers") ? request.tickers!.map((t) => t.trim().toUpperCase()) : [...DEFAULT_TICKERS];
      const bad = tickers.find((t) => !TICKER_RE.test(t));
      if (bad !== undefined) throw new InvalidSubjectError("tickers", `"${bad}" is not a ticker symbol`);
      return namedSubjects("tickers", tickers);
    },
  },
  variables: { defaults: [] },
  views: STOCK_VIEWS,
  series: {
    subjectParam: "ticker",
    subjectColumn: "ticker",
    defaultMetric: "close",
    metrics: {
      close: price("close"),
      open: price("open"),
      high: price("high"),
      low: price("low"),
      volume: { column: "volume", unit: "shares" },
      vwap: price("vwap"),
      // Seed 004's 7- and 30-day averages (one point a day, at its last bar); the bar windows say so.
      ma_7d: price("ma_7d", "stocks_daily_moving_averages"),
      ma_30d: price("ma_30d", "stocks_daily_moving_averages"),
      ma_7_bars: price("ma_7_bars", "stocks_moving_averages"),
      ma_30_bars: price("ma_30_bars", "stocks_moving_averages"),
      // Seed 001's hourly variation (high − low) per ticker.
      hourly_var: price("hourly_var"),
      bollinger_upper: price("upper_band", "stocks_bollinger"),
      bollinger_lower: price("lower_band", "stocks_bollinger"),
      macd: price("macd", "stocks_macd"),
      signal: price("signal", "stocks_macd"),
    },
    // Two charts per ticker (seed 004's view): the close with its averages and bands, then MACD.
    charts: [
      {
        name: "price",
        title: `Close with MA ${W.shortMovingAverageDays} and ${W.longMovingAverageDays} days and Bollinger bands (${W.bollinger} bars, ±${W.bollingerWidth}σ)`,
        layout: "metrics",
        height: 260,
        lines: [
          { metric: "close", label: "close", color: "#1d2733", width: 2 },
          { metric: "ma_7d", label: `MA ${W.shortMovingAverageDays} days`, color: "#f2994a", width: 1.5, joined: true },
          { metric: "ma_30d", label: `MA ${W.longMovingAverageDays} days`, color: "#9b51e0", width: 1.5, joined: true },
          { metric: "bollinger_upper", label: "Bollinger upper", color: "#8895a3", width: 1, dashed: true },
          { metric: "bollinger_lower", label: "Bollinger lower", color: "#8895a3", width: 1, dashed: true },
        ],
      },
      {
        name: "macd",
        title: `MACD (${W.macdFast}, ${W.macdSlow}) and signal (${W.macdSignal})`,
        layout: "metrics",
        height: 160,
        lines: [
          { metric: "macd", label: "MACD", color: "#2f80ed", width: 1.5 },
          { metric: "signal", label: "signal", color: "#eb5757", width: 1.5 },
        ],
      },
    ],
    initialSubjects: 2,
  },
  secrets: ["POLYGON_API_KEY"],
};
