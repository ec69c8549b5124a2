import type { Clock } from "../../lake/clock";
import { systemClock } from "../../lake/clock";
import type { StockBarRecord } from "../../pipeline/stocks";
import type { FetchRequest, LocationOutcome, Source } from "../source";
import { hashString, normalAt, uniformAt } from "./random";
import { validateRange } from "./range";

/** Options of the synthetic stocks source. */
export interface SyntheticStocksOptions {
  /** Same seed, same bars (default 42). */
  readonly seed?: number;
  readonly clock?: Clock;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Bars start at 14:00 … 20:00 UTC: the regular US session (14:30–21:00 UTC in winter), 7 bars a day. */
const FIRST_BAR_HOUR = 14;
const BARS_PER_DAY = 7;
/** Bar 0 opens on Monday 2024-01-01 14:00 UTC; bars are counted in weekday sessions from there. */
const ORIGIN_MS = Date.UTC(2024, 0, 1);
const BARS_PER_YEAR = 252 * BARS_PER_DAY;
/** Streams of the counter-based generator: one per kind of draw, so they never share numbers. */
const RETURN = 0;
const WICK_HIGH = 1;
const WICK_LOW = 2;
const VOLUME = 3;
const VWAP = 4;

/**
 * Deterministic hourly bars: a geometric Brownian motion per ticker over weekday session hours
 * (14:00–20:00 UTC bar starts; no holidays, no daylight saving, no overnight gap: each bar opens at
 * the previous close). Bar k's log-return is a counter-based normal of (seed, ticker, k), and the
 * price at bar k is the sum of returns since a fixed origin, so a bar is the same whatever range
 * is asked. Highs and lows add wicks beyond open/close, VWAP is the typical price, volume follows
 * the intraday U shape. Every record says `source: "synthetic"`. Variables are ignored.
 */
export class SyntheticStocksSource implements Source<StockBarRecord> {
  readonly name = "synthetic";
  private readonly seed: number;
  private readonly clock: Clock;

  constructor(options: SyntheticStocksOptions = {}) {
    this.seed = options.seed ?? 42;
    this.clock = options.clock ?? systemClock;
  }

  async *fetch(request: FetchRequest): AsyncIterable<LocationOutcome<StockBarRecord>> {
    const { startMs, hours } = validateRange(request.from, request.to);
    for (const location of request.locations) {
      yield { location, records: this.generate(location.name.trim().toUpperCase(), startMs, startMs + hours * HOUR_MS) };
    }
  }

  /** The bars of one ticker whose start lies in [startMs, endMs), in time order. */
  generate(ticker: string, startMs: number, endMs: number): StockBarRecord[] {
    const collectionTime = new Date(this.clock.now()).toISOString();
    const profile = profileOf(ticker);
    const stream = hashString(ticker);
    const first = barIndexAtOrAfter(startMs);
    const records: StockBarRecord[] = [];
    let logPrice = Math.log(profile.price0) + this.cumulativeReturn(stream, profile, first);
    for (let k = first; ; k++) {
      const timeMs = barStartMs(k);
      if (timeMs >= endMs) break;
      const r = this.returnAt(stream, profile, k);
      const open = Math.exp(logPrice);
      const close = Math.exp(logPrice + r);
      logPrice += r;
      records.push(this.bar(ticker, stream, profile, k, timeMs, open, close, collectionTime));
    }
    return records;
  }

