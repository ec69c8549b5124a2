/** Column types as the Glue/Athena catalog names them (the twin maps them to DuckDB types). */
export type ColumnType = "string" | "double" | "bigint" | "boolean" | "timestamp" | "date";

/** One column of a record schema or a table. */
export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
  /** A record may carry `null` here (Open-Meteo sends `null` for missing values). */
  readonly nullable: boolean;
  readonly description?: string;
}

/** A place the source is asked about. */
export interface Location {
  readonly name: string;
  readonly latitude: number;
  readonly longitude: number;
}

/** The days a scheduled run covers: relative to the day the execution starts, or fixed. */
export type RunRange = { readonly days: number } | { readonly from: string; readonly to: string };

/** Firehose buffering hints (AWS `BufferingHints`): flush at whichever comes first. */
export interface BufferingHints {
  readonly sizeInMBs: number;
  readonly intervalInSeconds: number;
}

/** The Firehose delivery settings of a dataset, written once and read by the stack and the twin. */
export interface FirehoseSpec {
  /** Delivery stream name without the stage (the stack prefixes the app and stage). */
  readonly streamName: string;
  /** Bucket-relative S3 prefix, in Firehose's expression language. */
  readonly prefix: string;
  /** Bucket-relative error output prefix; must contain `!{firehose:error-output-type}`. */
  readonly errorOutputPrefix: string;
  /** jq query producing the partition keys (`MetadataExtractionQuery`), or undefined when dynamic partitioning is off. */
  readonly partitionKeyQuery?: string;
  /** Hints used on AWS (≥ 64 MiB when dynamic partitioning is on). */
  readonly buffering: BufferingHints;
  /** Hints the local twin uses; smaller is fine for demos. */
  readonly localBuffering: BufferingHints;
  readonly compression: "GZIP" | "UNCOMPRESSED";
  /** `AppendDelimiterToRecord` processor: a newline after each record. */
  readonly appendNewline: boolean;
}

/** Bucket names of the lake; on the twin each is a folder under `--lake`. */
export interface LakeBuckets {
  readonly raw: string;
  readonly processed: string;
  readonly prod: string;
  readonly athenaResults: string;
}

/** Table names of a dataset in the catalog. */
export interface DatasetTables {
  readonly raw: string;
  readonly clean: string;
  readonly parquet: string;
  readonly prod: string;
  /** A run's new raw objects, staged (raw-shaped, JSON): the incremental transform reads only these. */
  readonly stage: string;
}

/** Which collection of a key wins. */
export type DedupPolicy = "latest" | "first";

/** How raw records become the clean view and the Parquet table. */
export interface TransformSpec {
  /** One clean row per value of these columns (Firehose delivers at least once). */
  readonly keyColumns: readonly string[];
  /** When a record was collected (ISO-8601 string): orders the collections of one key. */
  readonly collectedAt: string;
  /**
   * Which collection of a key the clean view and the incremental merge keep: `latest` (the most
   * recent collection wins: a re-fetched forecast replaces the early one) or `first`.
   */
  readonly dedup: DedupPolicy;
  /** Raw ISO-8601 string columns that the clean view turns into timestamps. */
  readonly timestampColumns: readonly string[];
  /** The event-time column; its `YYYY-MM` (UTC) is the Parquet table's month partition. */
  readonly timeColumn: string;
  /** Extra clean-view columns computed from others, as Athena SQL expressions (name → expression). */
  readonly derivedColumns: Readonly<Record<string, string>>;
  /** Partition columns of the Parquet and production tables, last in every CTAS. */
  readonly partitionBy: readonly string[];
  readonly parquetCompression: "ZSTD" | "SNAPPY" | "GZIP";
}

/** Values a run substitutes into the DQ rules template (`${locationCount}`, `${from}`, …). */
export interface RunFacts {
  readonly locationCount: number;
  /** First requested day, `YYYY-MM-DD`. */
  readonly from: string;
  /** Last requested day, `YYYY-MM-DD`. */
  readonly to: string;
}

/** Everything a dataset is: written once, read by the stacks, the twin and the docs. */
export interface DatasetDefinition {
  readonly name: string;
  readonly description: string;
  /** The record as it is sent to Firehose (before the catalog adds partition columns). */
  readonly recordSchema: readonly ColumnSpec[];
  /** Partition columns of the raw table, in path order (all strings, as a Glue crawler makes them). */
  readonly rawPartitionKeys: readonly string[];
  readonly firehose: FirehoseSpec;
  readonly tables: DatasetTables;
  readonly transform: TransformSpec;
  /** DQDL rules run on the Parquet table before publishing, built from the run's facts. */
  readonly dqRules: (facts: RunFacts) => string;
  /** Production versions kept for rollback. */
  readonly keepVersions: number;
  /** EventBridge schedule of the producer on AWS. */
  readonly schedule: string;
  /** EventBridge schedule of the end-to-end run on AWS, when the config sets one. */
  readonly runSchedule?: string;
  /** What each scheduled run covers: the last `days` days through the execution's day, or fixed days (default: yesterday..today). */
  readonly runRange?: RunRange;
  /** Hours a scheduled ingest re-fetches before its cursor (config `overlapHours`; default `DEFAULT_OVERLAP_HOURS`). */
  readonly overlapHours?: number;
  /** What a scheduled ingest collects (config `ingestMode`; default hourly). */
  readonly ingestMode?: import("../sources/source").IngestMode;
  /** What a run of this dataset asks for when the CLI, API or producer names nothing (from the config). */
  readonly defaults?: DatasetDefaults;
  /** A dataset of the user's own: the declarative REST source that feeds it (`source: "rest"`). */
  readonly rest?: RestDatasetSource;
  /** A dataset of the user's own fed from files (`source: "files"`). */
  readonly files?: FilesDatasetSource;
}

/** Subjects and variables a dataset's runs use by default (the project config's choice). */
export interface DatasetDefaults {
  /** Names (gazetteer cities, tickers, station ids, a REST API's subjects) or places with coordinates. */
  readonly subjects?: readonly (string | Location)[];
  readonly variables?: readonly string[];
}

/** The REST source config of a dataset defined in the project config (`sources/rest`'s schema, checked). */
export interface RestDatasetSource {
  readonly config: import("../sources/rest/config").RestSourceConfig;
}

/** The files source config of a dataset defined in the project config, and the folder its relative paths start from. */
export interface FilesDatasetSource {
  readonly config: import("../sources/files/config").FilesSourceConfig;
  /** The config file's folder (relative paths in `path` are read from there). */
  readonly baseDir?: string;
}

/** The whole pipeline: the lake, the catalog database and the datasets. */
export interface PipelineDefinition {
  readonly app: string;
  readonly glueDatabase: string;
  readonly buckets: LakeBuckets;
  readonly datasets: Readonly<Record<string, DatasetDefinition>>;
}
