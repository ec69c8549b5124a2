// Independent TypeScript computations of the analytics views: plain loops over the rows, written
// from the definitions (not from the SQL). Times are epoch milliseconds; days are `YYYY-MM-DD` (UTC).

const HOUR = 3_600_000;

/** UTC date of an instant. */
export const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const iso = (ms: number): string => new Date(ms).toISOString();

function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Standard deviation, `sample` (n − 1) or population (n). */
function stddev(values: readonly number[], sample: boolean): number | null {
  const m = mean(values);
  if (m === null || (sample && values.length < 2)) return null;
  let squares = 0;
  for (const v of values) squares += (v - m) ** 2;
  return Math.sqrt(squares / (sample ? values.length - 1 : values.length));
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    if (!out.has(k)) out.set(k, []);
    out.get(k)!.push(row);
  }
  return out;
}

const nonNull = (values: readonly (number | null)[]): number[] => values.filter((v): v is number => v !== null);

// ---------------------------------------------------------------- weather

export interface Reading {
  readonly city: string;
  readonly time: number;
  readonly temperature: number | null;
}

function summary(rows: readonly Reading[]) {
  const values = nonNull(rows.map((r) => r.temperature));
  return {
    avg_temperature: mean(values),
    min_temperature: values.length ? Math.min(...values) : null,
    max_temperature: values.length ? Math.max(...values) : null,
    readings: values.length,
  };
}

export function weatherHourlyStats(rows: readonly Reading[]) {
  return [...groupBy(rows, (r) => `${r.city}|${Math.floor(r.time / HOUR)}`).values()].map((g) => ({
    city: g[0]!.city,
    hour: iso(Math.floor(g[0]!.time / HOUR) * HOUR),
    ...summary(g),
  }));
}

export function weatherDailyStats(rows: readonly Reading[]) {
  return [...groupBy(rows, (r) => `${r.city}|${dayOf(r.time)}`).values()].map((g) => ({ city: g[0]!.city, day: dayOf(g[0]!.time), ...summary(g) }));
}

/** The reading of the same city exactly one hour earlier, looked up by time (no row order). */
export function weatherHourlyChange(rows: readonly Reading[]) {
  const byCityHour = new Map(rows.map((r) => [`${r.city}|${r.time}`, r]));
  return rows.map((r) => {
    const previous = byCityHour.get(`${r.city}|${r.time - HOUR}`);
    const change = previous && r.temperature !== null && previous.temperature !== null ? r.temperature - previous.temperature : null;
    return { city: r.city, measurement_time: iso(r.time), temperature: r.temperature, previous_temperature: previous ? previous.temperature : null, temperature_change: change };
  });
}

export function weatherRolling3h(rows: readonly Reading[]) {
  const out = [];
  for (const group of groupBy(rows, (r) => r.city).values()) {
    const sorted = [...group].sort((a, b) => a.time - b.time);
    for (let k = 0; k < sorted.length; k += 1) {
      const window = sorted.slice(Math.max(0, k - 2), k + 1).map((r) => r.temperature);
      out.push({ city: sorted[k]!.city, measurement_time: iso(sorted[k]!.time), temperature: sorted[k]!.temperature, rolling_avg_3h: mean(nonNull(window)) });
    }
  }
  return out;
}

export function weatherCityStddev(rows: readonly Reading[]) {
  return [...groupBy(rows, (r) => r.city).values()].map((g) => {
    const values = nonNull(g.map((r) => r.temperature));
    return { city: g[0]!.city, avg_temperature: mean(values), stddev_temperature: stddev(values, true), readings: values.length };
  });
}

export function weatherHourOfDay(rows: readonly Reading[]) {
  return [...groupBy(rows, (r) => `${r.city}|${new Date(r.time).getUTCHours()}`).values()].map((g) => {
    const values = nonNull(g.map((r) => r.temperature));
    return { city: g[0]!.city, hour_of_day: new Date(g[0]!.time).getUTCHours(), avg_temperature: mean(values), readings: values.length };
  });
}

