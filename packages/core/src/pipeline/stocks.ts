import { arrivalHourFirehose, arrivalHourPartitionKeys, tablesOf } from "./conventions";
import type { DatasetDefinition, RunFacts } from "./types";

/** The "Magnificent 7" of seeds 001 and 004: the default tickers. */
export const DEFAULT_TICKERS = ["AAPL", "MSFT", "GOOGL", "AMZN", "NVDA", "META", "TSLA"] as const;

/** A stock bar as sent to Firehose (Polygon-style hourly aggregates, seed 001). */
export interface StockBarRecord {
  ticker: string;
  /** Start of the bar, UTC ISO-8601 (`2024-11-25T14:00:00Z`). */
  bar_time: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  vwap: number | null;
  trades: number | null;
  /** high − low, seed 001's DQ column. */
  hourly_var: number | null;
  collection_time: string;
  source: string;
}

/**
 * Seed 001's gate: no NULL in `hourly_var`, at least as many distinct tickers as requested (seven
 * by default), one bar per ticker and hour, and prices that make sense.
 */
function stockRules(facts: RunFacts): string {
  const inRange = `where "bar_time >= TIMESTAMP '${facts.from} 00:00:00' and bar_time <= TIMESTAMP '${facts.to} 23:59:59'"`;
  return `Rules = [
    RowCount > 0,
    IsComplete "hourly_var",
    IsComplete "close",
    IsPrimaryKey "ticker" "bar_time",
    DistinctValuesCount "ticker" >= ${facts.locationCount} ${inRange},
    ColumnValues "volume" >= 0,
    CustomSql "select count(*) from primary where high < low or close > high or close < low" = 0,
    ColumnValues "collection_count" <= 3 labels=["severity"="warning"]
]`;
}

/** The `stocks` dataset: hourly bars per ticker, partitioned by ticker and arrival hour. */
export const stocksDataset: DatasetDefinition = {
  name: "stocks",
  description: "Hourly stock bars per ticker from a Polygon-style aggregates API (or the synthetic source)",
  recordSchema: [
    { name: "ticker", type: "string", nullable: false, description: "Ticker symbol" },
    { name: "bar_time", type: "string", nullable: false, description: "Start of the hourly bar, UTC ISO-8601" },
    { name: "open", type: "double", nullable: false, description: "Open price" },
    { name: "high", type: "double", nullable: false, description: "High price" },
    { name: "low", type: "double", nullable: false, description: "Low price" },
    { name: "close", type: "double", nullable: false, description: "Close price" },
    { name: "volume", type: "double", nullable: false, description: "Traded volume" },
    { name: "vwap", type: "double", nullable: true, description: "Volume-weighted average price" },
    { name: "trades", type: "double", nullable: true, description: "Number of trades" },
    { name: "hourly_var", type: "double", nullable: true, description: "high − low" },
    { name: "collection_time", type: "string", nullable: false, description: "When sluice fetched the bar, UTC ISO-8601" },
    { name: "source", type: "string", nullable: false, description: "polygon or synthetic" },
  ],
  rawPartitionKeys: arrivalHourPartitionKeys("ticker"),
  firehose: arrivalHourFirehose("stocks", "ticker", "ticker"),
  tables: tablesOf("stocks"),
  transform: {
    keyColumns: ["ticker", "bar_time"],
    collectedAt: "collection_time",
    dedup: "first",
    timestampColumns: ["bar_time", "collection_time"],
    timeColumn: "bar_time",
    derivedColumns: {},
    partitionBy: ["yr_mo_partition"],
    parquetCompression: "ZSTD",
  },
  dqRules: stockRules,
  keepVersions: 3,
  schedule: "rate(1 hour)",
};
