import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../packages/core/src/log/logger";
import { pipeline } from "../../packages/core/src/pipeline/pipeline";
import { LocalRuntime } from "../../packages/core/src/runtime/local";
import { sluice, tempLake } from "../cli/sluice";
import { disposeRuntime, localApp } from "./lake";

type Series = { dataset: string; subjectParam: string; metric: string; parameter: string | null; unit: string | null; guideline: number | null; series: { subject: string; ticker?: string; location?: string; city?: string; points: [string, number | null][] }[] };
type Stats = { subjects: { subject: string; average: number; min: number; max: number; count: number }[]; cities?: unknown };
type ErrorBody = { error: { status: number; field?: string; reason?: string } };

const WEEK = ["--source", "synthetic", "--from", "2024-11-18", "--to", "2024-11-22"];

describe("GET /series and GET /stats over stocks and air_quality (synthetic week 2024-11-18..22)", () => {
  let runtime: LocalRuntime;
  let app: Awaited<ReturnType<typeof localApp>>["app"];

  beforeAll(async () => {
    const lake = await tempLake("api-datasets");
    for (const dataset of ["stocks", "air_quality"]) {
      const run = await sluice("run", "--dataset", dataset, ...WEEK, "--lake", lake);
      if (run.code !== 0) throw new Error(`sluice run --dataset ${dataset} exited ${run.code}: ${run.err}`);
    }
    runtime = new LocalRuntime({ lake, pipeline, logger: createLogger("silent") });
    ({ app } = await localApp(runtime));
  }, 60_000);
  afterAll(async () => {
    if (runtime) await disposeRuntime(runtime);
  });

  async function json<T>(path: string): Promise<T> {
    const res = await app.request(path);
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  }

  it("answers a ticker's hourly close (35 session bars) keyed by ticker, and the 7-bar MA from the analytics view starting at the 7th bar", async () => {
    // Act
    const close = await json<Series>("/series?dataset=stocks&ticker=AAPL&from=2024-11-18&to=2024-11-22");
    const ma7 = await json<Series>("/series?dataset=stocks&ticker=AAPL&from=2024-11-18&to=2024-11-22&metric=ma_7_bars");

    // Assess
    expect(close).toMatchObject({ dataset: "stocks", subjectParam: "ticker", metric: "close", parameter: null, guideline: null });
    expect(close.series.map((s) => [s.subject, s.ticker, s.points.length])).toEqual([["AAPL", "AAPL", 35]]);
    const values = ma7.series[0]!.points.map(([, v]) => v);
    expect(values.slice(0, 6)).toEqual([null, null, null, null, null, null]);
    const closes = close.series[0]!.points.slice(0, 7).map(([, v]) => v!);
    expect(values[6]).toBeCloseTo(closes.reduce((a, b) => a + b, 0) / 7, 2);
  });

  it("answers seed 004's 7-day MA one point a day (NULL before 7 days), and seed 001's hourly_var per bar", async () => {
    // Act
    const ma7d = await json<Series>("/series?dataset=stocks&ticker=AAPL&from=2024-11-18&to=2024-11-22&metric=ma_7d");
    const variation = await json<Series>("/series?dataset=stocks&ticker=AAPL&from=2024-11-18&to=2024-11-22&metric=hourly_var");

    // Assess: five trading days, each at its last bar; a week of history is not yet 7 days.
    expect(ma7d.series[0]!.points.map(([, v]) => v)).toEqual([null, null, null, null, null]);
    expect(variation.series[0]!.points).toHaveLength(35);
    expect(variation.series[0]!.points.every(([, v]) => typeof v === "number" && v >= 0)).toBe(true);
  });

  it("answers the Bollinger bands around MA and MACD with its signal, with the lower band below the upper", async () => {
    // Act
    const [upper, lower, macd, signal] = await Promise.all(
      ["bollinger_upper", "bollinger_lower", "macd", "signal"].map((metric) => json<Series>(`/series?dataset=stocks&ticker=MSFT&from=2024-11-18&to=2024-11-22&metric=${metric}`)),
    );

    // Assess: bands from the 20th bar on, MACD and signal on every bar
    const up = upper!.series[0]!.points.filter(([, v]) => v !== null);
    const low = lower!.series[0]!.points.filter(([, v]) => v !== null);
    expect(up).toHaveLength(16);
    up.forEach(([t, v], i) => {
      expect(low[i]![0]).toBe(t);
      expect(low[i]![1]!).toBeLessThanOrEqual(v!);
    });
    expect(macd!.series[0]!.points.filter(([, v]) => v !== null)).toHaveLength(35);
    expect(signal!.series[0]!.points).toHaveLength(35);
  });

  it("answers a station's pm10 by day with the WHO guideline, and stats per station for the default pm25", async () => {
    // Act
    const daily = await json<Series>("/series?dataset=air_quality&location=Paris%20Centre&parameter=pm10&from=2024-11-18&to=2024-11-22&interval=day");
    const stats = await json<Stats>("/stats?dataset=air_quality&from=2024-11-18&to=2024-11-22");

    // Assess
    expect(daily).toMatchObject({ subjectParam: "location", metric: "value", parameter: "pm10", unit: "µg/m³", guideline: 45 });
    expect(daily.series.map((s) => [s.location, s.points.length])).toEqual([["Paris Centre", 5]]);
    expect(stats.subjects.map((s) => s.subject)).toEqual(["Berlin Mitte", "London Marylebone", "Paris Centre"]);
    for (const s of stats.subjects) expect(s.min <= s.average && s.average <= s.max && s.count > 100).toBe(true);
    expect(stats.cities).toBeUndefined();
  });

  it("answers a stocks read again from the cache: 304 on the ETag", async () => {
    // Prepare
    const path = "/series?dataset=stocks&ticker=NVDA&from=2024-11-18&to=2024-11-22&metric=ma_30d";
    const first = await app.request(path);
    const etag = first.headers.get("ETag");

    // Act
    const again = await app.request(path, { headers: { "If-None-Match": etag ?? "" } });

    // Assess
    expect(etag).toBeTruthy();
    expect(again.status).toBe(304);
  });

  it.each([
    ["/series?dataset=stocks&city=Paris&from=2024-11-18&to=2024-11-22", "city"],
    ["/series?dataset=weather&ticker=AAPL&from=2024-11-18&to=2024-11-22", "ticker"],
    ["/series?dataset=stocks&ticker=AAPL&metric=temperature&from=2024-11-18&to=2024-11-22", "metric"],
    ["/stats?dataset=weather&metric=ma_7&from=2024-11-18&to=2024-11-22", "metric"],
    ["/series?dataset=air_quality&metric=close&from=2024-11-18&to=2024-11-22", "metric"],
    ["/series?dataset=air_quality&parameter=co2'--&from=2024-11-18&to=2024-11-22", "parameter"],
    ["/series?dataset=stocks&parameter=pm25&from=2024-11-18&to=2024-11-22", "parameter"],
    ["/series?dataset=stocks&metric=toString&from=2024-11-18&to=2024-11-22", "metric"],
    ["/stats?dataset=crypto&from=2024-11-18&to=2024-11-22", "dataset"],
  ])("GET %s is a 400 on %s with a reason", async (path, field) => {
    // Act
    const res = await app.request(path);

    // Assess
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as ErrorBody;
    expect(error).toMatchObject({ status: 400, field, reason: expect.any(String) });
    expect(error.reason!.length).toBeGreaterThan(3);
  });
});
