import type { Location } from "../pipeline/types";
import { subjectNameProblem } from "../sources/gazetteer";

/** What a run is asked about, as the CLI and the API name it. */
export interface SubjectRequest {
  /** weather: gazetteer city names. */
  readonly cities?: readonly string[];
  /** weather: custom `Name=lat,lon` places. */
  readonly custom?: readonly string[];
  /** stocks: ticker symbols. */
  readonly tickers?: readonly string[];
  /** air_quality: OpenAQ location ids (names for the synthetic source). */
  readonly stations?: readonly string[];
}

/** A subject that does not fit the dataset, naming the field (`tickers`, `stations`, …) and why. */
export class InvalidSubjectError extends Error {
  override readonly name = "InvalidSubjectError";
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** Whether the request names anything in `field`. */
export function given(request: SubjectRequest, field: keyof SubjectRequest): boolean {
  return (request[field]?.length ?? 0) > 0;
}

/** Refuses the fields that belong to other datasets. */
export function refuseFields(dataset: string, request: SubjectRequest, ...fields: (keyof SubjectRequest)[]): void {
  for (const field of fields) if (given(request, field)) throw new InvalidSubjectError(field, `does not apply to dataset ${dataset}`);
}

/** Names as Locations (their sources ignore coordinates), each at most once and fit for a partition value. */
export function namedSubjects(field: string, names: readonly string[]): Location[] {
  const seen = new Set<string>();
  for (const name of names) {
    const problem = subjectNameProblem(name);
    if (problem !== undefined) throw new InvalidSubjectError(field, problem);
    if (seen.has(name)) throw new InvalidSubjectError(field, `"${name}" is given twice; name each one once`);
    seen.add(name);
  }
  return names.map((name) => ({ name, latitude: 0, longitude: 0 }));
}

/** Names in a built-in dataset's own subject field; for cities, `Name=lat,lon` names are custom places. */
export function subjectRequestOf(field: "cities" | "tickers" | "stations", names: readonly string[]): SubjectRequest {
  if (field !== "cities") return { [field]: names };
  return { cities: names.filter((n) => !n.includes("=")), custom: names.filter((n) => n.includes("=")) };
}
