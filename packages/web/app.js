// The sluice dashboard: dataset switch, subject picker and range, the dataset's charts, stats, runs, "Run now".
import { loadAirQuality } from "./air-quality.js";
import { getJson, postJson } from "./api.js";
import { drawSeries, resizeCharts } from "./chart.js";
import { renderRuns, showDq } from "./runs.js";
import { loadStocks } from "./stocks.js";

const $ = (id) => document.getElementById(id);

/** Per dataset: the subject parameter, its picker legend, the stats columns, and how many subjects start selected. */
const DATASETS = {
  weather: { param: "city", legend: "Cities", subject: "city", count: "hours", initial: Infinity, view: "weather-view", run: { field: "locations", api: "open-meteo", subjects: "Paris,London,Berlin" } },
  stocks: { param: "ticker", legend: "Tickers", subject: "ticker", count: "bars", initial: 2, view: "stocks-view", run: { field: "tickers", api: "polygon", subjects: "AAPL,MSFT,GOOGL,AMZN,NVDA,META,TSLA" } },
  air_quality: { param: "location", legend: "Stations", subject: "station", count: "hours", initial: Infinity, view: "air-view", run: { field: "stations", api: "openaq", subjects: "Paris Centre,London Marylebone,Berlin Mitte" } },
};

const state = {
  dataset: "weather",
  subjects: {},
  selected: Object.fromEntries(Object.keys(DATASETS).map((d) => [d, new Set()])),
  token: sessionStorage.getItem("sluice-token") ?? "",
  runs: [],
};

function isoDay(date) {
  return date.toISOString().slice(0, 10);
}

const spec = () => DATASETS[state.dataset];
const range = () => ({ from: $("from").value, to: $("to").value });
/** The query of the current dataset: dataset, range, and (air quality) the parameter. */
const baseQuery = () => ({ dataset: state.dataset, ...range(), ...(state.dataset === "air_quality" ? { parameter: $("parameter").value } : {}) });

async function loadRuns() {
  const { runs } = await getJson("/runs", { limit: 10 });
  renderRuns($("runs").querySelector("tbody"), runs, (run) => showDq($("dq-detail"), run));
  state.runs = runs;
  return runs;
}

async function loadSubjects() {
  const stats = await getJson("/stats", baseQuery());
  const names = stats.subjects.map((c) => c.subject);
  const known = state.subjects[state.dataset] ?? [];
  const selected = state.selected[state.dataset];
  if (names.join() === known.join() && $("cities").dataset.dataset === state.dataset) return;
  state.subjects[state.dataset] = names;
  if (selected.size === 0) for (const name of names.slice(0, spec().initial)) selected.add(name);
  const box = $("cities");
  const legend = box.querySelector("legend");
  legend.textContent = spec().legend;
  box.dataset.dataset = state.dataset;
  box.replaceChildren(legend);
  for (const name of names) {
    const label = document.createElement("label");
    const input = document.createElement("input");
    input.type = "checkbox";
    input.value = name;
    input.checked = selected.has(name);
    input.addEventListener("change", () => {
      if (input.checked) selected.add(name);
      else selected.delete(name);
      void loadData();
    });
    label.append(input, document.createTextNode(` ${name}`));
    box.append(label);
  }
}

function renderStats(stats) {
  $("stats-subject").textContent = spec().subject;
  $("stats-count").textContent = spec().count;
  $("stats").querySelector("tbody").replaceChildren(
    ...stats.subjects.map((c) => {
      const tr = document.createElement("tr");
      tr.dataset.subject = c.subject;
      if (state.dataset === "weather") tr.dataset.city = c.subject;
      for (const [value, numeric] of [[c.subject, false], [c.average?.toFixed(1), true], [c.min?.toFixed(1), true], [c.max?.toFixed(1), true], [c.count, true]]) {
        const td = document.createElement("td");
        td.textContent = value ?? "—";
        if (numeric) td.className = "num";
        tr.append(td);
      }
      return tr;
    }),
  );
}

