import { datasetModule } from "../datasets/registry";
import type { Location } from "../pipeline/types";
import { InvalidSubjectError, type SubjectRequest } from "../datasets/subject-rules";

export { InvalidSubjectError, type SubjectRequest } from "../datasets/subject-rules";
export { DEFAULT_SYNTHETIC_STATIONS } from "../datasets/air_quality/index";

/**
 * The `Location`s a source is asked about, per built-in dataset, as its module resolves them:
 * cities (gazetteer or custom) for weather, tickers for stocks, stations for air quality. Defaults:
 * Paris, London, Berlin; the seven tickers of seeds 001/004; the synthetic stations (OpenAQ needs ids).
 */
export function subjectsFor(dataset: string, source: string, request: SubjectRequest): Location[] {
  const module = datasetModule(dataset);
  if (!module) throw new InvalidSubjectError("dataset", `"${dataset}" is not a built-in dataset`);
  return module.subjects.resolve(request, source);
}
