import { createAnalyticsViews } from "../analytics";
import type { Catalog, CatalogTable } from "../catalog/catalog";
import { parseS3Uri, s3Uri } from "../catalog/catalog";
import { crawlTable } from "../catalog/crawler";
import { rawTableOf } from "../catalog/raw-table";
import type { IngestProgress, IngestSummary } from "../ingest/summary";
import type { Clock } from "../lake/clock";
import type { ObjectStore } from "../lake/object-store";
import type { Logger } from "../log/logger";
import type { DatasetDefinition, PipelineDefinition } from "../pipeline/types";
import type { Warehouse } from "../query/warehouse";
import { cleanViewSql, ctasSql, ddlName, ident, insertSql, monthsSql, partitionBatches } from "../transform/athena-sql";
import type { RunLock } from "./run-lock";
import type { RunParameters, RunRecord, RunStepName, StepRecord } from "./run-record";
import { RUN_ID_RE, RUN_STEPS, newRunId } from "./run-record";
import type { RunStore } from "./run-store";
import type { DqEvaluator, DqOutcome } from "./dq-port";
import { publishVersion, pruneVersions, switchProdView, versionInViewSql, versionTablesOf } from "./publish";

/** Everything the run engine depends on; the composition root builds it for `aws` or `local`. */
export interface RunEngineDeps {
  readonly pipeline: PipelineDefinition;
  readonly store: ObjectStore;
  readonly catalog: Catalog;
  readonly warehouse: Warehouse;
  readonly runStore: RunStore;
  readonly lock: RunLock;
  readonly evaluateDq: DqEvaluator;
  /** Fetches and delivers records (source → Firehose); absent when the engine only transforms. */
  readonly ingest?: (parameters: RunParameters, onProgress?: (p: IngestProgress) => void) => Promise<IngestSummary>;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** Hooks for progress and tests. */
export interface RunHooks {
  onRunStarted?(run: RunRecord): void;
  onStep?(step: StepRecord, run: RunRecord): void;
  onIngestProgress?(progress: IngestProgress): void;
  /** Called after a step succeeded, before the next starts (fault injection in tests). */
  afterStep?(step: RunStepName): Promise<void> | void;
}

/** A step failed: the run stops and names it. */
export class RunStepError extends Error {
  override readonly name = "RunStepError";
  constructor(
    readonly step: RunStepName,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`step ${step} failed: ${message}`, options);
  }
}

/**
 * The run: ingest → crawl → drop the Parquet table and its data → CTAS → DQ → publish.
 * Production only changes in the last step, by one atomic switch of the production view.
 */
export class RunEngine {
  constructor(private readonly deps: RunEngineDeps) {}

