import { defaultVariablesOf, scheduledSubjectsOf } from "../config/project";
import { DATASET_MODULES } from "../datasets/registry";
import type { DatasetDefinition, Location } from "../pipeline/types";
import { sourcesOf } from "../sources/factory";
import { lookupCity } from "../sources/gazetteer";
import type { RunParameters } from "./run-record";

/** The source an unattended run (a schedule, the producer) uses for a built-in dataset: its module's real API. */
export const SCHEDULED_SOURCE: Readonly<Record<string, string>> = Object.fromEntries(DATASET_MODULES.map((m) => [m.definition.name, m.scheduledSource]));

/** What of a dataset an unattended run's defaults depend on. */
export type ScheduledDataset = Pick<DatasetDefinition, "name" | "rest" | "files" | "defaults">;

/** The source an unattended run of `dataset` uses: the built-in dataset's real API, a config dataset's own source. */
export function scheduledSourceOf(dataset: ScheduledDataset): string {
  return SCHEDULED_SOURCE[dataset.name] ?? sourcesOf(dataset)[0] ?? "synthetic";
}

/** What an unattended event may name: `subjects` for any dataset, or the built-in datasets' aliases. */
export interface ScheduledSubjects {
  readonly subjects?: readonly (string | Location)[];
  /** weather: gazetteer names or places. */
  readonly locations?: readonly (string | Location)[];
  /** stocks: ticker symbols. */
  readonly tickers?: readonly string[];
  /** air_quality: OpenAQ location ids. */
  readonly stations?: readonly string[];
  readonly variables?: readonly string[];
}

/** The event names no subject and neither the config nor the dataset has a default (OpenAQ stations, a config dataset without subjects). */
export class NoSubjectsError extends Error {
  override readonly name = "NoSubjectsError";
  constructor(readonly dataset: string) {
    super(`an unattended ${dataset} ingest or run has no subjects: set datasets.${dataset}.subjects in sluice.config.ts, or start it with { "dataset": "${dataset}", "subjects": [ … ] }`);
  }
}

/**
 * The subjects as the sources' `Location`s, and the variables, of an unattended ingest or run:
 * what the event names, else the project config's (the dataset's `defaults`), else the dataset's
 * own defaults (weather's three cities, the seeds' tickers); air quality and a config dataset
 * without subjects are refused by name. Weather names are gazetteer cities; tickers are upper-cased;
 * the other subjects are names (their sources ignore coordinates).
 */
export function scheduledSubjects(dataset: ScheduledDataset, input: ScheduledSubjects): Pick<RunParameters, "locations" | "variables"> {
  const given = input.subjects ?? input.locations ?? input.tickers ?? input.stations ?? scheduledSubjectsOf(dataset);
  if (!given || given.length === 0) throw new NoSubjectsError(dataset.name);
  const variables = input.variables ? [...input.variables] : defaultVariablesOf(dataset);
  const own = dataset.rest !== undefined || dataset.files !== undefined;
  if (!own && dataset.name === "weather") return { locations: given.map((l) => (typeof l === "string" ? lookupCity(l) : l)), variables };
  const names = given.map((s) => (typeof s === "string" ? s : s.name)).map((n) => (!own && dataset.name === "stocks" ? n.toUpperCase() : n));
  return { locations: [...new Set(names)].map((name) => ({ name, latitude: 0, longitude: 0 })), variables };
}
