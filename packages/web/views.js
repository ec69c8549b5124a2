// The charts of a dataset as GET /datasets describes them: no dataset is named here.
import { getJson } from "./api.js";
import { colorAt, drawLines, dropDetached } from "./chart.js";

/** The metric a chart reads: its own, else the one the metric picker chose. */
const metricOf = (chart, picked) => chart.metric ?? picked;

/** Every metric the charts of `dataset` need (each read once from /series). */
export function metricsNeeded(dataset, picked) {
  const metrics = dataset.charts.flatMap((c) => (c.layout === "subjects" ? [metricOf(c, picked)] : c.lines.map((l) => l.metric)));
  return [...new Set(metrics)];
}

/** Whether a chart of `dataset` draws the picked metric (the picker is shown then). */
export function usesPicker(dataset) {
  return dataset.charts.some((c) => c.layout === "subjects" && c.metric === null);
}

/** Reads each needed metric for the subjects; resolves to a Map metric → /series answer. */
export async function readSeries(dataset, query, picked) {
  const metrics = metricsNeeded(dataset, picked);
  const answers = await Promise.all(metrics.map((metric) => getJson("/series", { ...query, metric })));
  return new Map(metrics.map((m, i) => [m, answers[i]]));
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The child of `parent` whose `data-<key>` is `value`, created by `make` on first use (uPlot keeps its plot). */
function childOf(parent, key, value, make) {
  const found = [...parent.children].find((c) => c.dataset[key] === value);
  if (found) return found;
  const node = make();
  node.dataset[key] = value;
  parent.append(node);
  return node;
}

/** A chart's heading: its title, else the answer's metric (or filter value) and unit, and its guideline. */
function headingOf(chart, answer) {
  const base = chart.title ?? `${answer.parameter ?? answer.metric}${answer.unit ? ` (${answer.unit})` : ""}`;
  return chart.guideline && answer.guideline !== null ? `${base} · ${chart.guideline} ${answer.guideline}` : base;
}

/** One line per subject of one metric, and the guideline as a dashed constant when the chart asks for it. */
function drawSubjects(card, chart, answer) {
  const lines = answer.series.map((s, i) => ({ label: s.subject, points: s.points, stroke: colorAt(i) }));
  const times = [...new Set(answer.series.flatMap((s) => s.points.map(([t]) => t)))];
  const guideline = chart.guideline && answer.guideline !== null ? [{ label: `${chart.guideline} ${answer.guideline}`, points: times.map((t) => [t, answer.guideline]), stroke: "#9b1c1c", dash: [6, 4] }] : [];
  const plot = card.querySelector(".chart");
  drawLines(plot, [...lines, ...guideline], { unit: answer.unit ?? "", height: chart.height ?? 320 });
  const points = answer.series.reduce((n, s) => n + s.points.length, 0);
  plot.dataset.points = String(points);
  plot.dataset.series = answer.series.map((s) => `${s.subject}:${s.points.length}`).join(",");
  plot.dataset.guideline = guideline.length ? String(answer.guideline) : "";
  card.querySelector("h3").textContent = headingOf(chart, answer);
  return points;
}

/** Per subject, one line per metric of the chart. */
function drawMetrics(plot, chart, answers, subject) {
  const lines = chart.lines.map((l, i) => ({
    label: l.label,
    points: answers.get(l.metric).series.find((s) => s.subject === subject)?.points ?? [],
    stroke: l.color ?? colorAt(i),
    width: l.width ?? 1.5,
    dash: l.dashed ? [5, 4] : undefined,
    joined: l.joined,
  }));
  const points = drawLines(plot, lines, { unit: answers.get(chart.lines[0].metric).unit ?? "", height: chart.height ?? 260 });
  // Values drawn per metric (an indicator is null until its window is full).
  plot.dataset.series = chart.lines.map((l, i) => `${l.metric}:${lines[i].points.filter(([, v]) => v !== null).length}`).join(",");
  return points;
}

/**
 * Draws `dataset`'s charts into `container`: each "subjects" chart as a card, then one card per
 * subject holding its "metrics" charts. Returns the number of points drawn.
 */
export function drawCharts(container, dataset, answers, subjects, picked) {
  if (container.dataset.dataset !== dataset.name) {
    container.replaceChildren();
    container.dataset.dataset = dataset.name;
  }
  let points = 0;
  for (const chart of dataset.charts.filter((c) => c.layout === "subjects")) {
    const card = childOf(container, "chart", chart.name, () => {
      const node = element("div", "chart-card");
      node.append(element("h3"), element("div", "chart"));
      return node;
    });
    points += drawSubjects(card, chart, answers.get(metricOf(chart, picked)));
  }
  const perSubject = dataset.charts.filter((c) => c.layout === "metrics");
  for (const card of [...container.querySelectorAll(".subject-card")]) if (!subjects.includes(card.dataset.subject)) card.remove();
  if (perSubject.length > 0) {
    for (const subject of subjects) {
      const card = childOf(container, "subject", subject, () => {
        const node = element("div", "subject-card");
        node.append(element("h3", "", subject));
        for (const chart of perSubject) {
          const box = element("div", "chart");
          box.dataset.chart = chart.name;
          node.append(element("p", "muted chart-caption", chart.title ?? chart.name), box);
        }
        return node;
      });
      for (const chart of perSubject) points += drawMetrics(card.querySelector(`.chart[data-chart="${CSS.escape(chart.name)}"]`), chart, answers, subject);
    }
  }
  dropDetached();
  container.dataset.points = String(points);
  return points;
}