  /** Runs the pipeline; `runId` lets a caller that answers before the run starts (HTTP 202) choose the id. */
  async run(parameters: RunParameters, hooks: RunHooks = {}, options: { runId?: string } = {}): Promise<RunRecord> {
    const { deps } = this;
    const dataset = this.datasetOf(parameters.dataset);
    if (options.runId !== undefined && !RUN_ID_RE.test(options.runId)) throw new Error(`invalid run id ${JSON.stringify(options.runId)}`);
    const id = options.runId ?? newRunId(deps.clock.now());
    const lease = await deps.lock.acquire(id);
    const run: RunRecord = {
      id,
      status: "running",
      parameters,
      startedAt: new Date(deps.clock.now()).toISOString(),
      steps: RUN_STEPS.map((name) => ({ name, status: "pending" as const })),
    };
    const log = deps.logger.child({ runId: id, dataset: dataset.name });
    try {
      if (lease.stale) await this.markAbandoned(lease.stale.runId);
      await deps.runStore.save(run);
      hooks.onRunStarted?.(run);
      const current = await this.currentVersion(dataset);
      if (current) run.prodVersion = current;

      await this.step(run, "ingest", hooks, log, async (step) => {
        if (parameters.skipIngest || !deps.ingest) {
          step.status = "skipped";
          return;
        }
        const summary = await deps.ingest(parameters, hooks.onIngestProgress);
        step.rowsOut = summary.recordsDelivered;
        step.detail = { ...summary };
        if (summary.recordsDelivered === 0 && summary.failures.length > 0) {
          throw new Error(`no location delivered records: ${summary.failures.map((f) => `${f.location}: ${f.error}`).join("; ")}`);
        }
      });
      await this.step(run, "crawl", hooks, log, async (step) => {
        const raw = await this.ensureRawTable(dataset);
        const result = await crawlTable(deps.store, deps.catalog, raw, { logger: log });
        await deps.warehouse.execute(`CREATE OR REPLACE VIEW ${ident(dataset.tables.clean)} AS\n${cleanViewSql(dataset)}`);
        step.detail = { ...result };
        if (result.partitionsTotal === 0) throw new Error(`no raw partitions under ${raw.location}: ingest data first`);
      });
      await this.step(run, "drop", hooks, log, async (step) => {
        step.detail = await this.dropParquet(dataset);
      });
      await this.step(run, "ctas", hooks, log, async (step) => {
        const written = await this.writeParquet(dataset, log);
        step.rowsOut = written.rows;
        step.bytesScanned = written.bytesScanned;
        step.detail = { statements: written.statements, location: this.parquetLocation(dataset), batched: written.batched };
      });
      let outcome: DqOutcome | undefined;
      await this.step(run, "dq", hooks, log, async (step) => {
        const rules = dataset.dqRules({ locationCount: parameters.locations.length, from: parameters.from, to: parameters.to });
        const table = await deps.catalog.getTable(deps.pipeline.glueDatabase, dataset.tables.parquet);
        if (!table) throw new Error(`table ${dataset.tables.parquet} is missing after CTAS`);
        const columns = [...table.columns.map((c) => ({ name: c.name, type: c.type })), ...table.partitionKeys.map((k) => ({ name: k, type: "string" as const }))];
        outcome = await deps.evaluateDq(deps.warehouse, { sql: ident(dataset.tables.parquet), columns }, rules);
        await deps.runStore.saveReport(id, outcome.report);
        step.bytesScanned = outcome.bytesScanned;
        step.rowsIn = outcome.rowsProcessed;
        step.detail = { gate: outcome.gate, score: outcome.score, failedRules: outcome.failedRules, queries: outcome.queries };
        run.dq = { gate: outcome.gate, score: outcome.score, failedRules: [...outcome.failedRules] };
      });
      if (outcome?.gate === "FAIL") {
        run.status = "dq_failed";
        run.failure = { step: "dq", message: `blocking rules failed: ${outcome.failedRules.join("; ")}` };
        this.skipRest(run);
        return run;
      }
      await this.step(run, "publish", hooks, log, async (step) => {
        const version = await publishVersion(deps, dataset, id, this.parquetLocation(dataset));
        await switchProdView(deps, dataset, version.table);
        const pruned = await pruneVersions(deps, dataset, version.table);
        run.prodVersion = version.table;
        step.rowsOut = run.steps.find((s) => s.name === "ctas")?.rowsOut;
        step.detail = { version: version.table, location: version.location, objectsCopied: version.objects, pruned };
        // The analytics views read the production view by name: (re)creating them is idempotent. Production
        // is already switched, so a view that cannot be created is reported, not a failed run.
        try {
          step.detail.analyticsViews = await createAnalyticsViews(deps.warehouse, dataset);
        } catch (error) {
          step.detail.analyticsError = error instanceof Error ? error.message : String(error);
          log.error("analytics views could not be created", { error });
        }
      });
      run.status = "succeeded";
      return run;
    } catch (error) {
      if (!(error instanceof RunStepError)) throw error;
      run.status = "failed";
      run.failure = { step: error.step, message: error.message };
      this.skipRest(run);
      return run;
    } finally {
      run.endedAt = new Date(deps.clock.now()).toISOString();
      run.durationMs = Date.parse(run.endedAt) - Date.parse(run.startedAt);
      await deps.runStore.save(run).catch((error) => log.error("could not save the run record", { error }));
      await lease.release();
      log.info("run finished", { status: run.status });
    }
  }

  /** Points production back at an earlier kept version (the previous one by default). */
  async rollback(datasetName: string, toVersion?: string): Promise<{ from: string | undefined; to: string }> {
    const dataset = this.datasetOf(datasetName);
    const lease = await this.deps.lock.acquire(newRunId(this.deps.clock.now()));
    try {
      // Taking over a dead run's lock is the only chance to record it: the lock file goes now.
      if (lease.stale) await this.markAbandoned(lease.stale.runId);
      const versions = await versionTablesOf(this.deps, dataset);
      const current = await this.currentVersion(dataset);
      const target = toVersion ?? versions.filter((v) => current === undefined || v < current).at(-1);
      if (!target || !versions.includes(target)) {
        throw new Error(
          toVersion
            ? `version ${toVersion} is not kept; kept versions: ${versions.join(", ") || "none"}`
            : `no version older than ${current ?? "(none)"} is kept; kept versions: ${versions.join(", ") || "none"}`,
        );
      }
      await switchProdView(this.deps, dataset, target);
      return { from: current, to: target };
    } finally {
      await lease.release();
    }
  }

  /** The version table production currently reads, if any. */
  async currentVersion(dataset: DatasetDefinition): Promise<string | undefined> {
    const view = await this.deps.catalog.getTable(this.deps.pipeline.glueDatabase, dataset.tables.prod);
    return versionInViewSql(view?.viewSql, dataset);
  }

