import { join } from "node:path";
import { backfillStartLockKey, ObjectStoreBackfillCursors, type BackfillCursorStore } from "../backfill/cursor-store";
import { AthenaClient } from "@aws-sdk/client-athena";
import { FirehoseClient } from "@aws-sdk/client-firehose";
import { GlueClient } from "@aws-sdk/client-glue";
import { S3Client } from "@aws-sdk/client-s3";
import { SFNClient } from "@aws-sdk/client-sfn";
import { SNSClient } from "@aws-sdk/client-sns";
import type { ApiDeps, ApiLimits } from "../api/deps";
import { CatalogProductionVersion } from "../api/production-version";
import { loadWebAssets } from "../api/web-assets";
import type { WebAssets } from "../api/web-assets";
import { AthenaWarehouse } from "../aws/athena-warehouse";
import { realSleep } from "../aws/aws-errors";
import { FirehoseDeliveryStream } from "../aws/firehose-delivery-stream";
import { GlueCatalog } from "../aws/glue-catalog";
import { BACKFILL_START_LOCK_TTL_MS, StepFunctionsBackfillLauncher } from "../aws/sfn-backfill-launcher";
import { StepFunctionsRunLauncher } from "../aws/sfn-run-launcher";
import { S3ObjectStore } from "../aws/s3-object-store";
import { S3RunLock } from "../aws/s3-run-lock";
import { SnsDqAlerts } from "../aws/sns-dq-alerts";
import { ObjectStoreErrorSink, PutRecordBatchBatcher } from "../delivery";
import { CLIENT_ERROR_OUTPUT_TYPE } from "../delivery/error-sink";
import { ingest } from "../ingest/ingest";
import type { IngestDelivery } from "../ingest/ingest";
import { ObjectCursorStore } from "../ingest/cursor";
import type { CursorStore } from "../ingest/cursor";
import { incrementalSettingsOf, ingestIncrementally } from "../ingest/incremental";
import type { IncrementalReport, ScheduledIngestParameters } from "../ingest/incremental";
import type { IngestMode, Source } from "../sources/source";
import type { IngestProgress, IngestSummary } from "../ingest/summary";
import type { Clock } from "../lake/clock";
import { systemClock } from "../lake/clock";
import type { Logger } from "../log/logger";
import { bundledProject, datasetSecretNames } from "../config/project";
import type { DatasetDefinition, LakeBuckets, PipelineDefinition } from "../pipeline/types";
import { evaluateDqdl } from "../run/dq-evaluator";
import type { DqEvaluator } from "../run/dq-port";
import { RunEngine } from "../run/run-engine";
import type { RunParameters } from "../run/run-record";
import { ObjectRunStore } from "../run/run-store";
import { sourceFor } from "../sources/factory";
import { quotasOf } from "../sources/source-quotas";
import type { SourceSettings } from "../sources/factory";

/** Physical AWS names the stacks bind to the functions (plain values, so tests need no env). */
export interface AwsRuntimeConfig {
  readonly region?: string;
  readonly buckets: LakeBuckets;
  readonly glueDatabase: string;
  readonly athenaWorkgroup: string;
  /** Delivery stream name per dataset (`weather` → FIREHOSE_STREAM_WEATHER). */
  readonly firehoseStreams: Readonly<Record<string, string>>;
  readonly rawCrawler?: string;
  /** The run state machine's ARN (RUN_STATE_MACHINE): POST /runs starts its executions. */
  readonly runStateMachine?: string;
  /** The back-fill state machine's ARN (BACKFILL_STATE_MACHINE): POST /backfills starts its executions. */
  readonly backfillStateMachine?: string;
  readonly dqAlertTopic?: string;
  /** API keys of the sources, from the POLYGON_API_KEY / OPENAQ_API_KEY secrets bound to this function. */
  readonly sourceKeys?: Pick<SourceSettings, "polygonApiKey" | "openAqApiKey">;
  /** The REST datasets' auth secrets by name, from the `Config.Secret`s bound to this function. */
  readonly restSecrets?: Readonly<Record<string, string>>;
}

/** The SDK clients; tests pass clients whose `send` aws-sdk-client-mock has replaced. */
export interface AwsClients {
  readonly s3: S3Client;
  readonly firehose: FirehoseClient;
  readonly glue: GlueClient;
  readonly athena: AthenaClient;
  readonly sns: SNSClient;
  readonly sfn: SFNClient;
}

