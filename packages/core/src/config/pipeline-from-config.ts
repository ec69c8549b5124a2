import { arrivalHourFirehose, arrivalHourPartitionKeys, tablesOf } from "../pipeline/conventions";
import { pipeline as builtIn } from "../pipeline/pipeline";
import type { ColumnSpec, DatasetDefinition, PipelineDefinition, RunFacts } from "../pipeline/types";
import { dirname } from "node:path";
import { type BuiltInEntry, type FilesEntry, type RestEntry, type SluiceConfig, withFacts } from "./config";

/** The built-in datasets' names (what a config entry may tune without defining a source). */
export const BUILT_IN_DATASETS: readonly string[] = Object.keys(builtIn.datasets);

/**
 * The pipeline the config describes: the built-in datasets with the config's choices applied
 * (disabled ones left out), plus a dataset per REST entry. The stacks, the CLI, the API and the
 * producers all read this one value.
 */
export function pipelineFromConfig(config: SluiceConfig, base: PipelineDefinition = builtIn): PipelineDefinition {
  const datasets: Record<string, DatasetDefinition> = {};
  for (const [name, dataset] of Object.entries(base.datasets)) {
    const entry = config.datasets[name] as BuiltInEntry | undefined;
    if (entry?.enabled === false) continue;
    datasets[name] = entry ? tuned(dataset, entry) : dataset;
  }
  for (const [name, entry] of Object.entries(config.datasets)) {
    if (name in base.datasets || entry.enabled === false) continue;
    datasets[name] = ownDataset(name, entry as RestEntry | FilesEntry, config.path === undefined || config.path === "config" ? undefined : dirname(config.path));
  }
  return { ...base, datasets };
}

/** The settings every entry may change, applied to a dataset. */
function tuned(dataset: DatasetDefinition, entry: BuiltInEntry | RestEntry | FilesEntry): DatasetDefinition {
  const rules = entry.rules;
  return {
    ...dataset,
    ...(entry.description ? { description: entry.description } : {}),
    ...(entry.schedule ? { schedule: entry.schedule } : {}),
    ...(entry.runSchedule ? { runSchedule: entry.runSchedule } : {}),
    ...(entry.runRange ? { runRange: entry.runRange } : {}),
    ...(entry.overlapHours !== undefined ? { overlapHours: entry.overlapHours } : {}),
    ...(entry.ingestMode ? { ingestMode: entry.ingestMode } : {}),
    ...(entry.keepVersions ? { keepVersions: entry.keepVersions } : {}),
    ...(entry.dedup ? { transform: { ...dataset.transform, dedup: entry.dedup } } : {}),
    ...(entry.subjects || entry.variables ? { defaults: { ...dataset.defaults, ...(entry.subjects ? { subjects: entry.subjects } : {}), ...(entry.variables ? { variables: entry.variables } : {}) } } : {}),
    ...(rules && rules.length > 0 ? { dqRules: withRules(dataset.dqRules, rules, entry.replaceRules === true) } : entry.replaceRules ? { dqRules: () => "Rules = [ RowCount > 0 ]" } : {}),
  };
}

/** The dataset's rules plus the config's (or the config's alone), with the run's facts put in. */
function withRules(own: (facts: RunFacts) => string, extra: readonly string[], replace: boolean): (facts: RunFacts) => string {
  return (facts) => {
    const added = extra.map((rule) => withFacts(rule, { from: facts.from, to: facts.to, subjectCount: facts.locationCount }));
    if (replace) return `Rules = [\n    ${added.join(",\n    ")}\n]`;
    const text = own(facts).trimEnd();
    if (!text.endsWith("]")) throw new Error(`the dataset's rules do not end with ]: ${text.slice(-40)}`);
    return `${text.slice(0, -1).trimEnd()},\n    ${added.join(",\n    ")}\n]`;
  };
}

/**
 * A dataset of the user's own, fed by the declarative REST source or by files: records are the schema's columns
 * plus `subject` (what the run asked about: the raw partition) and `collection_time` (when sluice
 * fetched it: orders the collections of one key); production holds one row per key, its month is
 * the time column's.
 */
function ownDataset(name: string, entry: RestEntry | FilesEntry, baseDir: string | undefined): DatasetDefinition {
  // Timestamps arrive as ISO-8601 text (the source normalizes epoch values): the clean view casts them.
  const timestamps = entry.schema.filter((c) => c.type === "timestamp" || c.name === entry.time.column).map((c) => c.name);
  const columns: ColumnSpec[] = entry.schema.map((c) => ({
    name: c.name,
    type: timestamps.includes(c.name) ? "string" : c.type,
    nullable: c.name === entry.time.column || entry.key.includes(c.name) ? false : c.nullable,
    ...(c.description ? { description: c.description } : {}),
  }));
  const key = entry.key.includes("subject") ? entry.key : ["subject", ...entry.key];
  const dataset: DatasetDefinition = {
    name,
    description: entry.description ?? (entry.source.type === "rest" ? `${name}: records from ${entry.source.client.base_url} (declarative REST source)` : `${name}: records from ${entry.source.path} (${entry.source.format} files)`),
    recordSchema: [
      { name: "subject", type: "string", nullable: false, description: "What the run asked the API about ({subject})" },
      ...columns,
      { name: "collection_time", type: "string", nullable: false, description: "When sluice fetched the record, UTC ISO-8601" },
    ],
    rawPartitionKeys: arrivalHourPartitionKeys("subject"),
    firehose: arrivalHourFirehose(name, "subject", "subject"),
    tables: tablesOf(name),
    transform: {
      keyColumns: key,
      collectedAt: "collection_time",
      dedup: entry.dedup ?? "latest",
      timestampColumns: [...timestamps, "collection_time"],
      timeColumn: entry.time.column,
      derivedColumns: {},
      partitionBy: ["yr_mo_partition"],
      parquetCompression: "ZSTD",
    },
    dqRules: () =>
      `Rules = [
    RowCount > 0,
    ${key.map((c) => `IsComplete "${c}"`).join(",\n    ")},
    IsComplete "${entry.time.column}",
    IsPrimaryKey ${key.map((c) => `"${c}"`).join(" ")}
]`,
    keepVersions: 3,
    schedule: "rate(1 hour)",
    ...(entry.source.type === "rest"
      ? { rest: { config: { ...entry.source, time: entry.source.time ?? entry.time } } }
      : { files: { config: { ...entry.source, time: entry.source.time ?? entry.time }, ...(baseDir ? { baseDir } : {}) } }),
  };
  return tuned(dataset, { ...entry, dedup: undefined });
}
