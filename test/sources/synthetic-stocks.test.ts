import { describe, expect, it } from "vitest";
import { ManualClock } from "../../packages/core/src/lake/clock";
import { DEFAULT_TICKERS, stocksDataset } from "../../packages/core/src/pipeline/stocks";
import type { StockBarRecord } from "../../packages/core/src/pipeline/stocks";
import type { FetchRequest } from "../../packages/core/src/sources/source";
import { SyntheticStocksSource, barIndexAtOrAfter, barStartMs } from "../../packages/core/src/sources/synthetic/stocks";

const clock = new ManualClock(Date.parse("2024-12-01T10:00:00.000Z"));
const tickers = DEFAULT_TICKERS.map((name) => ({ name, latitude: 0, longitude: 0 }));

async function bars(source: SyntheticStocksSource, request: Omit<FetchRequest, "variables">): Promise<Map<string, StockBarRecord[]>> {
  const out = new Map<string, StockBarRecord[]>();
  for await (const outcome of source.fetch({ ...request, variables: [] })) out.set(outcome.location.name, [...outcome.records!]);
  return out;
}

describe("SyntheticStocksSource", () => {
  it("is deterministic per seed and changes with the seed", async () => {
    // Prepare
    const request = { from: "2024-11-25", to: "2024-11-29", locations: tickers };

    // Act
    const a = await bars(new SyntheticStocksSource({ seed: 7, clock }), request);
    const b = await bars(new SyntheticStocksSource({ seed: 7, clock }), request);
    const c = await bars(new SyntheticStocksSource({ seed: 8, clock }), request);

    // Assess
    expect(a).toEqual(b);
    expect(a.get("AAPL")!.map((r) => r.close)).not.toEqual(c.get("AAPL")!.map((r) => r.close));
  });

  it("gives the same bar for a day whatever range is asked around it", async () => {
    // Prepare
    const source = new SyntheticStocksSource({ clock });

    // Act
    const oneDay = await bars(source, { from: "2024-11-27", to: "2024-11-27", locations: tickers });
    const month = await bars(source, { from: "2024-11-01", to: "2024-12-31", locations: tickers });

    // Assess
    for (const { name } of tickers) {
      const inMonth = month.get(name)!.filter((r) => r.bar_time.startsWith("2024-11-27"));
      expect(inMonth).toEqual(oneDay.get(name));
      expect(inMonth).toHaveLength(7);
    }
  });

  it("produces plausible bars on weekday session hours only", async () => {
    // Prepare
    const source = new SyntheticStocksSource({ clock });

    // Act: a quarter, before and after the generator's 2024-01-01 origin.
    const all = await bars(source, { from: "2023-11-15", to: "2024-02-15", locations: tickers });

    // Assess
    for (const [ticker, records] of all) {
      expect(records.length).toBeGreaterThan(400);
      for (const [i, r] of records.entries()) {
        expect(r.high).toBeGreaterThanOrEqual(Math.max(r.open, r.close));
        expect(r.low).toBeLessThanOrEqual(Math.min(r.open, r.close));
        expect(r.low).toBeGreaterThan(0);
        expect(r.volume).toBeGreaterThan(0);
        expect(r.vwap!).toBeGreaterThanOrEqual(r.low);
        expect(r.vwap!).toBeLessThanOrEqual(r.high);
        expect(r.trades!).toBeGreaterThan(0);
        expect(r.hourly_var).toBeCloseTo(r.high - r.low, 9);
        const t = new Date(r.bar_time);
        expect([1, 2, 3, 4, 5]).toContain(t.getUTCDay());
        expect(t.getUTCHours()).toBeGreaterThanOrEqual(14);
        expect(t.getUTCHours()).toBeLessThanOrEqual(20);
        // No gaps: each bar opens at the previous close.
        if (i > 0) expect(r.open).toBe(records[i - 1]!.close);
        expect(r.ticker).toBe(ticker);
        expect(r.source).toBe("synthetic");
      }
      // Hourly moves of a large-cap: well under 5 % per bar.
      const moves = records.map((r) => Math.abs(Math.log(r.close / r.open)));
      expect(Math.max(...moves)).toBeLessThan(0.05);
    }
    expect(Object.keys(all.get("AAPL")![0]!)).toEqual(stocksDataset.recordSchema.map((c) => c.name));
  });

  it("has no bars on a weekend and upper-cases tickers", async () => {
    // Prepare
    const source = new SyntheticStocksSource({ clock });

    // Act
    const weekend = await bars(source, { from: "2024-11-23", to: "2024-11-24", locations: [{ name: "aapl", latitude: 0, longitude: 0 }] });
    const monday = await bars(source, { from: "2024-11-25", to: "2024-11-25", locations: [{ name: "aapl", latitude: 0, longitude: 0 }] });

    // Assess
    expect(weekend.get("aapl")).toEqual([]);
    expect(monday.get("aapl")!.map((r) => r.bar_time.slice(11, 13))).toEqual(["14", "15", "16", "17", "18", "19", "20"]);
    expect(monday.get("aapl")![0]!.ticker).toBe("AAPL");
  });

  it("numbers session bars consistently in both directions from the origin", () => {
    // Prepare
    const indexes = [-3000, -8, -7, -1, 0, 1, 6, 7, 34, 35, 5000];

    // Act
    const roundTrips = indexes.map((k) => barIndexAtOrAfter(barStartMs(k)));
    const afterFriday = barIndexAtOrAfter(barStartMs(34) + 60_000);

    // Assess
    expect(roundTrips).toEqual(indexes);
    expect(afterFriday).toBe(35);
    expect(new Date(barStartMs(35)).toISOString()).toBe("2024-01-08T14:00:00.000Z");
  });
});
