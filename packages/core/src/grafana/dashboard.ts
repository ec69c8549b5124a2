import { seriesOf, type SeriesDataset } from "../api/series-datasets";
import { defaultVariablesOf } from "../config/project";
import { dqColumnsOf } from "./dq-panel";
import type { DatasetDefinition } from "../pipeline/types";

/**
 * A Grafana dashboard per dataset, generated from its definition and its `/series` metrics
 * (`dashboards/<dataset>.json`, regenerated and diffed by test/grafana/generated.test.ts). It is
 * in Grafana's "export for sharing externally" form: `__inputs` names the Athena data source, so an
 * import asks which one to use, and every panel's datasource is `${DS_ATHENA}`. The SQL is the
 * Athena data source's (its macros `$__timeFilter`, `$__timeGroup`, `$__rawTimeFrom`), as
 * test/grafana runs it on the twin.
 */

/** The plugin id of Grafana's Athena data source. */
export const ATHENA_PLUGIN = "grafana-athena-datasource";
const DATASOURCE = { type: ATHENA_PLUGIN, uid: "${DS_ATHENA}" } as const;

/** A dashboard as Grafana imports it (the parts sluice writes). */
export interface GrafanaDashboard {
  readonly __inputs: readonly Record<string, string>[];
  readonly __requires: readonly Record<string, string>[];
  readonly title: string;
  readonly uid: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly schemaVersion: number;
  readonly version: number;
  readonly editable: boolean;
  readonly timezone: string;
  readonly time: { readonly from: string; readonly to: string };
  /** "": no auto-refresh (production changes once a run at most; every refresh is a billed query per panel). */
  readonly refresh: string;
  readonly templating: { readonly list: readonly Record<string, unknown>[] };
  readonly panels: readonly GrafanaPanel[];
}

/** One panel and its single Athena query. */
export interface GrafanaPanel {
  readonly id: number;
  readonly type: "timeseries" | "stat" | "table";
  readonly title: string;
  readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  readonly datasource: typeof DATASOURCE;
  readonly fieldConfig: { readonly defaults: Record<string, unknown>; readonly overrides: readonly unknown[] };
  readonly options?: Record<string, unknown>;
  readonly description?: string;
  readonly targets: readonly { readonly refId: string; readonly datasource: typeof DATASOURCE; readonly format: 0 | 1; readonly rawSQL: string; readonly connectionArgs: Record<string, unknown> }[];
}

const CONNECTION = { region: "__default", catalog: "__default", database: "__default", resultReuseEnabled: true, resultReuseMaxAgeInMinutes: 60 };

/** Grafana's units for the metrics' units. */
const UNITS: Readonly<Record<string, string>> = { USD: "currencyUSD", "µg/m³": "conμgm3", "°C": "celsius", "%": "percent", shares: "short" };

/**
 * The dashboard of `dataset` (one with `/series` metrics: a built-in dataset, or one of the project
 * config with numeric columns). A metric filled by a source variable gets a panel only when the
 * dataset collects that variable (the config's `variables`, else the module's defaults): weather
 * as shipped draws temperature, not twelve empty panels.
 */
