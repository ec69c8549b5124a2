import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { weatherDataset } from "../../packages/core/src/pipeline/weather";
import { expandGrafanaMacros } from "../../packages/core/src/query/grafana-macros";
import { queryRows, removeLake, runWeek, tempLake, WEEK } from "../cli/sluice";

interface Target {
  readonly rawSQL: string;
  readonly format: number;
  readonly datasource: { readonly type: string; readonly uid: string };
}
interface Dashboard {
  readonly templating: { readonly list: { name: string; type: string; query: unknown }[] };
  readonly panels: { id: number; type: string; title: string; targets: Target[] }[];
}

/** Grafana's `${var:sqlstring}` of a multi-value variable: each value quoted, joined by commas. */
function interpolate(sql: string, variables: Readonly<Record<string, readonly string[]>>): string {
  return sql.replace(/\$\{(\w+):sqlstring\}/g, (_m, name: string) => {
    const values = variables[name];
    if (!values) throw new Error(`dashboard uses an undefined variable $${name}`);
    return values.map((v) => `'${v.replace(/'/g, "''")}'`).join(",");
  });
}

// The dashboard's SQL, as Grafana sends it to Athena, run on the twin after the seed week's run.
describe("dashboards/weather.json on the twin", () => {
  const cities = WEEK.locations.split(",").sort();
  const range = { from: new Date(`${WEEK.from}T00:00:00Z`), to: new Date(`${WEEK.to}T23:59:59Z`) };
  let lake: string;
  let dashboard: Dashboard;
  const panelSql = (id: number, only = cities) => expandGrafanaMacros(interpolate(dashboard.panels.find((p) => p.id === id)!.targets[0]!.rawSQL, { city: only }), range);

  beforeAll(async () => {
    dashboard = JSON.parse(await readFile(new URL("../../dashboards/weather.json", import.meta.url), "utf8")) as Dashboard;
    lake = await tempLake("grafana");
    const run = await runWeek(lake);
    if (run.code !== 0) throw new Error(`sluice run failed: ${run.out}${run.err}`);
  });
  afterAll(() => removeLake(lake));

  it("queries the templated Athena data source in every panel", () => {
    expect(dashboard.templating.list.map((v) => [v.name, v.type])).toEqual([["datasource", "datasource"], ["city", "query"]]);
    for (const panel of dashboard.panels) {
      expect(panel.targets[0]!.datasource).toEqual({ type: "grafana-athena-datasource", uid: "${datasource}" });
    }
  });

  it("offers the cities of production in the city variable", async () => {
    const city = dashboard.templating.list.find((v) => v.name === "city")!.query as { rawSQL: string };
    expect((await queryRows(lake, city.rawSQL)).map((r) => r.city)).toEqual(cities);
  });

  it("draws one hourly temperature series per city over the range", async () => {
    // Act
    const rows = await queryRows(lake, panelSql(1));

    // Assess: 7 days × 24 hours × 3 cities, plausible values, sorted by time
    expect(rows).toHaveLength(7 * 24 * cities.length);
    expect(new Set(rows.map((r) => r.city))).toEqual(new Set(cities));
    expect(rows.every((r) => typeof r.temperature === "number" && (r.temperature as number) > -40 && (r.temperature as number) < 45)).toBe(true);
    const times = rows.map((r) => String(r.time));
    expect(times).toEqual([...times].sort());
  });

  it("narrows every panel to the selected cities and the time range", async () => {
    // Act
    const paris = await queryRows(lake, panelSql(1, ["Paris"]));
    const lastDay = await queryRows(lake, expandGrafanaMacros(interpolate(dashboard.panels[0]!.targets[0]!.rawSQL, { city: cities }), { from: new Date(`${WEEK.to}T00:00:00Z`), to: range.to }));

    // Assess
    expect(paris).toHaveLength(7 * 24);
    expect(lastDay).toHaveLength(24 * cities.length);
  });

  it("shows the average temperature as a single value equal to the mean of production", async () => {
    const [stat] = await queryRows(lake, panelSql(2));
    const [expected] = await queryRows(lake, "SELECT round(avg(temperature), 1) AS t FROM weather_prod");
    expect(stat).toEqual({ average_temperature: expected!.t });
  });

  it("shows the latest hour of the range", async () => {
    const [latest] = await queryRows(lake, panelSql(3));
    expect(String(latest!.latest_hour)).toMatch(new RegExp(`^${WEEK.to}[T ]23:00:00`));
  });

  it("reports the data-quality checks as PASS per city after a clean run", async () => {
    const rows = await queryRows(lake, panelSql(4));
    expect(rows).toEqual(
      cities.map((city) => ({ city, hours: 168, temperature_complete_pct: 100, out_of_range: 0, duplicate_hours: 0, max_collections: 1, status: "PASS" })),
    );
  });

  it("uses the same thresholds as the dataset's DQ rules", () => {
    const sql = dashboard.panels.find((p) => p.id === 4)!.targets[0]!.rawSQL;
    const rules = weatherDataset.dqRules({ locationCount: 3, from: WEEK.from, to: WEEK.to });
    expect(rules).toMatch(/ColumnValues "temperature" between -90 and 60/);
    expect(sql).toMatch(/NOT BETWEEN -90 AND 60/);
    expect(rules).toMatch(/Completeness "temperature" >= 0\.95/);
    expect(sql).toMatch(/< 0\.95 \* count\(\*\)/);
    expect(rules).toMatch(/"collection_count" <= 3 labels=\["severity"="warning"\]/);
    expect(sql).toMatch(/max\(collection_count\) > 3 THEN 'WARN'/);
  });

  it("summarises each day per city with min ≤ avg ≤ max", async () => {
    const rows = await queryRows(lake, panelSql(5));
    expect(rows).toHaveLength(7 * cities.length);
    for (const r of rows) {
      expect(r.hours).toBe(24);
      expect((r.min_temp as number) <= (r.avg_temp as number) && (r.avg_temp as number) <= (r.max_temp as number)).toBe(true);
    }
  });
});
