import type { DatasetTables, FirehoseSpec } from "./types";

/**
 * Firehose settings of a dataset partitioned by one record field and the arrival hour, as every
 * sluice dataset is: `<dataset>/<key>=<record field>/year=…/month=…/day=…/hour=…/`, errors under
 * `errors/<dataset>/<error type>/…`, GZIP NDJSON, 64 MiB buffers on AWS (dynamic partitioning's
 * minimum), 16 MiB on the twin.
 */
export function arrivalHourFirehose(dataset: string, key: string, field: string): FirehoseSpec {
  const day = "year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/";
  return {
    streamName: dataset,
    prefix: `${dataset}/${key}=!{partitionKeyFromQuery:${key}}/${day}hour=!{timestamp:HH}/`,
    errorOutputPrefix: `errors/${dataset}/!{firehose:error-output-type}/${day}`,
    partitionKeyQuery: `{${key}: .${field}}`,
    buffering: { sizeInMBs: 64, intervalInSeconds: 60 },
    localBuffering: { sizeInMBs: 16, intervalInSeconds: 60 },
    compression: "GZIP",
    appendNewline: true,
  };
}

/** The raw table's partition columns for `arrivalHourFirehose`'s prefix. */
export function arrivalHourPartitionKeys(key: string): string[] {
  return [key, "year", "month", "day", "hour"];
}

/** `raw_<d>`, `clean_<d>`, `<d>_parquet`, `<d>_prod`, `stage_<d>`. */
export function tablesOf(dataset: string): DatasetTables {
  return { raw: `raw_${dataset}`, clean: `clean_${dataset}`, parquet: `${dataset}_parquet`, prod: `${dataset}_prod`, stage: `stage_${dataset}` };
}
