// The stocks view: per ticker, close with its 7- and 30-day moving averages and the Bollinger bands, then MACD with its signal.
import { getJson } from "./api.js";
import { drawLines, dropDetached } from "./chart.js";

const PRICE = [
  ["close", { label: "close", stroke: "#1d2733", width: 2 }],
  ["ma_7d", { label: "MA 7 days", stroke: "#f2994a", width: 1.5 }],
  ["ma_30d", { label: "MA 30 days", stroke: "#9b51e0", width: 1.5 }],
  ["bollinger_upper", { label: "Bollinger upper", stroke: "#8895a3", width: 1, dash: [5, 4] }],
  ["bollinger_lower", { label: "Bollinger lower", stroke: "#8895a3", width: 1, dash: [5, 4] }],
];
const MACD = [
  ["macd", { label: "MACD", stroke: "#2f80ed", width: 1.5 }],
  ["signal", { label: "signal", stroke: "#eb5757", width: 1.5 }],
];

/** The card of one ticker in `container`, created on first use. */
function cardOf(container, ticker) {
  let card = [...container.children].find((c) => c.dataset.ticker === ticker);
  if (card) return card;
  card = document.createElement("div");
  card.className = "ticker";
  card.dataset.ticker = ticker;
  const title = document.createElement("h3");
  title.textContent = ticker;
  const price = document.createElement("div");
  price.className = "chart price";
  const macd = document.createElement("div");
  macd.className = "chart macd";
  card.append(title, price, macd);
  container.append(card);
  return card;
}

/** Reads the seven stock metrics for the tickers and draws two charts per ticker; returns { points, bytesScanned, productionVersion }. */
export async function loadStocks(container, query) {
  const metrics = [...PRICE, ...MACD].map(([metric]) => metric);
  const answers = await Promise.all(metrics.map((metric) => getJson("/series", { ...query, dataset: "stocks", metric })));
  const byMetric = new Map(metrics.map((m, i) => [m, answers[i]]));
  const pointsOf = (metric, ticker) => byMetric.get(metric).series.find((s) => s.subject === ticker)?.points ?? [];
  for (const card of [...container.children]) if (!query.ticker.includes(card.dataset.ticker)) card.remove();
  dropDetached();
  let points = 0;
  for (const ticker of query.ticker) {
    const card = cardOf(container, ticker);
    const lines = (spec) => spec.map(([metric, style]) => ({ ...style, points: pointsOf(metric, ticker) }));
    points += drawLines(card.querySelector(".price"), lines(PRICE), { unit: byMetric.get("close").unit ?? "", height: 260 });
    drawLines(card.querySelector(".macd"), lines(MACD), { height: 160 });
  }
  container.dataset.points = String(points);
  return { points, bytesScanned: answers.reduce((n, a) => n + a.bytesScanned, 0), productionVersion: answers[0].productionVersion };
}
