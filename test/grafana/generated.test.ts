import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../packages/core/src/config/load";
import { BUILT_IN_DATASETS, pipelineFromConfig } from "../../packages/core/src/config/pipeline-from-config";
import { dashboardOf, generatedDashboards, type GrafanaDashboard } from "../../packages/core/src/grafana/dashboard";
import { pipeline } from "../../packages/core/src/pipeline/pipeline";
import { expandGrafanaMacros } from "../../packages/core/src/query/grafana-macros";
import { queryRows, removeLake, sluice, tempLake } from "../cli/sluice";
import { CONFIG } from "../config/deploy-config";
import { FakeApi } from "../sources/polygon-fake";
import { QUAKES_KEY, quakesReply } from "../sources/rest/rest-helpers";

const execFileAsync = promisify(execFile);
const ROOT = join(__dirname, "..", "..");

/** Grafana's `${var:sqlstring}` (each value quoted, joined by commas) and `${var}` of a single value. */
function interpolate(sql: string, variables: Readonly<Record<string, readonly string[]>>): string {
  return sql
    .replace(/\$\{(\w+):sqlstring\}/g, (_m, name: string) => variables[name]!.map((v) => `'${v.replace(/'/g, "''")}'`).join(","))
    .replace(/\$\{(\w+)\}/g, (_m, name: string) => variables[name]![0]!);
}

const GENERATED = generatedDashboards(Object.values(pipeline.datasets));

/**
 * Runs every panel's SQL as Grafana sends it (the first subject chosen, the run's range) on the
 * lake: each answers rows of the chosen subject only, time series inside the range, a single value
 * that is not null and, for an average, not the other subject's.
 */
async function expectPanelsAnswer(lake: string, dashboard: GrafanaDashboard, run: { readonly from: string; readonly to: string; readonly subjects: readonly string[] }): Promise<void> {
  const subject = dashboard.templating.list[0]!.name as string;
  const chosen = [run.subjects[0]!];
  const variables: Record<string, readonly string[]> = { [subject]: chosen, parameter: ["pm25"] };
  const range = { from: new Date(`${run.from}T00:00:00Z`), to: new Date(`${run.to}T23:59:59Z`) };
  const answer = (panel: GrafanaDashboard["panels"][number], values: Record<string, readonly string[]>) => queryRows(lake, expandGrafanaMacros(interpolate(panel.targets[0]!.rawSQL, values), range));
  for (const panel of dashboard.panels) {
    const rows = await answer(panel, variables);
    expect(rows.length, `panel ${panel.id} "${panel.title}"`).toBeGreaterThan(0);
    if (panel.type === "stat") {
      expect(rows, panel.title).toHaveLength(1);
      const [value] = Object.values(rows[0]!);
      expect(value, panel.title).not.toBeNull();
      if (typeof value === "number") {
        const other = await answer(panel, { ...variables, [subject]: [run.subjects[1]!] });
        expect(Object.values(other[0]!)[0], `${panel.title} for another subject`).not.toBe(value);
      } else expect(String(value).slice(0, 10) >= run.from && String(value).slice(0, 10) <= run.to, panel.title).toBe(true);
      continue;
    }
    const subjectColumn = Object.keys(rows[0]!).find((k) => ["ticker", "location", "city", "subject"].includes(k))!;
    expect(new Set(rows.map((r) => r[subjectColumn])), `${panel.title}`).toEqual(new Set(chosen));
    if (panel.type === "timeseries") {
      const times = rows.map((r) => String(r.time));
      expect(times.every((t) => t.slice(0, 10) >= run.from && t.slice(0, 10) <= run.to), panel.title).toBe(true);
    }
  }
}