  private async step(run: RunRecord, name: RunStepName, hooks: RunHooks, log: Logger, work: (step: StepRecord) => Promise<void>): Promise<void> {
    const step = run.steps.find((s) => s.name === name)!;
    const started = this.deps.clock.now();
    step.status = "running";
    step.startedAt = new Date(started).toISOString();
    hooks.onStep?.(step, run);
    await this.deps.runStore.save(run);
    try {
      await work(step);
      if (step.status === "running") step.status = "succeeded";
    } catch (error) {
      step.status = "failed";
      step.error = error instanceof Error ? error.message : String(error);
      log.error("step failed", { step: name, error });
      throw new RunStepError(name, step.error, { cause: error });
    } finally {
      const ended = this.deps.clock.now();
      step.endedAt = new Date(ended).toISOString();
      step.durationMs = ended - started;
      hooks.onStep?.(step, run);
      await this.deps.runStore.save(run);
    }
    await hooks.afterStep?.(name);
  }

  private skipRest(run: RunRecord): void {
    for (const step of run.steps) if (step.status === "pending") step.status = "skipped";
  }

  private async markAbandoned(runId: string): Promise<void> {
    const previous = await this.deps.runStore.get(runId).catch(() => undefined);
    if (previous && previous.status === "running") {
      previous.status = "abandoned";
      // Killed inside a step, that step; killed between steps, the one it would have run next.
      const stoppedAt = previous.steps.find((s) => s.status === "running") ?? previous.steps.find((s) => s.status === "pending");
      previous.failure = { step: stoppedAt?.name ?? "publish", message: "the process running it stopped before it finished" };
      for (const step of previous.steps) if (step.status === "running" || step.status === "pending") step.status = step.status === "running" ? "failed" : "skipped";
      await this.deps.runStore.save(previous);
    }
  }

  private async ensureRawTable(dataset: DatasetDefinition): Promise<CatalogTable> {
    const { catalog, pipeline } = this.deps;
    const existing = await catalog.getTable(pipeline.glueDatabase, dataset.tables.raw);
    if (existing) return existing;
    return catalog.putTable(rawTableOf(pipeline, dataset));
  }

  private async dropParquet(dataset: DatasetDefinition): Promise<Record<string, unknown>> {
    await this.deps.warehouse.execute(`DROP TABLE IF EXISTS ${ddlName(dataset.tables.parquet)}`);
    const { bucket, prefix } = parseS3Uri(this.parquetLocation(dataset));
    const deleted = await this.deps.store.deletePrefix(bucket, prefix);
    return { objectsDeleted: deleted };
  }

  /**
   * One CTAS over the whole clean view (one scan) in the common case; when Athena refuses it for
   * writing more than 100 partitions, the partial output is dropped and the partitions are
   * written in batches of at most 100: a CTAS, then INSERT INTO for each further batch.
   */
  private async writeParquet(dataset: DatasetDefinition, log: Logger): Promise<{ rows: number; bytesScanned: number; statements: number; batched: boolean }> {
    const { warehouse } = this.deps;
    const location = this.parquetLocation(dataset);
    try {
      const result = await warehouse.execute(ctasSql(dataset, location, []));
      if (!result.rowsWritten) throw new Error(`${dataset.tables.clean} is empty: nothing to write`);
      return { rows: result.rowsWritten, bytesScanned: result.bytesScanned, statements: 1, batched: false };
    } catch (error) {
      if (!(error instanceof Error) || !error.message.includes("HIVE_TOO_MANY_OPEN_PARTITIONS")) throw error;
      log.info("more than 100 partitions: writing in batches", { table: dataset.tables.parquet });
      await this.dropParquet(dataset);
    }
    const months = (await warehouse.query(monthsSql(dataset))).rows.map((r) => String(r.yr_mo_partition));
    let rows = 0;
    let bytesScanned = 0;
    const batches = partitionBatches(months);
    for (const [i, batch] of batches.entries()) {
      const result = await warehouse.execute(i === 0 ? ctasSql(dataset, location, batch) : insertSql(dataset, batch));
      rows += result.rowsWritten ?? 0;
      bytesScanned += result.bytesScanned;
    }
    return { rows, bytesScanned, statements: batches.length, batched: true };
  }

  private parquetLocation(dataset: DatasetDefinition): string {
    return s3Uri(this.deps.pipeline.buckets.processed, `${dataset.tables.parquet}/`);
  }

  private datasetOf(name: string): DatasetDefinition {
    const dataset = this.deps.pipeline.datasets[name];
    if (!dataset) throw new Error(`unknown dataset "${name}"; known: ${Object.keys(this.deps.pipeline.datasets).join(", ")}`);
    return dataset;
  }
}
