import { join } from "node:path";
import { FsCatalog } from "../catalog/fs-catalog";
import { FirehoseTwin, ObjectStoreErrorSink, PutRecordBatchBatcher, UndeliveredRecordsError } from "../delivery";
import type { IngestDelivery } from "../ingest/ingest";
import { ingest } from "../ingest/ingest";
import { IngestJournal } from "../ingest/journal";
import { ObjectCursorStore } from "../ingest/cursor";
import type { Clock } from "../lake/clock";
import { systemClock } from "../lake/clock";
import { FsObjectStore } from "../lake/fs-object-store";
import type { Logger } from "../log/logger";
import type { DatasetDefinition, PipelineDefinition } from "../pipeline/types";
import { evaluateDqdl } from "../run/dq-evaluator";
import { RunEngine, type RunEngineDeps } from "../run/run-engine";
import { ObjectStoreBackfillCursors, type BackfillCursorStore } from "../backfill/cursor-store";
import { ObjectRunStore } from "../run/run-store";
import { sourceFor, type SourceSettings } from "../sources/factory";
import { athenaMacrosSql, translateAthenaSql } from "../sql";
import { DuckDbQueryEngine } from "../twin/duckdb-query-engine";
import { FsRunLock, isDead, localProcessProbe } from "../twin/fs-run-lock";
import { TwinWarehouse } from "../twin/twin-warehouse";

/** Options of the local twin. */
export interface LocalRuntimeOptions {
  readonly lake: string;
  readonly pipeline: PipelineDefinition;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** DuckDB connections reads are spread over (default: 2 to 4, one a core). */
  readonly connections?: number;
  /** DuckDB's memory limit (default: `defaultDuckDbMemoryLimit()`). */
  readonly duckdbMemoryLimit?: string;
}