  private bar(ticker: string, stream: number, profile: Profile, k: number, timeMs: number, o: number, c: number, collectionTime: string): StockBarRecord {
    const wickHigh = Math.abs(normalAt(this.seed, stream + WICK_HIGH, k)) * profile.sigmaBar * 0.6;
    const wickLow = Math.abs(normalAt(this.seed, stream + WICK_LOW, k)) * profile.sigmaBar * 0.6;
    // Rounding to cents is monotonic, so high ≥ max(open, close) and low ≤ min(open, close) survive it.
    const open = cents(o);
    const close = cents(c);
    const high = cents(Math.max(o, c) * Math.exp(wickHigh));
    const low = cents(Math.min(o, c) * Math.exp(-wickLow));
    const typical = (high + low + close) / 3 + (uniformAt(this.seed, stream + VWAP, k) - 0.5) * 0.2 * (high - low);
    const vwap = Math.min(high, Math.max(low, Math.round(typical * 10_000) / 10_000));
    const slot = k % BARS_PER_DAY;
    // Busier at the open and the close (the intraday "U").
    const shape = 1 + 0.8 * ((slot - (BARS_PER_DAY - 1) / 2) / ((BARS_PER_DAY - 1) / 2)) ** 2;
    const volume = Math.max(100, Math.round(profile.volume * shape * Math.exp(0.35 * normalAt(this.seed, stream + VOLUME, k))));
    return {
      ticker,
      bar_time: new Date(timeMs).toISOString().slice(0, 19) + "Z",
      open,
      high,
      low,
      close,
      volume,
      vwap,
      trades: Math.max(1, Math.round(volume / profile.tradeSize)),
      hourly_var: cents(high - low),
      collection_time: collectionTime,
      source: "synthetic",
    };
  }

  private returnAt(stream: number, profile: Profile, k: number): number {
    return profile.drift + profile.sigmaBar * normalAt(this.seed, stream + RETURN, k);
  }

  /** Sum of returns from the origin to bar `k` (negative side: minus the returns in between). */
  private cumulativeReturn(stream: number, profile: Profile, k: number): number {
    let sum = 0;
    if (k >= 0) for (let j = 0; j < k; j++) sum += this.returnAt(stream, profile, j);
    else for (let j = k; j < 0; j++) sum -= this.returnAt(stream, profile, j);
    return sum;
  }
}

interface Profile {
  readonly price0: number;
  readonly drift: number;
  readonly sigmaBar: number;
  readonly volume: number;
  readonly tradeSize: number;
}

/** A per-ticker level, volatility and liquidity drawn from the ticker's name (not from the seed). */
function profileOf(ticker: string): Profile {
  const h = hashString(`profile|${ticker}`);
  const u = (i: number) => uniformAt(h, 7, i);
  const sigmaYear = 0.2 + 0.4 * u(1);
  const sigmaBar = sigmaYear / Math.sqrt(BARS_PER_YEAR);
  return {
    price0: Math.round(20 + 480 * u(0)),
    // 8 %/year expected growth; the −σ²/2 term keeps the median on it.
    drift: 0.08 / BARS_PER_YEAR - (sigmaBar * sigmaBar) / 2,
    sigmaBar,
    volume: 1e6 + 9e6 * u(2),
    tradeSize: 80 + 120 * u(3),
  };
}

/** Start (ms) of session bar `k`, counting weekday bars from the origin Monday. */
export function barStartMs(k: number): number {
  const day = Math.floor(k / BARS_PER_DAY);
  const slot = k - day * BARS_PER_DAY;
  const week = Math.floor(day / 5);
  const weekday = day - week * 5;
  return ORIGIN_MS + (week * 7 + weekday) * DAY_MS + (FIRST_BAR_HOUR + slot) * HOUR_MS;
}

/** Index of the first session bar that starts at or after `ms`. */
export function barIndexAtOrAfter(ms: number): number {
  const dayNumber = Math.floor((ms - ORIGIN_MS) / DAY_MS);
  const week = Math.floor(dayNumber / 7);
  const weekday = dayNumber - week * 7;
  if (weekday >= 5) return (week + 1) * 5 * BARS_PER_DAY;
  const base = (week * 5 + weekday) * BARS_PER_DAY;
  const sessionStartMs = ORIGIN_MS + dayNumber * DAY_MS + FIRST_BAR_HOUR * HOUR_MS;
  const slot = Math.max(0, Math.ceil((ms - sessionStartMs) / HOUR_MS));
  return base + Math.min(slot, BARS_PER_DAY);
}

function cents(value: number): number {
  return Math.round(value * 100) / 100;
}
