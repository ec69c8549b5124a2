import type { AirQualityRecord } from "../../packages/core/src/pipeline/air-quality";
import type { StockBarRecord } from "../../packages/core/src/pipeline/stocks";

/** Deterministic uniform numbers in [0, 1) (mulberry32): the same data on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOUR = 3_600_000;

/**
 * Hourly bars, seven a weekday (14:00–20:00 UTC), as a geometric random walk. AAPL gets 700 bars,
 * more than the slowest EMA's look-back (599 bars), so the truncated weighted sum is tested too.
 */
export function stockBars(): StockBarRecord[] {
  const random = seededRandom(42);
  const out: StockBarRecord[] = [];
  for (const [ticker, count, start] of [["AAPL", 700, 190], ["MSFT", 150, 410], ["NVDA", 45, 140]] as const) {
    let close = start;
    let day = Date.UTC(2024, 5, 3);
    let n = 0;
    while (n < count) {
      const weekday = new Date(day).getUTCDay();
      if (weekday !== 0 && weekday !== 6) {
        // Some days have fewer bars (half sessions): the day's last close is not always 20:00.
        const bars = random() < 0.1 ? 4 : 7;
        for (let h = 0; h < bars && n < count; h += 1, n += 1) {
          const open = close;
          close = open * Math.exp(0.01 * (random() - 0.5));
          const high = Math.max(open, close) * (1 + 0.002 * random());
          const low = Math.min(open, close) * (1 - 0.002 * random());
          const time = new Date(day + (14 + h) * HOUR).toISOString();
          out.push({ ticker, bar_time: time, open, high, low, close, volume: Math.round(1e5 * (1 + random())), vwap: (high + low + close) / 3, trades: 1000, hourly_var: high - low, collection_time: time, source: "synthetic" });
        }
      }
      day += 24 * HOUR;
    }
  }
  return out;
}

/**
 * Four days of hourly values for three stations and the four WHO parameters, around the guideline
 * levels so some days exceed; some hours are missing, some values NULL, one station's day is short
 * (incomplete), and a `co` series in ppm must stay out of the exceedances.
 */
export function airQualityRecords(): AirQualityRecord[] {
  const random = seededRandom(7);
  const levels: Record<string, [number, string]> = { pm25: [15, "µg/m³"], pm10: [42, "µg/m³"], no2: [24, "µg/m³"], o3: [85, "µg/m³"], co: [0.4, "ppm"] };
  const out: AirQualityRecord[] = [];
  const start = Date.UTC(2024, 10, 24, 1);
  for (const [id, location] of [[101, "Paris Centre"], [202, "London Marylebone"], [303, "Berlin Mitte"]] as const) {
    for (const [parameter, [level, unit]] of Object.entries(levels)) {
      for (let h = 0; h < 96; h += 1) {
        if (random() < 0.08) continue; // a missing hour
        if (id === 303 && h >= 30 && h < 40) continue; // an outage: day 2 of Berlin is incomplete
        const swing = 1 + 0.6 * Math.sin((2 * Math.PI * (h + id)) / 24) + 0.4 * (random() - 0.5);
        const time = new Date(start + h * 3_600_000).toISOString();
        out.push({
          location, location_id: id, sensor_id: id * 10, latitude: 48.85, longitude: 2.35, parameter, unit,
          value: random() < 0.05 ? null : level * swing, measurement_time: time, collection_time: time, source: "synthetic",
        });
      }
    }
  }
  return out;
}