export function dashboardOf(dataset: DatasetDefinition, series: SeriesDataset | undefined = seriesOf(dataset)): GrafanaDashboard {
  if (!series) throw new Error(`dataset ${dataset.name} has no /series metrics to draw`);
  const collected = new Set(defaultVariablesOf(dataset));
  const drawn = Object.entries(series.metrics).filter(([, metric]) => metric.variable === undefined || collected.has(metric.variable));
  const variable = series.subjectParam;
  const time = dataset.transform.timeColumn;
  const prod = dataset.tables.prod;
  const filterParam = series.filter;
  /** The WHERE of a read: production's month partitions for the range (prod only), the time range, the chosen subjects, the fixed and filter columns. */
  const where = (table: string, timeColumn: string) =>
    [
      ...(table === prod ? ["yr_mo_partition BETWEEN $__rawTimeFrom('yyyy-MM') AND $__rawTimeTo('yyyy-MM')"] : []),
      `$__timeFilter(${timeColumn})`,
      `${series.subjectColumn} IN (\${${variable}:sqlstring})`,
      ...(table === prod && series.fixed ? [`${series.fixed.column} = '${series.fixed.value}'`] : []),
      ...(table === prod && filterParam ? [`${filterParam.column} = '\${${filterParam.param}}'`] : []),
    ].join("\n  AND ");
  const panels: GrafanaPanel[] = [];
  const target = (rawSQL: string, format: 0 | 1) => [{ refId: "A", datasource: DATASOURCE, format, rawSQL, connectionArgs: CONNECTION }];
  let y = 0;
  for (const [name, metric] of drawn) {
    const table = metric.view ?? prod;
    // A daily view (one row a day at its last bar) is drawn by day; everything else by hour.
    const step = /daily/.test(table) ? "1d" : "1h";
    // The analytics views behind the metrics keep the dataset's time column (bar_time).
    const timeColumn = time;
    panels.push({
      id: panels.length + 1,
      type: "timeseries",
      title: `${name}${metric.unit ? ` (${metric.unit})` : ""} per ${variable}${filterParam ? ` — \${${filterParam.param}}` : ""}`,
      gridPos: { x: (panels.length % 2) * 12, y, w: 12, h: 8 },
      datasource: DATASOURCE,
      fieldConfig: { defaults: { ...(metric.unit && UNITS[metric.unit] ? { unit: UNITS[metric.unit] } : {}), custom: { drawStyle: name === "volume" ? "bars" : "line", spanNulls: false } }, overrides: [] },
      targets: target(`SELECT $__timeGroup(${timeColumn}, '${step}') AS time, ${series.subjectColumn}, avg(${metric.column}) AS ${name}\nFROM ${table}\nWHERE ${where(table, timeColumn)}\nGROUP BY 1, 2\nORDER BY 1, 2`, 0),
    });
    if (panels.length % 2 === 0) y += 8;
  }
  if (panels.length % 2 === 1) y += 8;
  const main = series.metrics[series.defaultMetric]!;
  const mainUnit = main.unit && UNITS[main.unit] ? { unit: UNITS[main.unit] } : {};
  const single = { reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false }, colorMode: "none", graphMode: "none" };
  panels.push(
    {
      id: panels.length + 1,
      type: "stat",
      title: `Average ${series.defaultMetric}${main.unit ? ` (${main.unit})` : ""}`,
      gridPos: { x: 0, y, w: 12, h: 4 },
      datasource: DATASOURCE,
      fieldConfig: { defaults: { ...mainUnit, decimals: 1 }, overrides: [] },
      options: single,
      targets: target(`SELECT round(avg(${main.column}), 1) AS average_${series.defaultMetric}\nFROM ${prod}\nWHERE ${where(prod, time)}`, 1),
    },
    {
      id: panels.length + 2,
      type: "stat",
      title: "Latest value in production",
      gridPos: { x: 12, y, w: 12, h: 4 },
      datasource: DATASOURCE,
      fieldConfig: { defaults: { unit: "dateTimeAsIso" }, overrides: [] },
      options: single,
      targets: target(`SELECT max(${time}) AS latest\nFROM ${prod}\nWHERE ${where(prod, time)}`, 1),
    },
  );
  y += 4;
  panels.push({
    id: panels.length + 1,
    type: "table",
    title: `${series.defaultMetric} per ${variable} over the range`,
    gridPos: { x: 0, y, w: 24, h: 8 },
    datasource: DATASOURCE,
    fieldConfig: { defaults: {}, overrides: [] },
    targets: target(
      `SELECT ${series.subjectColumn}, count(*) AS rows, min(${main.column}) AS min_${series.defaultMetric}, round(avg(${main.column}), 3) AS avg_${series.defaultMetric}, max(${main.column}) AS max_${series.defaultMetric}, max(${time}) AS latest\nFROM ${prod}\nWHERE ${where(prod, time)}\nGROUP BY 1\nORDER BY 1`,
      1,
    ),
  });
  y += 8;
  panels.push({
    id: panels.length + 1,
    type: "table",
    title: `Daily ${series.defaultMetric} per ${variable}`,
    gridPos: { x: 0, y, w: 24, h: 8 },
    datasource: DATASOURCE,
    fieldConfig: { defaults: {}, overrides: [] },
    targets: target(
      `SELECT date_trunc('day', ${time}) AS day, ${series.subjectColumn}, count(*) AS rows, min(${main.column}) AS min_${series.defaultMetric}, round(avg(${main.column}), 3) AS avg_${series.defaultMetric}, max(${main.column}) AS max_${series.defaultMetric}\nFROM ${prod}\nWHERE ${where(prod, time)}\nGROUP BY 1, 2\nORDER BY 1, 2`,
      1,
    ),
  });
  const checks = dqColumnsOf(dataset, [series.subjectColumn, ...(filterParam ? [filterParam.column] : []), ...(series.fixed ? [series.fixed.column] : [])]);
  if (checks.length > 0) {
    y += 8;
    panels.push({
      id: panels.length + 1,
      type: "table",
      title: `Data quality of production: rows failing each of the rules' row checks, per ${variable} (live)`,
      gridPos: { x: 0, y, w: 24, h: 8 },
      datasource: DATASOURCE,
      fieldConfig: { defaults: {}, overrides: [] },
      options: { footer: { show: false } },
      targets: target(
        `SELECT ${series.subjectColumn}, count(*) AS rows,\n  ${checks.map((c) => `${c.sql} AS ${c.alias}`).join(",\n  ")}\nFROM ${prod}\nWHERE ${where(prod, time)}\nGROUP BY 1\nORDER BY 1`,
        1,
      ),
      description: `The dataset's DQ rules counted per ${variable} over the dashboard's range (the run's DQ report is the gate): ${checks.map((c) => `${c.alias} = ${c.rule}`).join("; ")}.`,
    });
  }
  return {
    __inputs: [{ name: "DS_ATHENA", label: "Athena", description: "sluice's Athena workgroup and Glue database", type: "datasource", pluginId: ATHENA_PLUGIN, pluginName: "Amazon Athena" }],
    __requires: [
      { type: "grafana", id: "grafana", name: "Grafana", version: "10.0.0" },
      { type: "datasource", id: ATHENA_PLUGIN, name: "Amazon Athena", version: "2.0.0" },
    ],
    title: `sluice — ${dataset.name}`,
    uid: `sluice-${dataset.name.replace(/_/g, "-")}`,
    description: `${dataset.description} Generated from the dataset's definition by sluice (packages/core/src/grafana/dashboard.ts); regenerate with npm run dashboards.`,
    tags: ["sluice", "athena", dataset.name],
    schemaVersion: 39,
    version: 1,
    editable: true,
    timezone: "utc",
    time: { from: "now-7d", to: "now" },
    refresh: "",
    templating: {
      list: [
        {
          name: variable,
          label: variable,
          type: "query",
          datasource: DATASOURCE,
          multi: true,
          includeAll: true,
          refresh: 2,
          sort: 1,
          current: { selected: true, text: ["All"], value: ["$__all"] },
          definition: `SELECT DISTINCT ${series.subjectColumn} FROM ${prod} ORDER BY 1`,
          query: { refId: variable, format: 1, rawSQL: `SELECT DISTINCT ${series.subjectColumn} FROM ${prod} ORDER BY 1`, connectionArgs: CONNECTION },
        },
        ...(filterParam
          ? [
              {
                name: filterParam.param,
                label: filterParam.param,
                type: "custom",
                multi: false,
                includeAll: false,
                query: filterParam.values.join(","),
                current: { selected: true, text: filterParam.defaultValue, value: filterParam.defaultValue },
                options: filterParam.values.map((v) => ({ selected: v === filterParam.defaultValue, text: v, value: v })),
              },
            ]
          : []),
      ],
    },
    panels,
  };
}

/** The generated dashboards by file name (`dashboards/` holds the built-in datasets'): one per dataset with `/series` metrics. */
export function generatedDashboards(datasets: readonly DatasetDefinition[]): Record<string, string> {
  return Object.fromEntries(datasets.filter((d) => seriesOf(d)).map((d) => [`${d.name}.json`, JSON.stringify(dashboardOf(d), null, 2) + "\n"]));
}
