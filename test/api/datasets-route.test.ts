import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../packages/core/src/config/load";
import { BUILT_IN_DATASETS, pipelineFromConfig } from "../../packages/core/src/config/pipeline-from-config";
import type { LocalRuntime } from "../../packages/core/src/runtime/local";
import { CONFIG } from "../config/deploy-config";
import { FakeApi } from "../sources/polygon-fake";
import { QUAKES_KEY, quakesReply } from "../sources/rest/rest-helpers";
import { authJson, disposeRuntime, localApp, tempRuntime } from "./lake";

interface Described {
  name: string;
  kind: string;
  sources: string[];
  subjects: { noun: string; field: string; seriesParam: string | null; column: string; defaults: string[]; initial: number | null };
  metrics: { name: string; unit: string | null; view: string | null }[];
  filter: { param: string; values: string[]; default: string } | null;
  charts: { name: string; layout: string; metric: string | null; lines: { metric: string; label: string; dashed: boolean; joined: boolean }[]; guideline: string | null; title: string | null }[];
  views: { name: string }[];
  tables: Record<string, string>;
}

// GET /datasets (issue 10): what each dataset is, from its module or its config entry.
describe("GET /datasets", () => {
  let runtime: LocalRuntime;
  beforeAll(async () => {
    runtime = await tempRuntime("datasets-route");
  });
  afterAll(() => disposeRuntime(runtime));

  it("describes each built-in dataset from its module: subjects, sources, metrics (default first), views", async () => {
    // Act
    const { app } = await localApp(runtime);
    const answer = (await (await app.request("/datasets")).json()) as { datasets: Described[] };

    // Assess
    expect(answer.datasets.map((d) => [d.name, d.kind, d.sources, d.subjects.noun, d.subjects.seriesParam])).toEqual([
      ["weather", "built-in", ["open-meteo", "synthetic"], "city", "city"],
      ["stocks", "built-in", ["polygon", "synthetic"], "ticker", "ticker"],
      ["air_quality", "built-in", ["openaq", "synthetic"], "station", "location"],
    ]);
    const stocks = answer.datasets[1]!;
    expect(stocks.metrics[0]).toEqual({ name: "close", unit: "USD", view: null });
    expect(stocks.metrics).toContainEqual({ name: "ma_7d", unit: "USD", view: "stocks_daily_moving_averages" });
    expect(stocks.views.map((v) => v.name)).toContain("stocks_daily_moving_averages");
    expect(stocks.subjects.defaults).toHaveLength(7);
    expect(answer.datasets[2]!.subjects.defaults).toEqual([]);
    expect(answer.datasets[0]!.tables.prod).toBe("weather_prod");
  });

  it("describes the dashboard's charts of each built-in dataset, each reading metrics the dataset serves", async () => {
    // Act
    const { app } = await localApp(runtime);
    const answer = (await (await app.request("/datasets")).json()) as { datasets: Described[] };
    const [weather, stocks, air] = answer.datasets;

    // Assess: weather draws the picked metric per city; stocks two charts per ticker; air quality the parameter with its guideline
    expect(weather!.charts).toEqual([{ name: "metric", title: null, layout: "subjects", metric: null, lines: [], guideline: null, height: null }]);
    expect(weather!.metrics[0]!.name).toBe("temperature");
    expect(stocks!.charts.map((c) => [c.name, c.layout, c.lines.map((l) => l.metric)])).toEqual([
      ["price", "metrics", ["close", "ma_7d", "ma_30d", "bollinger_upper", "bollinger_lower"]],
      ["macd", "metrics", ["macd", "signal"]],
    ]);
    expect(stocks!.charts[0]!.lines.filter((l) => l.dashed).map((l) => l.label)).toEqual(["Bollinger upper", "Bollinger lower"]);
    // The daily averages (one point a day at its last bar) are joined across the hourly bars between them.
    expect(stocks!.charts[0]!.lines.filter((l) => l.joined).map((l) => l.metric)).toEqual(["ma_7d", "ma_30d"]);
    expect(stocks!.subjects.initial).toBe(2);
    expect(air!.charts).toEqual([expect.objectContaining({ layout: "subjects", metric: "value", guideline: "WHO 2021 guideline" })]);
    expect(air!.filter).toEqual({ param: "parameter", values: ["pm25", "pm10", "no2", "o3"], default: "pm25" });
    expect(weather!.filter).toBeNull();
    for (const dataset of answer.datasets) {
      const served = new Set(dataset.metrics.map((m) => m.name));
      const read = dataset.charts.flatMap((c) => [...(c.metric ? [c.metric] : []), ...c.lines.map((l) => l.metric)]);
      expect(read.filter((m) => !served.has(m)), dataset.name).toEqual([]);
    }
    // …and /series answers a guideline for the chart to draw
    const series = (await (await app.request("/series?dataset=air_quality&parameter=no2&from=2024-11-25&to=2024-11-25")).json()) as { guideline: number };
    expect(series.guideline).toBe(25);
  });

  it("describes a dataset of the project config, and leaves out a disabled one", async () => {
    // Prepare
    const pipeline = pipelineFromConfig(parseConfig(CONFIG, BUILT_IN_DATASETS));

    // Act
    const { app } = await localApp(runtime, { pipeline });
    const answer = (await (await app.request("/datasets")).json()) as { datasets: Described[] };

    // Assess
    expect(answer.datasets.map((d) => d.name)).toEqual(["weather", "air_quality", "quakes"]);
    const quakes = answer.datasets[2]!;
    expect(quakes).toMatchObject({ kind: "rest", sources: ["rest"], subjects: { noun: "subject", field: "subjects", seriesParam: "subject", column: "subject", defaults: ["us", "ak"] }, views: [] });
    expect(quakes.metrics.map((m) => m.name)).toEqual(["magnitude", "depth_km"]);
    // The dashboard draws its picked metric per subject, all subjects at first: no web code of its own.
    expect(quakes).toMatchObject({ filter: null, charts: [{ name: "metric", layout: "subjects", metric: null }], subjects: { initial: null } });
    expect(answer.datasets[1]!.subjects.defaults).toEqual(["2178", "8118"]);
  });

  it("POST /runs takes subjects for any dataset: a config REST dataset's run fetches its API and publishes", async () => {
    // Prepare: the earthquake example's API on 127.0.0.1, the config pointing at it, the key in the environment
    const api = await FakeApi.start((url, _i, headers) => quakesReply(url, headers));
    const config = structuredClone(CONFIG);
    config.datasets.quakes.source.client.base_url = `${api.baseUrl}/v1/`;
    const pipeline = pipelineFromConfig(parseConfig(config, BUILT_IN_DATASETS));
    const own = await tempRuntime("datasets-route-rest", undefined, pipeline);
    process.env.QUAKES_API_KEY = QUAKES_KEY;
    try {
      const { app, launcher } = await localApp(own, { pipeline });

      // Act
      const started = await app.request("/runs", { method: "POST", headers: authJson(), body: JSON.stringify({ dataset: "quakes", source: "rest", from: "2024-11-25", to: "2024-11-26", subjects: ["us"] }) });
      await launcher.settled();
      const refused = await app.request("/runs", { method: "POST", headers: authJson(), body: JSON.stringify({ dataset: "quakes", source: "rest", from: "2024-11-25", to: "2024-11-26", tickers: ["AAPL"] }) });
      const weather = await app.request("/runs", { method: "POST", headers: authJson(), body: JSON.stringify({ dataset: "weather", source: "synthetic", from: "2024-11-25", to: "2024-11-25", subjects: ["Oslo", "Madrid"] }) });
      await launcher.settled();

      // Assess
      expect(started.status).toBe(202);
      const { runId } = (await started.json()) as { runId: string };
      const run = (await (await app.request(`/runs/${runId}`)).json()) as { status: string; parameters: { locations: { name: string }[]; source: string } };
      expect(run).toMatchObject({ status: "succeeded", parameters: { source: "rest", locations: [{ name: "us" }] } });
      expect(api.requests.every((r) => r.url.searchParams.get("region") === "us")).toBe(true);
      // Its numeric columns are /series metrics, its subjects the `subject` parameter.
      const series = (await (await app.request("/series?dataset=quakes&subject=us&metric=magnitude&from=2024-11-25&to=2024-11-26")).json()) as { subjectParam: string; series: { subject: string; points: [string, number | null][] }[] };
      expect(series.subjectParam).toBe("subject");
      // us1 (4.6) and us2 (2.1) fall in the same hour: one hourly point, their mean.
      expect(series.series.map((s) => [s.subject, s.points.map(([, v]) => v)])).toEqual([["us", [3.35]]]);
      expect((await app.request("/series?dataset=quakes&city=Paris&from=2024-11-25&to=2024-11-26")).status).toBe(400);
      expect(refused.status).toBe(400);
      expect(await refused.text()).toMatch(/tickers.*does not apply to dataset quakes/);
      expect(weather.status).toBe(202);
      const weatherRun = (await (await app.request(`/runs/${((await weather.json()) as { runId: string }).runId}`)).json()) as { parameters: { locations: { name: string; latitude: number }[] } };
      expect(weatherRun.parameters.locations.map((l) => l.name)).toEqual(["Oslo", "Madrid"]);
      expect(weatherRun.parameters.locations.every((l) => l.latitude !== 0)).toBe(true);
    } finally {
      delete process.env.QUAKES_API_KEY;
      await api.close();
      await disposeRuntime(own);
    }
  });
});
