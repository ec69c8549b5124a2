// The sluice dashboard: dataset switch, subject picker and range, the dataset's charts, stats, runs, "Run now".
// Everything about a dataset (its subjects, metrics, charts, sources) comes from GET /datasets.
import { getJson, postJson } from "./api.js";
import { resizeCharts } from "./chart.js";
import { renderRuns, showDq } from "./runs.js";
import { drawCharts, readSeries, usesPicker } from "./views.js";

const $ = (id) => document.getElementById(id);

const state = {
  /** GET /datasets, by name, in the API's order. */
  datasets: new Map(),
  dataset: undefined,
  subjects: {},
  selected: {},
  token: sessionStorage.getItem("sluice-token") ?? "",
  runs: [],
  /** Bumped by each load: an answer for an older one (another dataset, range or picker) is not drawn. */
  load: 0,
};

function isoDay(date) {
  return date.toISOString().slice(0, 10);
}

const spec = () => state.datasets.get(state.dataset);
const range = () => ({ from: $("from").value, to: $("to").value });
/** The query of the current dataset: dataset, range, and its filter's value when it has one. */
const baseQuery = () => ({ dataset: state.dataset, ...range(), ...(spec().filter ? { [spec().filter.param]: $("filter").value } : {}) });
/** The metric the picker chose (the dataset's default, first of its metrics, until one is picked). */
const picked = () => $("metric").value || spec().metrics[0]?.name;

function options(select, values, chosen) {
  select.replaceChildren(
    ...values.map(([value, label]) => {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = label;
      option.selected = value === chosen;
      return option;
    }),
  );
}

async function loadRuns() {
  const { runs } = await getJson("/runs", { limit: 10 });
  renderRuns($("runs").querySelector("tbody"), runs, (run) => showDq($("dq-detail"), run));
  state.runs = runs;
  return runs;
}

async function loadSubjects() {
  const box = $("subjects");
  if (spec().subjects.seriesParam === null) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  const dataset = state.dataset;
  const stats = await getJson("/stats", baseQuery());
  if (dataset !== state.dataset) return;
  const names = stats.subjects.map((c) => c.subject);
  const known = state.subjects[state.dataset] ?? [];
  const selected = state.selected[state.dataset];
  if (names.join() === known.join() && box.dataset.dataset === state.dataset) return;
  state.subjects[state.dataset] = names;
  if (selected.size === 0) for (const name of names.slice(0, spec().subjects.initial ?? Infinity)) selected.add(name);
  const legend = box.querySelector("legend");
  legend.textContent = spec().subjects.noun;
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
  $("stats-subject").textContent = spec().subjects.noun;
  $("stats-metric").textContent = `${stats.parameter ?? stats.metric}${stats.unit ? ` (${stats.unit})` : ""}`;
  $("stats").querySelector("tbody").replaceChildren(
    ...stats.subjects.map((c) => {
      const tr = document.createElement("tr");
      tr.dataset.subject = c.subject;
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

/** Nothing to draw: the previous charts and stats go, with the reason. */
function clearCharts(reason) {
  state.load++;
  $("charts").replaceChildren();
  $("charts").dataset.dataset = "";
  $("stats").querySelector("tbody").replaceChildren();
  $("note").textContent = reason;
}

async function loadData() {
  const note = $("note");
  const dataset = spec();
  if (dataset.charts.length === 0 || dataset.subjects.seriesParam === null) return clearCharts("This dataset has no metrics to chart.");
  const subjects = [...state.selected[state.dataset]];
  if (subjects.length === 0) return clearCharts(`Pick at least one ${dataset.subjects.noun}.`);
  const withSubjects = { ...baseQuery(), [dataset.subjects.seriesParam]: subjects };
  const load = ++state.load;
  try {
    const statsPromise = getJson("/stats", { ...withSubjects, metric: picked() });
    const answers = await readSeries(dataset, { ...withSubjects, interval: $("interval").value }, picked());
    const stats = await statsPromise;
    if (load !== state.load) return;
    const points = drawCharts($("charts"), dataset, answers, subjects, picked());
    renderStats(stats);
    const all = [...answers.values()];
    $("prod-version").textContent = all[0]?.productionVersion ?? "none yet";
    note.textContent = `${points} points · ${$("interval").value}ly values · UTC · ${all.reduce((n, a) => n + a.bytesScanned, 0)} bytes scanned`;
  } catch (error) {
    if (load === state.load) note.textContent = `Could not load data: ${error.message}`;
  }
}

/** The range of the dataset's newest published run (a run without a dataset is the API's first, default dataset's), else the last 7 days. */
function defaultRange() {
  const first = [...state.datasets.keys()][0];
  const ofDataset = state.runs.filter((r) => (r.parameters?.dataset ?? first) === state.dataset);
  const last = ofDataset.find((r) => r.status === "succeeded") ?? ofDataset[0];
  const today = new Date();
  $("from").value = last?.parameters?.from ?? isoDay(new Date(today.getTime() - 6 * 86_400_000));
  $("to").value = last?.parameters?.to ?? isoDay(today);
}

/** The controls of the current dataset: its filter and metric pickers, its title. */
function showControls() {
  const dataset = spec();
  $("filter-label").hidden = !dataset.filter;
  if (dataset.filter) {
    $("filter-name").textContent = dataset.filter.param;
    options($("filter"), dataset.filter.values.map((v) => [v, v]), dataset.filter.default);
  }
  $("metric-label").hidden = !usesPicker(dataset);
  options($("metric"), dataset.metrics.map((m) => [m.name, m.unit ? `${m.name} (${m.unit})` : m.name]), dataset.metrics[0]?.name);
  $("view-title").textContent = dataset.description;
  document.body.dataset.dataset = dataset.name;
}

async function switchDataset() {
  state.dataset = $("dataset").value;
  showControls();
  defaultRange();
  await loadSubjects();
  await loadData();
}

function openRunDialog() {
  const dataset = spec();
  $("run-subjects-label").textContent = `${dataset.subjects.noun} (comma-separated)`;
  // What a scheduled run would ask for, else what the lake already holds.
  $("run-subjects").value = (dataset.subjects.defaults.length ? dataset.subjects.defaults : (state.subjects[state.dataset] ?? [])).join(",");
  options($("run-source"), dataset.sources.map((s) => [s, s]), dataset.sources.includes("synthetic") ? "synthetic" : dataset.sources[0]);
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
  const body = {
    dataset: state.dataset,
    source: $("run-source").value,
    from: $("run-from").value,
    to: $("run-to").value,
    subjects: $("run-subjects").value.split(",").map((s) => s.trim()).filter(Boolean),
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
  const { datasets } = await getJson("/datasets");
  for (const dataset of datasets) {
    state.datasets.set(dataset.name, dataset);
    state.selected[dataset.name] = new Set();
  }
  options($("dataset"), datasets.map((d) => [d.name, d.name.replace(/_/g, " ")]), datasets[0].name);
  state.dataset = datasets[0].name;
  await loadRuns();
  showControls();
  defaultRange();
  for (const id of ["from", "to", "interval", "filter", "metric"]) $(id).addEventListener("change", () => void refresh());
  $("dataset").addEventListener("change", () => void switchDataset());
  $("run-now").addEventListener("click", openRunDialog);
  $("run-cancel").addEventListener("click", () => $("run-dialog").close());
  $("run-form").addEventListener("submit", (e) => void submitRun(e));
  window.addEventListener("resize", () => resizeCharts());
  await loadSubjects();
  await loadData();
  // Cached routes answer 304 while production is unchanged: polling is cheap.
  setInterval(() => void refresh().catch(() => undefined), 5000);
}

void start();