/** Options of the AWS runtime. */
export interface AwsRuntimeOptions {
  readonly config: AwsRuntimeConfig;
  readonly logger: Logger;
  /** The logical pipeline (default: the bundled project config's, else the built-in one); its buckets and database are replaced by the physical names. */
  readonly pipeline?: PipelineDefinition;
  readonly clients?: Partial<AwsClients>;
  readonly clock?: Clock;
  /** Waits of Athena/Glue polling and of the delivery settle time (injected in tests). */
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * How long a run waits after ingesting before it crawls: Firehose writes to S3 only when its
   * buffer interval elapses. Default: the dataset's AWS interval plus 30 s.
   */
  readonly deliverySettleMs?: (dataset: DatasetDefinition) => number;
  /** Age after which the run lock is stale (default 2 h). */
  readonly lockTtlMs?: number;
  /** Settings of the sources (base URL…); they win over the bound API keys. */
  readonly sourceSettings?: SourceSettings;
}

/** The names SST binds (bindings doc); `weather`'s stream is FIREHOSE_STREAM_WEATHER, and so on. */
export const SST_BINDINGS = {
  rawBucket: "RAW_BUCKET",
  processedBucket: "PROCESSED_BUCKET",
  prodBucket: "PROD_BUCKET",
  athenaResultsBucket: "ATHENA_RESULTS_BUCKET",
  glueDatabase: "GLUE_DATABASE",
  athenaWorkgroup: "ATHENA_WORKGROUP",
  rawCrawler: "RAW_CRAWLER",
  runStateMachine: "RUN_STATE_MACHINE",
  backfillStateMachine: "BACKFILL_STATE_MACHINE",
  dqAlertTopic: "DQ_ALERT_TOPIC",
  apiToken: "API_TOKEN",
  polygonApiKey: "POLYGON_API_KEY",
  openAqApiKey: "OPENAQ_API_KEY",
  firehoseStreamPrefix: "FIREHOSE_STREAM_",
} as const;

/** Where the API function's `copyFiles` puts packages/web/* inside the bundle (stacks/Api.ts). */
export const LAMBDA_WEB_DIR = "web";

/** Longest an API request waits for Athena: inside API Gateway's 30 s integration timeout. */
export const API_QUERY_TIMEOUT_MS = 25_000;

/** Options of the HTTP API on AWS. */
export interface AwsApiOptions {
  /** Bearer token of the POST routes (the API_TOKEN secret). */
  readonly token: string;
  /** The dashboard's folder (default `$LAMBDA_TASK_ROOT/web`, else packages/web); uPlot is resolved from node_modules next to the code. */
  readonly webDir?: string;
  /** Files to serve instead of reading `webDir` (tests). */
  readonly assets?: WebAssets;
  /** How long production's version is trusted before Glue is read again (default 5 s). */
  readonly productionTtlMs?: number;
  /** Athena queries of a request are stopped after this long (default 25 s). */
  readonly queryTimeoutMs?: number;
  readonly limits?: Partial<ApiLimits>;
}

/** A binding the function was not given. */
export class MissingBindingError extends Error {
  override readonly name = "MissingBindingError";
  constructor(readonly binding: string) {
    super(`Config.${binding} is not bound to this function: bind the Config.Parameter in its stack`);
  }
}

/**
 * Reads the physical names from SST v2's bound `Config` parameters. `sst/node/config` is imported
 * here only, and lazily: importing it reads the SST_* environment (and may call SSM), which must
 * not happen when domain code or tests merely import this module.
 */
