// The temperature chart: one uPlot line per city, x in UTC seconds.

const COLORS = ["#2f80ed", "#eb5757", "#27ae60", "#f2994a", "#9b51e0", "#56ccf2", "#333333"];
let plot;

/** Draws the series answer of GET /series into `element`; returns the number of points drawn. */
export function drawSeries(element, answer) {
  const times = [...new Set(answer.series.flatMap((s) => s.points.map(([t]) => Date.parse(t) / 1000)))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const columns = answer.series.map((s) => {
    const values = new Array(times.length).fill(null);
    for (const [t, v] of s.points) values[index.get(Date.parse(t) / 1000)] = v;
    return values;
  });
  const width = Math.max(320, element.clientWidth || 900);
  const options = {
    width,
    height: 320,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
    scales: { x: { time: true } },
    axes: [{}, { label: answer.unit ?? "", size: 50 }],
    series: [{}, ...answer.series.map((s, i) => ({ label: s.city, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: false }))],
  };
  plot?.destroy();
  element.replaceChildren();
  plot = new uPlot(options, [times, ...columns], element);
  const counts = answer.series.map((s) => `${s.city}:${s.points.length}`);
  element.dataset.points = String(answer.series.reduce((n, s) => n + s.points.length, 0));
  element.dataset.cities = counts.join(",");
  return Number(element.dataset.points);
}

/** Keeps the chart as wide as its card. */
export function resizeChart(element) {
  if (plot) plot.setSize({ width: Math.max(320, element.clientWidth), height: 320 });
}