// ---------------------------------------------------------------- stocks

export interface Bar {
  readonly ticker: string;
  readonly time: number;
  readonly close: number;
}

/** Bars of each ticker in time order. */
function series(bars: readonly Bar[]): Bar[][] {
  return [...groupBy(bars, (b) => b.ticker).values()].map((g) => [...g].sort((a, b) => a.time - b.time));
}

/** EMA by its recursion, started at the first value: e_0 = x_0, e_t = α x_t + (1 − α) e_(t−1), α = 2 / (N + 1). */
export function ema(values: readonly number[], period: number): number[] {
  const alpha = 2 / (period + 1);
  const out: number[] = [];
  for (const [t, x] of values.entries()) out.push(t === 0 ? x : alpha * x + (1 - alpha) * out[t - 1]!);
  return out;
}

/** Mean of the last n closes up to k, or null before n bars. */
function trailing(closes: readonly number[], k: number, n: number): number[] | null {
  return k + 1 >= n ? closes.slice(k + 1 - n, k + 1) : null;
}

export function stockMovingAverages(bars: readonly Bar[]) {
  return series(bars).flatMap((s) => {
    const closes = s.map((b) => b.close);
    return s.map((b, k) => ({ ticker: b.ticker, bar_time: iso(b.time), close: b.close, ma_7_bars: mean(trailing(closes, k, 7) ?? []), ma_30_bars: mean(trailing(closes, k, 30) ?? []) }));
  });
}

export function stockMacd(bars: readonly Bar[]) {
  return series(bars).flatMap((s) => {
    const closes = s.map((b) => b.close);
    const fast = ema(closes, 12);
    const slow = ema(closes, 26);
    const macd = fast.map((f, k) => f - slow[k]!);
    const signal = ema(macd, 9);
    return s.map((b, k) => ({ ticker: b.ticker, bar_time: iso(b.time), close: b.close, ema_12: fast[k]!, ema_26: slow[k]!, macd: macd[k]!, signal: signal[k]!, histogram: macd[k]! - signal[k]! }));
  });
}

export function stockBollinger(bars: readonly Bar[]) {
  return series(bars).flatMap((s) => {
    const closes = s.map((b) => b.close);
    return s.map((b, k) => {
      const window = trailing(closes, k, 20);
      const sma = window ? mean(window)! : null;
      const sd = window ? stddev(window, false)! : null;
      return { ticker: b.ticker, bar_time: iso(b.time), close: b.close, sma_20: sma, stddev_20: sd, upper_band: sma === null ? null : sma + 2 * sd!, lower_band: sma === null ? null : sma - 2 * sd! };
    });
  });
}

export function stockVolatility(bars: readonly Bar[]) {
  return series(bars).flatMap((s) => {
    const returns = s.map((b, k) => (k === 0 ? null : b.close / s[k - 1]!.close - 1));
    return s.map((b, k) => ({
      ticker: b.ticker,
      bar_time: iso(b.time),
      close: b.close,
      bar_return: returns[k]!,
      // The last 20 returns; the first bar has none, so bar 20 is the first with 20.
      volatility_20: k >= 20 ? stddev(returns.slice(k - 19, k + 1) as number[], true) : null,
    }));
  });
}

/** Seed 004's 7- and 30-day moving averages: the mean of the last n daily closes (days with bars), one row per day at its last bar. */
export function stockDailyMovingAverages(bars: readonly Bar[]) {
  return series(bars).flatMap((s) => {
    const lastOfDay = new Map<string, Bar>();
    for (const b of s) lastOfDay.set(dayOf(b.time), b);
    const days = [...lastOfDay.keys()].sort();
    const closes = days.map((day) => lastOfDay.get(day)!.close);
    return days.map((day, k) => ({
      ticker: s[0]!.ticker,
      day,
      bar_time: iso(lastOfDay.get(day)!.time),
      close: closes[k]!,
      ma_7d: mean(trailing(closes, k, 7) ?? []),
      ma_30d: mean(trailing(closes, k, 30) ?? []),
    }));
  });
}

