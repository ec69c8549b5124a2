// The runs table: status, DQ gate (click for the failing rules) and step timings.
import { getJson } from "./api.js";

const text = (value) => document.createTextNode(String(value ?? ""));

function cell(...children) {
  const td = document.createElement("td");
  td.append(...children);
  return td;
}

/** Renders the newest runs into the table body; `onDq(run)` is called when a DQ badge is clicked. */
export function renderRuns(tbody, runs, onDq) {
  tbody.replaceChildren(
    ...runs.map((run) => {
      const tr = document.createElement("tr");
      tr.dataset.runId = run.id;
      const status = document.createElement("span");
      status.className = `badge status-${run.status}`;
      status.textContent = run.status;
      let dq = text("—");
      if (run.dq) {
        dq = document.createElement("button");
        dq.type = "button";
        dq.className = `badge dq-badge ${run.dq.gate}`;
        dq.textContent = run.dq.gate;
        dq.title = "Show the DQ rules";
        dq.addEventListener("click", () => onDq(run));
      }
      const steps = document.createElement("span");
      steps.className = "steps";
      steps.textContent = run.steps
        .filter((s) => s.status !== "pending")
        .map((s) => `${s.name} ${s.status === "succeeded" ? "" : s.status + " "}${s.durationMs === undefined ? "…" : (s.durationMs / 1000).toFixed(2)}`)
        .join(" · ");
      tr.append(cell(text(run.id)), cell(status), cell(dq), cell(text(run.startedAt.replace("T", " ").slice(0, 19))), cell(steps));
      return tr;
    }),
  );
}

/** Shows the DQ report of a run: the failing rules with their metrics, or that all passed. */
export async function showDq(box, run) {
  box.hidden = false;
  box.textContent = "Loading the DQ report…";
  try {
    const report = await getJson(`/runs/${encodeURIComponent(run.id)}/dq`);
    const failed = report.RuleResults.filter((r) => r.Result !== "PASS");
    box.className = failed.length ? "fail" : "pass";
    const title = document.createElement("strong");
    title.textContent = `${run.id}: gate ${report.gate}, ${report.RuleResults.length - failed.length}/${report.RuleResults.length} rules passed`;
    const list = document.createElement("ul");
    for (const rule of failed) {
      const li = document.createElement("li");
      const metrics = Object.entries(rule.EvaluatedMetrics ?? {}).map(([k, v]) => `${k} = ${v}`).join(", ");
      li.textContent = `${rule.blocking ? "✗ blocking" : "⚠ warning"}: ${rule.Description}${rule.EvaluationMessage ? ` — ${rule.EvaluationMessage}` : ""}${metrics ? ` (${metrics})` : ""}`;
      list.append(li);
    }
    box.replaceChildren(title, list);
  } catch (error) {
    box.textContent = `No DQ report: ${error.message}`;
  }
}
