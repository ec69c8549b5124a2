import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAnalyticsViews, emaLookback } from "../../packages/core/src/analytics";
import { stocksDataset } from "../../packages/core/src/pipeline/stocks";
import type { LocalRuntime } from "../../packages/core/src/runtime/local";
import { removeLake, tempLake } from "../cli/sluice";
import { stockBars } from "./generators";
import * as ref from "./reference";
import { expectRows, publishRecords, readView, twinOn } from "./twin";

type Row = Record<string, unknown>;
const perBar = (r: Row) => `${String(r.ticker)}|${String(r.bar_time)}`;

describe("stock analytics views on the twin", () => {
  const state: { lake?: string; runtime?: LocalRuntime; bars: ref.Bar[] } = { bars: [] };

  beforeAll(async () => {
    // Prepare: generated bars published as stocks_prod (the run engine does not run stocks yet).
    state.lake = await tempLake("analytics-stocks");
    state.runtime = twinOn(state.lake);
    const warehouse = await state.runtime.warehouse();
    await publishRecords(warehouse, stocksDataset, stockBars());
    await createAnalyticsViews(warehouse, stocksDataset);
    const rows = (await warehouse.query(`SELECT "ticker", "bar_time", "close" FROM "stocks_prod"`)).rows;
    state.bars = rows.map((r) => ({ ticker: String(r.ticker), time: Date.parse(String(r.bar_time)), close: Number(r.close) }));
  });
  afterAll(async () => {
    await state.runtime?.close();
    if (state.lake) await removeLake(state.lake);
  });

  it("publishes a series longer than the slowest EMA's look-back", () => {
    const longest = Math.max(...["AAPL", "MSFT", "NVDA"].map((t) => state.bars.filter((b) => b.ticker === t).length));
    expect(longest).toBeGreaterThan(emaLookback(26) + 50);
    expect(state.bars).toHaveLength(700 + 150 + 45);
  });

  it("stocks_moving_averages matches 7- and 30-bar SMAs, named _bars (NULL until the window is full)", async () => {
    expectRows(await readView(state.runtime!, "stocks_moving_averages"), ref.stockMovingAverages(state.bars), perBar);
  });

  it("stocks_daily_moving_averages matches seed 004's 7- and 30-day SMAs of the daily closes (NULL until the window is full)", async () => {
    const days = new Set(state.bars.map((b) => new Date(b.time).toISOString().slice(0, 10)));
    expect(days.size).toBeGreaterThan(30);
    expectRows(await readView(state.runtime!, "stocks_daily_moving_averages"), ref.stockDailyMovingAverages(state.bars), (r) => `${String(r.ticker)}|${String(r.day)}`);
  });

  it("stocks_macd matches EMA12 − EMA26 and its EMA9 signal computed by the recursion", async () => {
    expectRows(await readView(state.runtime!, "stocks_macd"), ref.stockMacd(state.bars), perBar);
  });

  it("stocks_bollinger matches a 20-bar SMA ± 2 population σ", async () => {
    expectRows(await readView(state.runtime!, "stocks_bollinger"), ref.stockBollinger(state.bars), perBar);
  });

  it("stocks_volatility matches the sample σ of the last 20 bar returns", async () => {
    expectRows(await readView(state.runtime!, "stocks_volatility"), ref.stockVolatility(state.bars), perBar);
  });

  it("stocks_daily_change matches the % change of each day's last close", async () => {
    expectRows(await readView(state.runtime!, "stocks_daily_change"), ref.stockDailyChange(state.bars), (r) => `${String(r.ticker)}|${String(r.day)}`);
  });
});