export function stockDailyChange(bars: readonly Bar[]) {
  return series(bars).flatMap((s) => {
    const lastOfDay = new Map<string, Bar>();
    for (const b of s) lastOfDay.set(dayOf(b.time), b); // time order: the last write is the day's last bar
    const days = [...lastOfDay.keys()].sort();
    return days.map((day, k) => {
      const close = lastOfDay.get(day)!.close;
      const previous = k > 0 ? lastOfDay.get(days[k - 1]!)!.close : null;
      return { ticker: s[0]!.ticker, day, last_close: close, previous_day: k > 0 ? days[k - 1]! : null, previous_close: previous, pct_change: previous === null ? null : ((close - previous) / previous) * 100 };
    });
  });
}

// ---------------------------------------------------------------- air quality

export interface Measurement {
  readonly location_id: number;
  readonly location: string;
  readonly parameter: string;
  readonly unit: string;
  readonly value: number | null;
  /** End of the hourly averaging period. */
  readonly time: number;
}

/** The day an hourly value belongs to: that of its averaging period (the hour ending at 00:00 is the day before). */
const periodDay = (m: Measurement): string => dayOf(m.time - HOUR);

export function airQualityDailyMean(rows: readonly Measurement[]) {
  return [...groupBy(rows, (m) => `${m.location_id}|${m.parameter}|${m.unit}|${periodDay(m)}`).values()].map((g) => {
    const values = nonNull(g.map((m) => m.value));
    return { location_id: g[0]!.location_id, location: g[0]!.location, parameter: g[0]!.parameter, unit: g[0]!.unit, day: periodDay(g[0]!), mean_value: mean(values), hours: values.length };
  });
}

const WHO: Record<string, number> = { pm25: 15, pm10: 45, no2: 25, o3: 100 };

export function airQualityExceedances(rows: readonly Measurement[]) {
  const inUnit = rows.filter((m) => m.unit === "µg/m³");
  const out = [];
  const day24 = inUnit.filter((m) => m.parameter === "pm25" || m.parameter === "pm10" || m.parameter === "no2");
  for (const g of groupBy(day24, (m) => `${m.location_id}|${m.parameter}|${periodDay(m)}`).values()) {
    const values = nonNull(g.map((m) => m.value));
    out.push({ location_id: g[0]!.location_id, location: g[0]!.location, parameter: g[0]!.parameter, day: periodDay(g[0]!), metric: "24h_mean", value: mean(values), periods: values.length });
  }
  // o3: at each hour present, the mean of the values whose hour ends within the 8 hours up to it.
  for (const station of groupBy(inUnit.filter((m) => m.parameter === "o3"), (m) => String(m.location_id)).values()) {
    const valid: { day: string; mean: number }[] = [];
    for (const anchor of station) {
      const window = nonNull(station.filter((m) => m.time <= anchor.time && m.time >= anchor.time - 7 * HOUR).map((m) => m.value));
      if (window.length >= 6) valid.push({ day: periodDay(anchor), mean: mean(window)! });
    }
    for (const g of groupBy(valid, (v) => v.day).values()) {
      out.push({ location_id: station[0]!.location_id, location: station[0]!.location, parameter: "o3", day: g[0]!.day, metric: "max_8h_mean", value: Math.max(...g.map((v) => v.mean)), periods: g.length });
    }
  }
  return out.map((row) => ({
    ...row,
    guideline: WHO[row.parameter]!,
    complete: row.periods >= 18,
    exceeds: row.periods >= 18 && row.value !== null && row.value > WHO[row.parameter]!,
  }));
}
