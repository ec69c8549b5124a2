import { readdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generatedDashboards, type GrafanaDashboard } from "../../packages/core/src/grafana/dashboard";
import { pipeline } from "../../packages/core/src/pipeline/pipeline";
import { expandGrafanaMacros } from "../../packages/core/src/query/grafana-macros";
import { queryRows, removeLake, sluice, tempLake } from "../cli/sluice";

/** Grafana's `${var:sqlstring}` (each value quoted, joined by commas) and `${var}` of a single value. */
function interpolate(sql: string, variables: Readonly<Record<string, readonly string[]>>): string {
  return sql
    .replace(/\$\{(\w+):sqlstring\}/g, (_m, name: string) => variables[name]!.map((v) => `'${v.replace(/'/g, "''")}'`).join(","))
    .replace(/\$\{(\w+)\}/g, (_m, name: string) => variables[name]![0]!);
}

const GENERATED = generatedDashboards(Object.values(pipeline.datasets));

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
      const run = runs[dataset as keyof typeof runs];
      const dashboard = JSON.parse(GENERATED[`${dataset}.json`]!) as GrafanaDashboard;
      const subject = dashboard.templating.list[0]!.name as string;
      const chosen = [run.subjects[0]];
      const variables: Record<string, readonly string[]> = { [subject]: chosen, parameter: ["pm25"] };
      const range = { from: new Date(`${run.from}T00:00:00Z`), to: new Date(`${run.to}T23:59:59Z`) };
      for (const panel of dashboard.panels) {
        const sql = expandGrafanaMacros(interpolate(panel.targets[0]!.rawSQL, variables), range);
        const rows = await queryRows(lake, sql);
        expect(rows.length, `${dataset} panel ${panel.id} "${panel.title}"`).toBeGreaterThan(0);
        if (panel.type === "stat") {
          // One value over the chosen subjects and range: differs from the same panel over every subject's rows (the average), or lies inside the range (the latest).
          expect(rows, panel.title).toHaveLength(1);
          const [value] = Object.values(rows[0]!);
          expect(value, panel.title).not.toBeNull();
          if (typeof value === "number") {
            const other = await queryRows(lake, expandGrafanaMacros(interpolate(panel.targets[0]!.rawSQL, { ...variables, [subject]: [run.subjects[1]] }), range));
            expect(Object.values(other[0]!)[0], `${panel.title} for another subject`).not.toBe(value);
          } else expect(String(value).slice(0, 10) >= run.from && String(value).slice(0, 10) <= run.to, panel.title).toBe(true);
          continue;
        }
        const subjectColumn = Object.keys(rows[0]!).find((k) => ["ticker", "location", "city"].includes(k))!;
        expect(new Set(rows.map((r) => r[subjectColumn])), `${panel.title}`).toEqual(new Set(chosen));
        if (panel.type === "timeseries") {
          const times = rows.map((r) => String(r.time));
          expect(times.every((t) => t.slice(0, 10) >= run.from && t.slice(0, 10) <= run.to), panel.title).toBe(true);
        }
      }
    }, 120_000);
  });
});