async function loadData() {
  const view = $(spec().view);
  const note = view.querySelector(".note");
  const subjects = [...state.selected[state.dataset]];
  if (subjects.length === 0) {
    note.textContent = `Pick at least one ${spec().subject}.`;
    return;
  }
  const query = { ...baseQuery(), [spec().param]: subjects, interval: $("interval").value };
  try {
    const statsPromise = getJson("/stats", { ...baseQuery(), [spec().param]: subjects });
    let drawn;
    if (state.dataset === "stocks") {
      drawn = await loadStocks($("stock-charts"), query);
    } else if (state.dataset === "air_quality") {
      const answer = await loadAirQuality($("air-chart"), $("air-title"), query);
      drawn = { points: Number($("air-chart").dataset.points), bytesScanned: answer.bytesScanned, productionVersion: answer.productionVersion };
    } else {
      const answer = await getJson("/series", { ...query, metric: "temperature" });
      drawn = { points: drawSeries($("chart"), answer), bytesScanned: answer.bytesScanned, productionVersion: answer.productionVersion };
    }
    renderStats(await statsPromise);
    $("prod-version").textContent = drawn.productionVersion ?? "none yet";
    note.textContent = `${drawn.points} points · ${$("interval").value}ly values · UTC · ${drawn.bytesScanned} bytes scanned`;
  } catch (error) {
    note.textContent = `Could not load data: ${error.message}`;
  }
}

/** The range of the dataset's newest published run (runs without a dataset are weather's), else the last 7 days. */
function defaultRange() {
  const ofDataset = state.runs.filter((r) => (r.parameters?.dataset ?? "weather") === state.dataset);
  const last = ofDataset.find((r) => r.status === "succeeded") ?? ofDataset[0];
  const today = new Date();
  $("from").value = last?.parameters?.from ?? isoDay(new Date(today.getTime() - 6 * 86_400_000));
  $("to").value = last?.parameters?.to ?? isoDay(today);
}

async function switchDataset() {
  state.dataset = $("dataset").value;
  for (const view of document.querySelectorAll(".view")) view.hidden = view.dataset.dataset !== state.dataset;
  $("parameter-label").hidden = state.dataset !== "air_quality";
  document.body.dataset.dataset = state.dataset;
  defaultRange();
  await loadSubjects();
  await loadData();
}

function openRunDialog() {
  const run = spec().run;
  $("run-subjects-label").textContent = spec().legend;
  $("run-cities").value = run.subjects;
  $("run-source-api").textContent = run.api;
  $("token").value = state.token;
  $("run-from").value = $("from").value;
  $("run-to").value = $("to").value;
  $("run-error").textContent = "";
  $("run-dialog").showModal();
}

async function submitRun(event) {
  event.preventDefault();
  state.token = $("token").value.trim();
  sessionStorage.setItem("sluice-token", state.token);
  const run = spec().run;
  const body = {
    dataset: state.dataset,
    source: $("run-source").value === "api" ? run.api : "synthetic",
    from: $("run-from").value,
    to: $("run-to").value,
    [run.field]: $("run-cities").value.split(",").map((s) => s.trim()).filter(Boolean),
  };
  const { status, body: answer } = await postJson("/runs", body, state.token);
  if (status !== 202) {
    // 401 is both a missing and a wrong token (RFC 6750): forget the stored one so it is asked again.
    if (status === 401) sessionStorage.removeItem("sluice-token");
    $("run-error").textContent = answer?.error ? `${answer.error.message}${answer.error.field ? ` (${answer.error.field})` : ""}` : `HTTP ${status}`;
    return;
  }
  $("run-dialog").close();
  $("run-message").textContent = `Run ${answer.runId} started.`;
  await refresh();
}

async function refresh() {
  await loadRuns();
  await loadSubjects();
  await loadData();
}

async function start() {
  await loadRuns();
  defaultRange();
  for (const id of ["from", "to", "interval", "parameter"]) $(id).addEventListener("change", () => void refresh());
  $("dataset").addEventListener("change", () => void switchDataset());
  $("run-now").addEventListener("click", openRunDialog);
  $("run-cancel").addEventListener("click", () => $("run-dialog").close());
  $("run-form").addEventListener("submit", (e) => void submitRun(e));
  window.addEventListener("resize", () => resizeCharts());
  document.body.dataset.dataset = state.dataset;
  await loadSubjects();
  await loadData();
  // Cached routes answer 304 while production is unchanged: polling is cheap.
  setInterval(() => void refresh().catch(() => undefined), 5000);
}

void start();
