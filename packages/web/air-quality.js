// The air-quality view: one line per station for a parameter, and the WHO 2021 guideline as a line.
import { getJson } from "./api.js";
import { drawSeries } from "./chart.js";

/** Reads the parameter per station and draws it with its WHO guideline; returns the series answer. */
export async function loadAirQuality(element, title, query) {
  const answer = await getJson("/series", { ...query, dataset: "air_quality" });
  const times = [...new Set(answer.series.flatMap((s) => s.points.map(([t]) => t)))];
  // The guideline is a 24-hour mean (o3: daily max 8-hour mean): against hourly values it is a reference, not a limit.
  const guideline = answer.guideline === null ? [] : [{ label: `WHO guideline ${answer.guideline}`, points: times.map((t) => [t, answer.guideline]), stroke: "#9b1c1c", dash: [6, 4] }];
  drawSeries(element, answer, guideline);
  element.dataset.guideline = String(answer.guideline ?? "");
  title.textContent = `${answer.parameter} (${answer.unit ?? ""})${answer.guideline === null ? "" : ` · WHO 2021 guideline ${answer.guideline}`}`;
  return answer;
}