/** The DuckDB memory limit when none is given: env `SLUICE_DUCKDB_MEMORY_LIMIT`, else 1 GB. */
export function defaultDuckDbMemoryLimit(env: NodeJS.ProcessEnv = process.env): string {
  const value = env.SLUICE_DUCKDB_MEMORY_LIMIT?.trim();
  if (!value) return DEFAULT_DUCKDB_MEMORY_LIMIT;
  if (!MEMORY_SIZE_RE.test(value)) {
    throw new Error(`SLUICE_DUCKDB_MEMORY_LIMIT must be a size such as 512MB, 1GB or 2.5GiB, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * The default limit (larger work spills to the lake's temp folder). A full refresh of bench/api's
 * 10 M-record lake (50 cities × 22 years) builds within it, peaking at about 1.3 GB RSS: each
 * 100-month batch groups only its months' rows (docs/benchmarks.md).
 */
const DEFAULT_DUCKDB_MEMORY_LIMIT = "1GB";
const MEMORY_SIZE_RE = /^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i;

/**
 * Default size of the read pool: as many connections as libuv's pool has threads
 * (UV_THREADPOOL_SIZE, default 4, at most 16 here), since the DuckDB calls run on them: a query
 * waits for the catalog, the file checks and Node between its DuckDB steps, and more connections
 * than cores can overlap those waits. On the shared 2-core machine bench/api could not tell 4 from
 * 2 apart through the noise (docs/benchmarks.md).
 */
export function defaultConnections(env: NodeJS.ProcessEnv = process.env): number {
  const threads = Number(env.UV_THREADPOOL_SIZE);
  return Number.isInteger(threads) && threads > 0 ? Math.min(threads, 16) : 4;
}

/** A back-fill lock older than this is taken over even if its holder looks alive. */
const BACKFILL_LOCK_MAX_AGE_MS = 30 * 86_400_000;

/**
 * The local composition root: every port bound to its twin adapter (filesystem lake, Firehose twin,
 * twin catalog, DuckDB). The only place that chooses "local".
 */
export class LocalRuntime {
  readonly store: FsObjectStore;
  readonly catalog: FsCatalog;
  readonly runStore: ObjectRunStore;
  readonly lock: FsRunLock;
  readonly clock: Clock;
  private engine?: Promise<DuckDbQueryEngine>;

  constructor(readonly options: LocalRuntimeOptions) {
    this.store = new FsObjectStore(options.lake);
    this.catalog = new FsCatalog(join(options.lake, "_catalog"));
    this.runStore = new ObjectRunStore(this.store, options.pipeline.buckets.processed);
    this.lock = new FsRunLock(join(options.lake, "_sluice", "run.lock"));
    this.clock = options.clock ?? systemClock;
  }

  /** A Firehose twin for the dataset, behind the shared PutRecordBatch batcher. */
  async delivery(dataset: DatasetDefinition): Promise<IngestDelivery> {
    const { pipeline, logger } = this.options;
    const stream = await FirehoseTwin.create({
      spec: dataset.firehose,
      store: this.store,
      bucket: pipeline.buckets.raw,
      clock: this.clock,
      recordSchema: dataset.recordSchema,
      logger,
    });
    const errorSink = new ObjectStoreErrorSink({ spec: dataset.firehose, store: this.store, bucket: pipeline.buckets.raw, clock: this.clock });
    const batcher = new PutRecordBatchBatcher(stream, { errorSink, clock: this.clock });
    const errorRecords = () => Object.values(stream.stats().errorRecords).reduce((a, b) => a + b, 0) + errorSink.written;
    return {
      send: async (records) => {
        const before = errorRecords();
        await batcher.send(records);
        return { toErrorOutput: errorRecords() - before };
      },
      reject: (rejected) => errorSink.reject(rejected),
      finish: async () => {
        try {
          await stream.close();
        } catch (error) {
          // Reported in the summary below (stats.undelivered), with the path that could not be written.
          if (!(error instanceof UndeliveredRecordsError)) throw error;
        }
        const stats = stream.stats();
        const errorOutput: Record<string, number> = { ...stats.errorRecords };
        if (errorSink.written > 0) errorOutput["sluice-client-failed"] = (errorOutput["sluice-client-failed"] ?? 0) + errorSink.written;
        return {
          recordsDelivered: stats.recordsDelivered,
          objectsWritten: stats.objectsWritten,
          partitionsWritten: stats.partitionsWritten,
          errorOutput,
          undelivered: stats.undelivered,
        };
      },
    };
  }

  /** The incremental ingests' cursors: `processed/_sluice/cursors/<dataset>/<source>.json`, written atomically. */
  cursors(): ObjectCursorStore {
    return new ObjectCursorStore(this.store, this.options.pipeline.buckets.processed, undefined, () => this.clock.now());
  }

  /** The journal of ingests in flight (`processed/_sluice/ingests/`): one that is killed is reported by the next ingest or run. */
  ingestJournal(): IngestJournal {
    return new IngestJournal(this.store, this.options.pipeline.buckets.processed, localProcessProbe);
  }

  /** DuckDB with the Athena compatibility layer, created on first use. */
  queryEngine(): Promise<DuckDbQueryEngine> {
    this.engine ??= DuckDbQueryEngine.create({
      catalog: this.catalog,
      database: this.options.pipeline.glueDatabase,
      store: this.store,
      translateView: (sql) => translateAthenaSql(sql).sql,
      setup: athenaMacrosSql(),
      logger: this.options.logger,
      connections: this.options.connections ?? defaultConnections(),
      memoryLimit: this.options.duckdbMemoryLimit ?? defaultDuckDbMemoryLimit(),
      sandbox: { allowedDirectories: [`${this.options.lake}/`], tempDirectory: join(this.options.lake, "_sluice", "duckdb-tmp") },
    });
    return this.engine;
  }

  /** The run engine on the twin's adapters; ingest pulls the run's source with these settings. */
  async runEngine(sources: SourceSettings = {}): Promise<RunEngine> {
    const { pipeline, logger } = this.options;
    return new RunEngine({
      pipeline,
      store: this.store,
      catalog: this.catalog,
      warehouse: await this.warehouse(),
      runStore: this.runStore,
      lock: this.lock,
      evaluateDq: evaluateDqdl,
      clock: this.clock,
      logger,
      cutShortIngests: () => this.ingestJournal().takeCutShort(),
      ingest: this.ingestWith(sources),
    });
  }

  /** The twin's ingest of run parameters (source → Firehose twin → raw/), as a run's ingest step and a back-fill's chunks call it. */
  ingestWith(sources: SourceSettings = {}): NonNullable<RunEngineDeps["ingest"]> {
    const { pipeline, logger } = this.options;
    return async (parameters, onProgress, signal) => {
      const dataset = pipeline.datasets[parameters.dataset];
      if (!dataset) throw new Error(`unknown dataset "${parameters.dataset}"`);
      return ingest({
        dataset: dataset.name,
        request: { from: parameters.from, to: parameters.to, locations: parameters.locations, variables: parameters.variables },
        source: sourceFor(dataset, parameters.source, { logger, ...sources }),
        delivery: await this.delivery(dataset),
        logger,
        onProgress,
        journal: this.ingestJournal(),
        signal,
      });
    };
  }

  /** Back-fill cursors in the lake's processed bucket (`processed/_sluice/backfills/`). */
  backfillCursors(): BackfillCursorStore {
    return new ObjectStoreBackfillCursors(this.store, this.options.pipeline.buckets.processed);
  }

  /**
   * The lock of one back-fill (`_sluice/backfills/<id>.lock` in the lake, beside the run lock): held
   * by the process that drives it (`sluice backfill`, or `sluice serve` for POST /backfills). A lock
   * whose process died is taken over; a live holder is never aged out before 30 days, since a
   * back-fill paced under a daily quota runs for days.
   */
  backfillLock(backfillId: string): FsRunLock {
    return new FsRunLock(join(this.options.lake, "_sluice", "backfills", `${backfillId}.lock`), { maxAgeMs: BACKFILL_LOCK_MAX_AGE_MS });
  }

  /** Whether a live process holds the back-fill's lock. */
  async backfillHeld(backfillId: string): Promise<boolean> {
    const holder = await this.backfillLock(backfillId).holder();
    return holder !== undefined && !(await isDead(holder, BACKFILL_LOCK_MAX_AGE_MS));
  }

  /** Athena SQL on the twin. */
  async warehouse(): Promise<TwinWarehouse> {
    const { pipeline } = this.options;
    return new TwinWarehouse(await this.queryEngine(), this.catalog, this.store, pipeline.glueDatabase, `s3://${pipeline.buckets.athenaResults}/tables/`);
  }

  async close(): Promise<void> {
    if (this.engine) await (await this.engine).close();
  }
}