export async function fromSstBindings(datasets: readonly string[] = Object.keys(bundledProject().pipeline.datasets)): Promise<AwsRuntimeConfig> {
  const { Config } = await import("sst/node/config");
  const values = Config as unknown as Record<string, string | undefined>;
  const read = (name: string): string | undefined => {
    try {
      return values[name];
    } catch {
      return undefined; // SST's proxy throws for a name that is not bound
    }
  };
  const required = (name: string): string => {
    const value = read(name);
    if (!value) throw new MissingBindingError(name);
    return value;
  };
  const optional = (name: string) => read(name);
  const streams: Record<string, string> = {};
  for (const dataset of datasets) {
    const value = optional(SST_BINDINGS.firehoseStreamPrefix + dataset.toUpperCase());
    if (value) streams[dataset] = value;
  }
  const rawCrawler = optional(SST_BINDINGS.rawCrawler);
  const runStateMachine = optional(SST_BINDINGS.runStateMachine);
  const backfillStateMachine = optional(SST_BINDINGS.backfillStateMachine);
  const dqAlertTopic = optional(SST_BINDINGS.dqAlertTopic);
  // Secrets are bound only to the functions that fetch stocks or air quality (stacks/source-secrets.ts).
  const polygonApiKey = optional(SST_BINDINGS.polygonApiKey);
  const openAqApiKey = optional(SST_BINDINGS.openAqApiKey);
  // A config dataset's REST auth secret: bound to its producer and the runner (stacks/Ingest.ts).
  const restSecrets: Record<string, string> = {};
  for (const name of new Set(datasets.flatMap((d) => (bundledProject().pipeline.datasets[d]?.rest ? datasetSecretNames(bundledProject().pipeline.datasets[d]!) : [])))) {
    const value = optional(name);
    if (value) restSecrets[name] = value;
  }
  return {
    buckets: {
      raw: required(SST_BINDINGS.rawBucket),
      processed: required(SST_BINDINGS.processedBucket),
      prod: required(SST_BINDINGS.prodBucket),
      athenaResults: required(SST_BINDINGS.athenaResultsBucket),
    },
    glueDatabase: required(SST_BINDINGS.glueDatabase),
    athenaWorkgroup: required(SST_BINDINGS.athenaWorkgroup),
    firehoseStreams: streams,
    ...(rawCrawler ? { rawCrawler } : {}),
    ...(runStateMachine ? { runStateMachine } : {}),
    ...(backfillStateMachine ? { backfillStateMachine } : {}),
    ...(dqAlertTopic ? { dqAlertTopic } : {}),
    ...(Object.keys(restSecrets).length > 0 ? { restSecrets } : {}),
    ...(polygonApiKey || openAqApiKey ? { sourceKeys: { ...(polygonApiKey ? { polygonApiKey } : {}), ...(openAqApiKey ? { openAqApiKey } : {}) } } : {}),
  };
}

/** The API token from the bound `API_TOKEN` Config.Secret (SST reads it from SSM when the module loads). */
export async function apiTokenFromSst(): Promise<string> {
  const { Config } = await import("sst/node/config");
  let token: string | undefined;
  try {
    token = (Config as unknown as Record<string, string | undefined>)[SST_BINDINGS.apiToken];
  } catch {
    token = undefined; // SST's proxy throws for a name that is not bound
  }
  if (!token) throw new MissingBindingError(SST_BINDINGS.apiToken);
  return token;
}

/** The HTTP API's ports built from the SST bindings: what `api.handler` serves. */
export async function apiDepsFromSst(logger: Logger): Promise<ApiDeps> {
  const [config, token] = await Promise.all([fromSstBindings(), apiTokenFromSst()]);
  return new AwsRuntime({ config, logger }).apiDeps({ token });
}

/**
 * Hides deployment details from messages shown to API clients (Athena and S3 errors name
 * buckets, ARNs and the account): ARNs become `<arn>`, account ids `<account>`, each bucket its
 * logical name in angle brackets (`s3://<prod>/…`), the Glue database its logical name.
 */
