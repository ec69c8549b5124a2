// uPlot line charts, x in UTC seconds: one plot per element (a chart of every subject, or of one subject).

const COLORS = ["#2f80ed", "#eb5757", "#27ae60", "#f2994a", "#9b51e0", "#56ccf2", "#333333"];
const plots = new Map();

/** A colour of the palette by index. */
export function colorAt(i) {
  return COLORS[i % COLORS.length];
}

/**
 * Draws `lines` ([{ label, points: [[iso, value]…], stroke?, dash?, joined? }]) into `element`, replacing its
 * plot; returns the number of points drawn (also in `data-points`). A `joined` line is drawn across
 * the times only other lines have (a daily value among hourly ones); others break at a missing value.
 */
export function drawLines(element, lines, { unit = "", height = 320 } = {}) {
  const times = [...new Set(lines.flatMap((l) => l.points.map(([t]) => Date.parse(t) / 1000)))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const columns = lines.map((l) => {
    const values = new Array(times.length).fill(null);
    for (const [t, v] of l.points) values[index.get(Date.parse(t) / 1000)] = v;
    return values;
  });
  const options = {
    width: Math.max(320, element.clientWidth || 900),
    height,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
    scales: { x: { time: true } },
    axes: [{}, { label: unit ?? "", size: 60 }],
    series: [{}, ...lines.map((l, i) => ({ label: l.label, stroke: l.stroke ?? colorAt(i), width: l.width ?? 2, dash: l.dash, spanGaps: l.joined === true }))],
  };
  plots.get(element)?.destroy();
  element.replaceChildren();
  plots.set(element, new uPlot(options, [times, ...columns], element));
  const drawn = lines.reduce((n, l) => n + l.points.filter(([, v]) => v !== null).length, 0);
  element.dataset.points = String(drawn);
  return drawn;
}

/** Forgets the plots of elements no longer in the page (a view redrawn with other subjects). */
export function dropDetached() {
  for (const [element, plot] of plots) {
    if (!element.isConnected) {
      plot.destroy();
      plots.delete(element);
    }
  }
}

/** Keeps every chart as wide as its card. */
export function resizeCharts() {
  for (const [element, plot] of plots) if (element.isConnected && element.clientWidth) plot.setSize({ width: Math.max(320, element.clientWidth), height: plot.height });
}
