// The sluice dashboard: city picker and range, temperature chart, stats, runs, "Run now".
import { getJson, postJson } from "./api.js";
import { drawSeries, resizeChart } from "./chart.js";
import { renderRuns, showDq } from "./runs.js";

const $ = (id) => document.getElementById(id);
const state = { cities: [], selected: new Set(), token: sessionStorage.getItem("sluice-token") ?? "" };

function isoDay(date) {
  return date.toISOString().slice(0, 10);
}

async function loadRuns() {
  const { runs } = await getJson("/runs", { limit: 10 });
  renderRuns($("runs").querySelector("tbody"), runs, (run) => showDq($("dq-detail"), run));
  return runs;
}

async function loadCities() {
  const stats = await getJson("/stats", { from: $("from").value, to: $("to").value });
  const names = stats.cities.map((c) => c.city);
  if (names.join() === state.cities.join()) return;
  state.cities = names;
  if (state.selected.size === 0) for (const name of names) state.selected.add(name);
  const box = $("cities");
  box.replaceChildren(box.querySelector("legend"));
  for (const name of names) {
    const label = document.createElement("label");
    const input = document.createElement("input");
    input.type = "checkbox";
    input.value = name;
    input.checked = state.selected.has(name);
    input.addEventListener("change", () => {
      if (input.checked) state.selected.add(name);
      else state.selected.delete(name);
      void loadData();
    });
    label.append(input, document.createTextNode(` ${name}`));
    box.append(label);
  }
}

async function loadData() {
  const range = { from: $("from").value, to: $("to").value };
  const city = [...state.selected];
  const note = $("chart-note");
  if (city.length === 0) {
    note.textContent = "Pick at least one city.";
    return;
  }
  try {
    const [series, stats] = await Promise.all([
      getJson("/series", { ...range, city, interval: $("interval").value, metric: "temperature" }),
      getJson("/stats", { ...range, city }),
    ]);
    const points = drawSeries($("chart"), series);
    $("prod-version").textContent = series.productionVersion ?? "none yet";
    note.textContent = `${points} points · ${series.interval}ly averages · UTC · ${series.bytesScanned} bytes scanned`;
    $("stats").querySelector("tbody").replaceChildren(
      ...stats.cities.map((c) => {
        const tr = document.createElement("tr");
        tr.dataset.city = c.city;
        for (const [value, numeric] of [[c.city, false], [c.average?.toFixed(1), true], [c.min?.toFixed(1), true], [c.max?.toFixed(1), true], [c.count, true]]) {
          const td = document.createElement("td");
          td.textContent = value ?? "—";
          if (numeric) td.className = "num";
          tr.append(td);
        }
        return tr;
      }),
    );
  } catch (error) {
    note.textContent = `Could not load data: ${error.message}`;
  }
}

function openRunDialog() {
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
    source: $("run-source").value,
    from: $("run-from").value,
    to: $("run-to").value,
    locations: $("run-cities").value.split(",").map((s) => s.trim()).filter(Boolean),
  };
  const { status, body: answer } = await postJson("/runs", body, state.token);
  if (status !== 202) {
    $("run-error").textContent = answer?.error ? `${answer.error.message}${answer.error.field ? ` (${answer.error.field})` : ""}` : `HTTP ${status}`;
    return;
  }
  $("run-dialog").close();
  $("run-message").textContent = `Run ${answer.runId} started.`;
  await refresh();
}

async function refresh() {
  await loadRuns();
  await loadCities();
  await loadData();
}

async function start() {
  const runs = await loadRuns();
  // Default range: the newest published run's range, else the last 7 days.
  const last = runs.find((r) => r.status === "succeeded") ?? runs[0];
  const today = new Date();
  $("from").value = last?.parameters?.from ?? isoDay(new Date(today.getTime() - 6 * 86_400_000));
  $("to").value = last?.parameters?.to ?? isoDay(today);
  for (const id of ["from", "to", "interval"]) $(id).addEventListener("change", () => void refresh());
  $("run-now").addEventListener("click", openRunDialog);
  $("run-cancel").addEventListener("click", () => $("run-dialog").close());
  $("run-form").addEventListener("submit", (e) => void submitRun(e));
  window.addEventListener("resize", () => resizeChart($("chart")));
  await loadCities();
  await loadData();
  // Cached routes answer 304 while production is unchanged: polling is cheap.
  setInterval(() => void refresh().catch(() => undefined), 5000);
}

void start();