export function awsRedactor(config: AwsRuntimeConfig, logical: PipelineDefinition = bundledProject().pipeline): (message: string) => string {
  const names: [string, string][] = [
    ...(Object.entries(config.buckets) as [keyof LakeBuckets, string][]).map(([role, name]): [string, string] => [name, `<${logical.buckets[role]}>`]),
    [config.athenaWorkgroup, "<workgroup>"],
    [config.glueDatabase, logical.glueDatabase],
  ];
  // Longest first, so a name that contains another is replaced whole.
  names.sort((a, b) => b[0].length - a[0].length);
  return (message) => {
    let out = message.replace(/\barn:aws[a-z-]*:[^\s"'`,;()]+/g, "<arn>");
    for (const [name, replacement] of names) if (name) out = out.split(name).join(replacement);
    return out.replace(/(?<![0-9])[0-9]{12}(?![0-9])/g, "<account>");
  };
}

/** The pipeline definition with the twin's folder names replaced by the bound physical names. */
export function physicalPipeline(logical: PipelineDefinition, config: AwsRuntimeConfig): PipelineDefinition {
  return { ...logical, buckets: { ...config.buckets }, glueDatabase: config.glueDatabase };
}

/**
 * The AWS composition root: every port bound to its AWS adapter (S3, Firehose, Glue, Athena, SNS).
 * The only place that chooses "aws", as `LocalRuntime` is for the twin.
 */
export class AwsRuntime {
  readonly pipeline: PipelineDefinition;
  readonly clients: AwsClients;
  readonly store: S3ObjectStore;
  readonly catalog: GlueCatalog;
  readonly runStore: ObjectRunStore;
  readonly lock: S3RunLock;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The DQ evaluator the run engine uses (DQDL compiled to Athena SQL). */
  readonly evaluateDq: DqEvaluator = evaluateDqdl;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(readonly options: AwsRuntimeOptions) {
    const { config } = options;
    const region = config.region ? { region: config.region } : {};
    this.clients = {
      s3: options.clients?.s3 ?? new S3Client(region),
      firehose: options.clients?.firehose ?? new FirehoseClient(region),
      glue: options.clients?.glue ?? new GlueClient(region),
      athena: options.clients?.athena ?? new AthenaClient(region),
      sns: options.clients?.sns ?? new SNSClient(region),
      sfn: options.clients?.sfn ?? new SFNClient(region),
    };
    this.pipeline = physicalPipeline(options.pipeline ?? bundledProject().pipeline, config);
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger;
    this.sleep = options.sleep ?? realSleep;
    this.store = new S3ObjectStore(this.clients.s3);
    this.catalog = new GlueCatalog(this.clients.glue, { sleep: this.sleep, clock: this.clock });
    this.runStore = new ObjectRunStore(this.store, this.pipeline.buckets.processed);
    this.lock = new S3RunLock(this.clients.s3, {
      bucket: this.pipeline.buckets.processed,
      clock: this.clock,
      ...(options.lockTtlMs !== undefined ? { ttlMs: options.lockTtlMs } : {}),
    });
  }

  /** The dataset's Firehose stream behind the shared PutRecordBatch batcher; rejects go to the raw bucket's error prefix. */
  async delivery(dataset: DatasetDefinition): Promise<IngestDelivery> {
    const streamName = this.options.config.firehoseStreams[dataset.name];
    if (!streamName) throw new MissingBindingError(`${SST_BINDINGS.firehoseStreamPrefix}${dataset.name.toUpperCase()}`);
    const stream = new FirehoseDeliveryStream(this.clients.firehose, streamName);
    const errorSink = new ObjectStoreErrorSink({ spec: dataset.firehose, store: this.store, bucket: this.pipeline.buckets.raw, clock: this.clock, name: streamName });
    const batcher = new PutRecordBatchBatcher(stream, { errorSink, clock: this.clock, sleep: this.sleep });
    return {
      send: async (records) => {
        const before = batcher.counts().rejected;
        // Firehose routes records to its error output later, server-side: only the client's rejects are known here.
        return { toErrorOutput: (await batcher.send(records)).rejected - before };
      },
      // Firehose writes objects later, server-side: the producer only knows what it accepted.
      reject: (rejected) => errorSink.reject(rejected),
      finish: async () => {
        await stream.close();
        const counts = batcher.counts();
        return {
          recordsDelivered: counts.sent,
          objectsWritten: 0,
          partitionsWritten: 0,
          // The batcher's rejects and the source's unmappable items, both written by the error sink.
          errorOutput: errorSink.written > 0 ? { [CLIENT_ERROR_OUTPUT_TYPE]: errorSink.written } : {},
        };
      },
    };
  }

  /** Athena in the bound workgroup over the bound Glue database; `timeoutMs` stops a query that runs longer (default 14 min). */
  async warehouse(options: { timeoutMs?: number } = {}): Promise<AthenaWarehouse> {
    return new AthenaWarehouse(this.clients.athena, {
      workgroup: this.options.config.athenaWorkgroup,
      database: this.pipeline.glueDatabase,
      outputLocation: `s3://${this.pipeline.buckets.athenaResults}/results/`,
      sleep: this.sleep,
      clock: this.clock,
      logger: this.logger,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
  }

  /** Starts runs as executions of the bound run state machine (RUN_STATE_MACHINE). */
  launcher(): StepFunctionsRunLauncher {
    const stateMachineArn = this.options.config.runStateMachine;
    if (!stateMachineArn) throw new MissingBindingError(SST_BINDINGS.runStateMachine);
    return new StepFunctionsRunLauncher(this.clients.sfn, {
      stateMachineArn,
      lock: this.lock,
      runStore: this.runStore,
      clock: this.clock,
      logger: this.logger,
      ...(this.options.lockTtlMs !== undefined ? { lockTtlMs: this.options.lockTtlMs } : {}),
    });
  }

  /** Starts back-fills as executions of the bound back-fill state machine (BACKFILL_STATE_MACHINE). */
  backfillLauncher(): StepFunctionsBackfillLauncher {
    const stateMachineArn = this.options.config.backfillStateMachine;
    if (!stateMachineArn) throw new MissingBindingError(SST_BINDINGS.backfillStateMachine);
    return new StepFunctionsBackfillLauncher(this.clients.sfn, {
      stateMachineArn,
      cursors: this.backfillCursors(),
      quotasOf: ({ dataset, source }) => {
        const definition = this.pipeline.datasets[dataset];
        if (!definition) throw new Error(`unknown dataset "${dataset}"`);
        return quotasOf(definition, source);
      },
      // Held only between the cursor check and StartExecution: a lock older than the API's timeout is stale.
      startLock: (backfillId) => new S3RunLock(this.clients.s3, { bucket: this.pipeline.buckets.processed, key: backfillStartLockKey(backfillId), ttlMs: BACKFILL_START_LOCK_TTL_MS, clock: this.clock }),
      clock: this.clock,
      logger: this.logger,
    });
  }

  /**
   * The HTTP API's ports on AWS (what `localApiDeps` is for the twin): the Glue catalog, run
   * records on S3, Athena for reads, the run state machine for runs, the dashboard's files from the
   * function's bundle, and messages stripped of bucket names, ARNs and account ids.
   */
  async apiDeps(options: AwsApiOptions): Promise<ApiDeps> {
    const logical = this.options.pipeline ?? bundledProject().pipeline;
    return {
      pipeline: this.pipeline,
      catalog: this.catalog,
      runStore: this.runStore,
      warehouse: await this.warehouse({ timeoutMs: options.queryTimeoutMs ?? API_QUERY_TIMEOUT_MS }),
      launcher: this.launcher(),
      backfills: { cursors: this.backfillCursors(), launcher: this.backfillLauncher() },
      // Runs publish in the step runner, never here: another container's publish is seen within the TTL.
      production: new CatalogProductionVersion(this.catalog, this.pipeline, options.productionTtlMs ?? 5_000),
      token: options.token,
      logger: this.logger,
      ...(options.assets !== undefined ? { assets: options.assets } : this.webAssets(options.webDir)),
      ...(options.limits ? { limits: options.limits } : {}),
      redact: awsRedactor(this.options.config, logical),
    };
  }

  /** Back-fill cursors in the processed bucket (`_sluice/backfills/<id>.json`), the twin's layout. */
  backfillCursors(): BackfillCursorStore {
    return new ObjectStoreBackfillCursors(this.store, this.pipeline.buckets.processed);
  }

  /** The source `name` of `dataset` with the bound API keys, REST secrets and the source settings. */
  private sourceOf(dataset: DatasetDefinition, name: string): Source<object> {
    const restSecrets = this.options.config.restSecrets ?? {};
    const settings = { clock: this.clock, logger: this.logger, secrets: (secret: string) => restSecrets[secret], objectStore: this.store, ...this.options.config.sourceKeys, ...this.options.sourceSettings };
    return sourceFor(dataset, name, settings);
  }

  /** The incremental ingests' cursors: `_sluice/cursors/` in the processed bucket (S3). */
  cursors(): CursorStore {
    return new ObjectCursorStore(this.store, this.pipeline.buckets.processed, undefined, () => this.clock.now());
  }

  /**
   * A scheduled ingest through Firehose: only what is new since each subject's cursor (less the
   * dataset's overlap) up to `nowMs`, then the delivered subjects' cursors move (`ingestIncrementally`).
   */
  async ingestScheduled(parameters: ScheduledIngestParameters, nowMs = this.clock.now()): Promise<IngestSummary & { incremental: IncrementalReport }> {
    const dataset = this.datasetOf(parameters.dataset);
    return ingestIncrementally({
      dataset: dataset.name,
      locations: parameters.locations,
      variables: parameters.variables,
      ...incrementalSettingsOf(dataset, parameters.mode),
      source: this.sourceOf(dataset, parameters.source),
      delivery: await this.delivery(dataset),
      cursors: this.cursors(),
      logger: this.logger,
      clock: this.clock,
      nowMs,
    });
  }

  /** Fetches the run's range from its source and delivers it through Firehose. */
  async ingest(parameters: RunParameters & { mode?: IngestMode }, onProgress?: (p: IngestProgress) => void): Promise<IngestSummary> {
    const dataset = this.datasetOf(parameters.dataset);
    const source = this.sourceOf(dataset, parameters.source);
    return ingest({
      dataset: dataset.name,
      request: { from: parameters.from, to: parameters.to, locations: parameters.locations, variables: parameters.variables, ...(parameters.mode ? { mode: parameters.mode } : {}) },
      source,
      delivery: await this.delivery(dataset),
      logger: this.logger,
      ...(onProgress ? { onProgress } : {}),
      now: () => this.clock.now(),
    });
  }

  /**
   * The run engine on AWS adapters. After an ingest it waits for Firehose's buffer before crawling,
   * unless `waitForDelivery` is false: a state machine waits in a Wait state instead of in Lambda.
   */
  async runEngine(options: { waitForDelivery?: boolean } = {}): Promise<RunEngine> {
    return new RunEngine({
      pipeline: this.pipeline,
      store: this.store,
      catalog: this.catalog,
      warehouse: await this.warehouse(),
      runStore: this.runStore,
      lock: this.lock,
      evaluateDq: this.evaluateDq,
      clock: this.clock,
      logger: this.logger,
      ingest: async (parameters, onProgress) => {
        const summary = await this.ingest(parameters, onProgress);
        const dataset = this.datasetOf(parameters.dataset);
        const settle = this.deliverySettleMs(dataset);
        if (options.waitForDelivery !== false && summary.recordsDelivered > 0 && settle > 0) {
          this.logger.info("waiting for Firehose to write its buffer", { dataset: dataset.name, ms: settle });
          await this.sleep(settle);
        }
        return summary;
      },
    });
  }

  /** How long after an ingest Firehose may still hold records in its buffer: its interval plus 30 s (or the option). */
  deliverySettleMs(dataset: DatasetDefinition): number {
    return this.options.deliverySettleMs?.(dataset) ?? (dataset.firehose.buffering.intervalInSeconds + 30) * 1000;
  }

  /** SNS alerts for failed DQ gates, when DQ_ALERT_TOPIC is bound. */
  dqAlerts(): SnsDqAlerts | undefined {
    const topic = this.options.config.dqAlertTopic;
    return topic ? new SnsDqAlerts(this.clients.sns, topic) : undefined;
  }

  /** Releases the SDK clients' sockets. */
  async close(): Promise<void> {
    for (const client of Object.values(this.clients)) client.destroy();
  }

  /**
   * The dashboard's files: in the bundle on Lambda, from packages/web outside it (e.g. `sst dev`).
   * Without them the API still answers (`/` is then a 404), so a packaging slip is logged, not fatal.
   */
  private webAssets(webDir = process.env.LAMBDA_TASK_ROOT ? join(process.env.LAMBDA_TASK_ROOT, LAMBDA_WEB_DIR) : undefined): { assets?: WebAssets } {
    try {
      return { assets: loadWebAssets(webDir) };
    } catch (error) {
      this.logger.error("dashboard files not found: / and /ui/* will answer 404", { webDir, error });
      return {};
    }
  }

  private datasetOf(name: string): DatasetDefinition {
    const dataset = this.pipeline.datasets[name];
    if (!dataset) throw new Error(`unknown dataset "${name}"; known: ${Object.keys(this.pipeline.datasets).join(", ")}`);
    return dataset;
  }
}
