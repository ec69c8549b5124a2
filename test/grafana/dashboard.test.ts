import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expandGrafanaMacros } from "../../packages/core/src/query/grafana-macros";
import { queryRows, removeLake, runWeek, tempLake, WEEK } from "../cli/sluice";

interface Target {
  readonly rawSQL: string;
  readonly format: number;
  readonly datasource: { readonly type: string; readonly uid: string };
}
interface Dashboard {
  readonly templating: { readonly list: { name: string; type: string; query: unknown }[] };
  readonly __inputs: { name: string; type: string; pluginId: string }[];
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

// The dashboard's SQL (generated from the weather module like the others: test/grafana/generated.test.ts
// diffs it), as Grafana sends it to Athena, run on the twin after the seed week's run.
describe("dashboards/weather.json on the twin", () => {
  const cities = WEEK.locations.split(",").sort();
  const range = { from: new Date(`${WEEK.from}T00:00:00Z`), to: new Date(`${WEEK.to}T23:59:59Z`) };
  let lake: string;
  let dashboard: Dashboard;
  /** The panel whose title starts with `title`: one, or the test fails. */
  const panel = (title: string) => {
    const found = dashboard.panels.filter((p) => p.title.startsWith(title));
    expect(found.map((p) => p.title), title).toHaveLength(1);
    return found[0]!;
  };
  const panelSql = (title: string, only = cities, within = range) => expandGrafanaMacros(interpolate(panel(title).targets[0]!.rawSQL, { city: only }), within);

  beforeAll(async () => {
    dashboard = JSON.parse(await readFile(new URL("../../dashboards/weather.json", import.meta.url), "utf8")) as Dashboard;
    lake = await tempLake("grafana");
    const run = await runWeek(lake);
    if (run.code !== 0) throw new Error(`sluice run failed: ${run.out}${run.err}`);
  });
  afterAll(() => removeLake(lake));

  it("asks for its Athena data source on import and queries it in every panel", () => {
    expect(dashboard.__inputs.map((i) => [i.name, i.type, i.pluginId])).toEqual([["DS_ATHENA", "datasource", "grafana-athena-datasource"]]);
    expect(dashboard.templating.list.map((v) => [v.name, v.type])).toEqual([["city", "query"]]);
    for (const p of dashboard.panels) {
      expect(p.targets[0]!.datasource).toEqual({ type: "grafana-athena-datasource", uid: "${DS_ATHENA}" });
    }
  });

  it("offers the cities of production in the city variable", async () => {
    const city = dashboard.templating.list.find((v) => v.name === "city")!.query as { rawSQL: string };
    expect((await queryRows(lake, city.rawSQL)).map((r) => r.city)).toEqual(cities);
  });

  it("draws one hourly temperature series per city over the range", async () => {
    // Act
    const rows = await queryRows(lake, panelSql("temperature (°C) per city"));

    // Assess: 7 days × 24 hours × 3 cities, plausible values, sorted by time
    expect(rows).toHaveLength(7 * 24 * cities.length);
    expect(new Set(rows.map((r) => r.city))).toEqual(new Set(cities));
    expect(rows.every((r) => typeof r.temperature === "number" && (r.temperature as number) > -40 && (r.temperature as number) < 45)).toBe(true);
    const times = rows.map((r) => String(r.time));
    expect(times).toEqual([...times].sort());
  });

  it("narrows every panel to the selected cities and the time range", async () => {
    // Act
    const paris = await queryRows(lake, panelSql("temperature (°C) per city", ["Paris"]));
    const lastDay = await queryRows(lake, panelSql("temperature (°C) per city", cities, { from: new Date(`${WEEK.to}T00:00:00Z`), to: range.to }));

    // Assess
    expect(paris).toHaveLength(7 * 24);
    expect(lastDay).toHaveLength(24 * cities.length);
  });

  it("shows the average temperature as a single value equal to the mean of production", async () => {
    const [stat] = await queryRows(lake, panelSql("Average temperature"));
    const [expected] = await queryRows(lake, "SELECT round(avg(temperature), 1) AS t FROM weather_prod");
    expect(stat).toEqual({ average_temperature: expected!.t });
  });

  it("shows the latest hour of the range", async () => {
    const [latest] = await queryRows(lake, panelSql("Latest value"));
    expect(String(latest!.latest)).toMatch(new RegExp(`^${WEEK.to}[T ]23:00:00`));
  });

  it("summarises each day per city with min ≤ avg ≤ max", async () => {
    const rows = await queryRows(lake, panelSql("Daily temperature per city"));
    expect(rows).toHaveLength(7 * cities.length);
    for (const r of rows) {
      expect(r.rows).toBe(24);
      expect((r.min_temperature as number) <= (r.avg_temperature as number) && (r.avg_temperature as number) <= (r.max_temperature as number)).toBe(true);
    }
  });

  it("counts each of the rules' row checks per city: none on the clean week, a duplicated hour where one is planted", async () => {
    // Act: the panel as generated, then over production with one Paris hour twice
    const clean = await queryRows(lake, panelSql("Data quality of production"));
    const planted = panelSql("Data quality of production").replace(
      "FROM weather_prod",
      `FROM (SELECT * FROM weather_prod UNION ALL SELECT * FROM weather_prod WHERE city = 'Paris' AND measurement_time = TIMESTAMP '${WEEK.from} 12:00:00')`,
    );
    const dirty = await queryRows(lake, planted);
    // Assess
    expect(clean.map((r) => r.city)).toEqual(cities);
    for (const row of clean) expect(row).toEqual({ city: row.city, rows: 168, measurement_time_missing: 0, temperature_outside: 0, duplicate_measurement_time: 0 });
    expect(dirty.find((r) => r.city === "Paris")).toMatchObject({ rows: 169, duplicate_measurement_time: 1 });
    expect(dirty.filter((r) => r.city !== "Paris").every((r) => r.duplicate_measurement_time === 0)).toBe(true);
  });
});