describe("the generated Grafana dashboards (dashboards/<dataset>.json)", () => {
  it("are one per built-in dataset, and dashboards/ holds nothing else", () => {
    expect(Object.keys(GENERATED)).toEqual(["weather.json", "stocks.json", "air_quality.json"]);
    expect(readdirSync(new URL("../../dashboards/", import.meta.url)).sort()).toEqual(Object.keys(GENERATED).sort());
  });

  it.each(Object.keys(GENERATED))("%s is what the dataset's definition generates (npm run dashboards rewrites it)", (file) => {
    expect(readFileSync(new URL(`../../dashboards/${file}`, import.meta.url), "utf8"), `dashboards/${file} is stale: run npm run dashboards`).toBe(GENERATED[file]);
  });

  it.each(Object.keys(GENERATED))("%s asks for its Athena data source on import (__inputs) and every panel uses it", (file) => {
    const dashboard = JSON.parse(GENERATED[file]!) as GrafanaDashboard;
    expect(dashboard.__inputs).toEqual([expect.objectContaining({ name: "DS_ATHENA", type: "datasource", pluginId: "grafana-athena-datasource" })]);
    for (const panel of dashboard.panels) {
      expect(panel.datasource.uid).toBe("${DS_ATHENA}");
      expect(panel.targets.every((t) => t.datasource.uid === "${DS_ATHENA}")).toBe(true);
    }
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
  });

  describe("every panel's SQL, as Grafana sends it, on the twin after synthetic runs", () => {
    let lake: string;
    const runs = {
      weather: { from: "2024-11-24", to: "2024-11-30", subjects: ["Paris", "Berlin"] },
      stocks: { from: "2024-10-01", to: "2024-11-29", subjects: ["AAPL", "MSFT"] },
      air_quality: { from: "2024-11-24", to: "2024-11-30", subjects: ["Paris Centre", "Berlin Mitte"] },
    } as const;
    beforeAll(async () => {
      lake = await tempLake("grafana-generated");
      for (const [dataset, run] of Object.entries(runs)) {
        const result = await sluice("run", "--dataset", dataset, "--source", "synthetic", "--from", run.from, "--to", run.to, "--subjects", run.subjects.join(","), "--lake", lake);
        if (result.code !== 0) throw new Error(`sluice run --dataset ${dataset} failed: ${result.out}${result.err}`);
      }
    }, 180_000);
    afterAll(() => removeLake(lake));

    it.each(Object.keys(runs))("%s: each panel answers rows for the chosen subjects only, inside the range", async (dataset) => {
      await expectPanelsAnswer(lake, JSON.parse(GENERATED[`${dataset}.json`]!) as GrafanaDashboard, runs[dataset as keyof typeof runs]);
    }, 120_000);
  });

  it("npm run dashboards -- --config FILE without --out is refused and leaves dashboards/ as it is", async () => {
    // Prepare
    const lake = await tempLake("grafana-no-out");
    const configFile = join(lake, "sluice.config.json");
    await writeFile(configFile, JSON.stringify(CONFIG));
    const before = readdirSync(join(ROOT, "dashboards")).sort();
    try {
      // Act
      const failure = await execFileAsync(join(ROOT, "node_modules", ".bin", "tsx"), [join(ROOT, "scripts", "dashboards.ts"), "--config", configFile], { cwd: ROOT }).then(
        () => undefined,
        (error: { code?: number; stderr?: string }) => error,
      );

      // Assess
      expect(failure?.code).toBe(2);
      expect(failure?.stderr).toMatch(/--config .*sluice\.config\.json needs --out DIR: dashboards\/ keeps the built-in dashboards only/);
      expect(readdirSync(join(ROOT, "dashboards")).sort()).toEqual(before);
    } finally {
      await removeLake(lake);
    }
  }, 60_000);

  describe("a dataset of the project config (docs/datasets.md's earthquake REST example)", () => {
    let lake: string;
    let api: FakeApi;
    let configFile: string;
    const run = { from: "2024-11-25", to: "2024-11-26", subjects: ["us", "ak"] } as const;
    beforeAll(async () => {
      api = await FakeApi.start((url, _i, headers) => quakesReply(url, headers));
      lake = await tempLake("grafana-config");
      const config = structuredClone(CONFIG);
      config.datasets.quakes.source.client.base_url = `${api.baseUrl}/v1/`;
      configFile = join(lake, "sluice.config.json");
      await writeFile(configFile, JSON.stringify(config));
      process.env.QUAKES_API_KEY = QUAKES_KEY;
      const result = await sluice("run", "--config", configFile, "--dataset", "quakes", "--source", "rest", "--from", run.from, "--to", run.to, "--subjects", run.subjects.join(","), "--lake", lake);
      if (result.code !== 0) throw new Error(`sluice run --dataset quakes failed: ${result.out}${result.err}`);
    }, 120_000);
    afterAll(async () => {
      delete process.env.QUAKES_API_KEY;
      await api?.close();
      await removeLake(lake);
    });

    it("npm run dashboards -- --config FILE --out DIR writes its dashboard with the enabled built-in ones", async () => {
      // Act
      const out = join(lake, "dashboards");
      await execFileAsync(join(ROOT, "node_modules", ".bin", "tsx"), [join(ROOT, "scripts", "dashboards.ts"), "--config", configFile, "--out", out], { cwd: ROOT });

      // Assess: stocks is disabled in that config; quakes is drawn like any dataset, its subjects as `subject`
      expect(readdirSync(out).sort()).toEqual(["air_quality.json", "quakes.json", "weather.json"]);
      const quakes = JSON.parse(readFileSync(join(out, "quakes.json"), "utf8")) as GrafanaDashboard;
      expect(quakes.templating.list.map((v) => v.name)).toEqual(["subject"]);
      expect(quakes.panels.filter((p) => p.type === "timeseries").map((p) => p.title)).toEqual(["magnitude per subject", "depth_km per subject"]);
      expect(quakes.__inputs[0]).toMatchObject({ name: "DS_ATHENA", type: "datasource" });
    }, 60_000);

    it("each panel answers rows for the chosen subject only, inside the range", async () => {
      const dataset = pipelineFromConfig(parseConfig(CONFIG, BUILT_IN_DATASETS)).datasets.quakes!;
      await expectPanelsAnswer(lake, dashboardOf(dataset), run);
    }, 120_000);
  });
});
