import { datasetModule } from "../datasets/registry";
import { InvalidSubjectError, subjectRequestOf } from "../datasets/subject-rules";
import { subjectNameProblem, UnknownLocationError } from "../sources/gazetteer";
import type { ConfigIssue } from "./load";

/** A built-in dataset's config subject: a name, or (weather) a place with coordinates. */
type ConfigSubject = string | { readonly name: string; readonly latitude: number; readonly longitude: number };

/**
 * The issues of a built-in dataset's `subjects`, checked as its scheduled source would take them
 * (weather: gazetteer names; stocks: ticker symbols; partition-safe names, each once), so a config
 * the producer could not use stops the command or the synthesis naming the field, instead of
 * deploying a producer that fails every hour or blaming a CLI flag nobody gave.
 */
export function builtInSubjectIssues(dataset: string, subjects: readonly ConfigSubject[] | undefined): ConfigIssue[] {
  const module = datasetModule(dataset);
  if (!module || !subjects || subjects.length === 0) return [];
  const names = subjects.map((s) => (typeof s === "string" ? s : `${s.name}=${s.latitude},${s.longitude}`));
  const resolve = (list: readonly string[]) => module.subjects.resolve(subjectRequestOf(module.subjects.field, list), module.scheduledSource);
  const issues: ConfigIssue[] = [];
  for (const [index, name] of names.entries()) {
    const problem = problemOf(() => resolve([name]));
    if (problem !== undefined) issues.push({ path: `datasets.${dataset}.subjects[${index}]`, message: problem });
  }
  if (issues.length > 0) return issues;
  const together = problemOf(() => resolve(names));
  return together === undefined ? [] : [{ path: `datasets.${dataset}.subjects`, message: together }];
}

function problemOf(resolve: () => unknown): string | undefined {
  try {
    resolve();
    return undefined;
  } catch (error) {
    if (error instanceof UnknownLocationError) {
      const guess = error.suggestions.length > 0 ? `; did you mean ${error.suggestions.map((s) => `"${s}"`).join(", ")}?` : "";
      return `unknown city "${error.query}"${guess} (a place not in the built-in list: { "name": …, "latitude": …, "longitude": … })`;
    }
    if (error instanceof InvalidSubjectError) return error.reason;
    if (error instanceof Error) return error.message;
    throw error;
  }
}

/**
 * The issues of a built-in dataset's `variables`: each must be one its module knows (weather's
 * Open-Meteo variables, OpenAQ's parameters; stocks has none), as POST /runs checks a request's,
 * so a misspelt variable stops the command or the synthesis naming the field instead of failing
 * the producer at its first call.
 */
export function builtInVariableIssues(dataset: string, variables: readonly string[] | undefined): ConfigIssue[] {
  const module = datasetModule(dataset);
  if (!module || !variables) return [];
  const known = module.variables.known ?? [];
  return variables.flatMap((variable, index) =>
    known.includes(variable)
      ? []
      : [{ path: `datasets.${dataset}.variables[${index}]`, message: known.length > 0 ? `"${variable}" is not a variable of dataset ${dataset}; known: ${known.join(", ")}` : `dataset ${dataset} takes no variables (got "${variable}")` }],
  );
}

/**
 * The issues of a dataset of the user's own's `subjects` and `variables`: a subject is the
 * `{subject}` value its source asks for and its raw partition, so a name fit for a partition value,
 * each once (as `--subjects` and POST /runs check them); coordinates and variables are read by no
 * REST or files source, so they are refused rather than silently ignored.
 */
export function ownEntryIssues(dataset: string, entry: { readonly subjects?: readonly ConfigSubject[]; readonly variables?: readonly string[] }): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  for (const [index, subject] of (entry.subjects ?? []).entries()) {
    const path = `datasets.${dataset}.subjects[${index}]`;
    if (typeof subject !== "string") {
      issues.push({ path, message: `a subject of dataset ${dataset} is a name (its {subject} value): coordinates are weather's only` });
      continue;
    }
    const problem = subjectNameProblem(subject) ?? (seen.has(subject) ? `"${subject}" is given twice; name each one once` : undefined);
    if (problem !== undefined) issues.push({ path, message: problem });
    seen.add(subject);
  }
  if (entry.variables !== undefined) {
    issues.push({ path: `datasets.${dataset}.variables`, message: `dataset ${dataset} takes no variables: its source asks for endpoint.params (or reads fields), which name what it fetches` });
  }
  return issues;
}

/**
 * A `schedule` or `runSchedule` set for a dataset that has nothing to ask for (no config subjects,
 * no scheduled defaults: air quality, a dataset of the user's own): its producer would not be
 * deployed and every scheduled run would fail with NoSubjectsError, so it is refused by name.
 */
export function scheduleIssues(dataset: string, entry: { readonly enabled?: boolean; readonly subjects?: readonly unknown[]; readonly schedule?: string; readonly runSchedule?: string }): ConfigIssue[] {
  if (entry.enabled === false || (entry.subjects?.length ?? 0) > 0 || (datasetModule(dataset)?.subjects.scheduledDefaults?.length ?? 0) > 0) return [];
  return (["schedule", "runSchedule"] as const).flatMap((field) =>
    entry[field] === undefined ? [] : [{ path: `datasets.${dataset}.${field}`, message: `dataset ${dataset} has no subjects, so nothing could run on this schedule: set datasets.${dataset}.subjects` }],
  );
}
