import { createAnalyticsViews } from "../analytics";
import { checkRunRequestShape } from "./run-request";
import type { Catalog, CatalogPartition, CatalogTable } from "../catalog/catalog";
import { parseS3Uri, s3Uri } from "../catalog/catalog";
import { crawlTable, partitionOf } from "../catalog/crawler";
import { rawTableOf } from "../catalog/raw-table";
import type { CutShortIngest } from "../ingest/journal";
import type { IngestProgress, IngestSummary } from "../ingest/summary";
import type { Clock } from "../lake/clock";
import type { ObjectInfo, ObjectStore } from "../lake/object-store";
import type { Logger } from "../log/logger";
import type { DatasetDefinition, PipelineDefinition } from "../pipeline/types";
import type { Warehouse } from "../query/warehouse";
import { cleanViewSql, ctasSql, ddlName, ident, insertSql, mergeSelectSql, monthsSql, orderedByKey, parquetBaseColumns, parquetSelectSql, partitionBatches } from "../transform/athena-sql";
import type { LockHolder, RunLock } from "./run-lock";
import { RunInProgressError } from "./run-lock";
import type { RunParameters, RunRecord, RunStepName, StepRecord } from "./run-record";
import { RUN_ID_RE, RUN_STEPS, newRunId } from "./run-record";
import type { RunStore } from "./run-store";
import type { DqEvaluator } from "./dq-port";
import { PUBLISHED_BY, markPromoted, promotedVersionsOf, publishVersion, pruneVersions, runDataLocation, switchProdView, versionInViewSql, versionTablesOf } from "./publish";
import { checkReadable, forEachLimit, rawBatch } from "./raw-batch";
import type { QuarantineEntry, RawManifest } from "./raw-manifest";
import { ManifestStore, emptyManifest } from "./raw-manifest";
import type { RunState } from "./run-state";
import { RunStateStore } from "./run-state";

export type { RunState } from "./run-state";

/** Everything the run engine depends on; the composition root builds it for `aws` or `local`. */
export interface RunEngineDeps {
  readonly pipeline: PipelineDefinition;
  readonly store: ObjectStore;
  readonly catalog: Catalog;
  readonly warehouse: Warehouse;
  readonly runStore: RunStore;
  readonly lock: RunLock;
  readonly evaluateDq: DqEvaluator;
  /** Fetches and delivers records (source → Firehose); absent when the engine only transforms. `signal` stops fetching. */
  readonly ingest?: (parameters: RunParameters, onProgress?: (p: IngestProgress) => void, signal?: AbortSignal) => Promise<IngestSummary>;
  /** Earlier ingests that were cut short (killed, or stopped by a signal), handed over once: the run reports them. */
  readonly cutShortIngests?: () => Promise<CutShortIngest[]>;
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
  /** Called inside publish right after the production view switched, before the run record says so (fault injection). */
  afterViewSwitch?(): Promise<void> | void;
  /** Aborted by a caught SIGTERM/SIGINT: the ingest writes what it accepted and stops, no later step starts. */
  readonly signal?: AbortSignal;
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

/** One run in progress: its record, its state and what its steps log with. */
interface RunSession {
  readonly run: RunRecord;
  readonly dataset: DatasetDefinition;
  readonly log: Logger;
  readonly state: RunState;
  /** The raw manifest as the run last read or wrote it. */
  manifest: RawManifest | undefined;
}

/** What a state machine does after one step of a run: the next step, or `finish`. */
export interface StepOutcome {
  readonly run: RunRecord;
  readonly next: RunStepName | "finish";
}

/** A run executed step by step was asked for a step it cannot run now (unknown run, out of order, already finished). */
export class RunStepOrderError extends Error {
  override readonly name = "RunStepOrderError";
}

/**
 * The run: ingest → crawl (the raw objects not consumed before, staged) → drop the candidate
 * table → CTAS of the months those objects touch, merged with production's rows of those months →
 * DQ on those months → publish a version that reuses every untouched partition by reference.
 * Production only changes in the last step, by one atomic switch of the production view.
 *
 * `run()` executes a whole run in this process. `startRun`, `runStep`, `finishRun` and `failRun`
 * execute the same steps one call at a time (a Step Functions state each): the lock is taken by
 * `startRun` and released by `finishRun` or `failRun`, the state between steps is persisted.
 */
export class RunEngine {
  constructor(private readonly deps: RunEngineDeps) {}

  /** Runs the pipeline; `runId` lets a caller that answers before the run starts (HTTP 202) choose the id. */
  async run(parameters: RunParameters, hooks: RunHooks = {}, options: { runId?: string } = {}): Promise<RunRecord> {
    checkRunRequestShape(parameters);
    const dataset = this.datasetOf(parameters.dataset);
    const id = this.runIdOf(options.runId);
    const lease = await this.deps.lock.acquire(id);
    const session = this.newSession(parameters, id, dataset);
    try {
      await this.prelude(session, lease.stale, hooks);
      for (const name of RUN_STEPS) if (!(await this.execute(session, name, hooks))) break;
      return session.run;
    } catch (error) {
      await this.recordFailure(session, error);
      return session.run;
    } finally {
      await this.close(session, () => lease.release());
    }
  }

  /** First state of a run executed step by step: takes the lock, saves the record and the state. */
  async startRun(parameters: RunParameters, options: { runId?: string } = {}): Promise<StepOutcome> {
    checkRunRequestShape(parameters);
    const dataset = this.datasetOf(parameters.dataset);
    const id = this.runIdOf(options.runId);
    // A retried start (its first attempt took the lock, then failed) holds the lock already.
    const lease = await this.deps.lock.acquire(id).catch((error: unknown) => {
      if (error instanceof RunInProgressError && error.runningId === id) return { stale: undefined };
      throw error;
    });
    const session = this.newSession(parameters, id, dataset);
    await this.prelude(session, lease.stale, {});
    await this.states().save(id, session.state);
    // The mode and production's version, decided after the first save, are read by the next invocation.
    await this.deps.runStore.save(session.run);
    return { run: session.run, next: RUN_STEPS[0] };
  }

  /**
   * Runs exactly one step of a run started by `startRun`, after the steps before it. A step whose
   * attempt failed may run again (the state machine's retry): what that attempt left is removed first.
   */
  async runStep(runId: string, name: RunStepName): Promise<StepOutcome> {
    const session = await this.resume(runId);
    const { run } = session;
    if (run.status !== "running") throw new RunStepOrderError(`run ${runId} is ${run.status}: step ${name} cannot run`);
    const at = RUN_STEPS.indexOf(name);
    const early = run.steps.slice(0, at).find((s) => s.status !== "succeeded" && s.status !== "skipped");
    if (early) throw new RunStepOrderError(`run ${runId}: step ${name} cannot run before step ${early.name} (${early.status})`);
    const step = run.steps[at]!;
    if (step.status === "succeeded" || step.status === "skipped") throw new RunStepOrderError(`run ${runId}: step ${name} is ${step.status}`);
    // Failed, or still `running` (the attempt stopped before it could record its end): a retry.
    if (step.status !== "pending") await this.undoAttempt(session, name);
    const goOn = await this.execute(session, name, {});
    await this.states().save(runId, session.state);
    // What followed the step (a failed gate, nothing new, published) changed the record after the step saved it.
    if (!goOn) await this.deps.runStore.save(run);
    const following = RUN_STEPS[at + 1];
    return { run, next: goOn && following ? following : "finish" };
  }

  /** Last state of a run executed step by step: removes the stage, finishes the record, releases the lock. */
  async finishRun(runId: string): Promise<RunRecord> {
    const session = await this.resume(runId);
    if (session.run.status === "running") {
      const open = session.run.steps.find((s) => s.status !== "succeeded" && s.status !== "skipped");
      if (open) throw new RunStepOrderError(`run ${runId} cannot finish: step ${open.name} is ${open.status}`);
      session.run.status = "succeeded";
    }
    await this.close(session, () => this.deps.lock.releaseHeldBy(runId));
    await this.states().delete(runId);
    return session.run;
  }

  /**
   * The Catch of a run executed step by step: records the failure (`error` as Step Functions hands
   * it over) in the run record, cleans up and releases the lock, as `run()` does when a step throws.
   * A run that never held the lock (refused: another run holds the lake) is only recorded failed.
   */
  async failRun(parameters: RunParameters, runId: string, error: { error: string; cause: string }): Promise<RunRecord> {
    const dataset = this.datasetOf(parameters.dataset);
    const held = (await this.deps.lock.holder())?.runId === runId;
        // A run that failed before its state was saved (or before its record was) is finished from what there is.
    const session = (await this.deps.runStore.get(runId)) ? await this.resume(runId, { stateless: true }) : this.newSession(parameters, runId, dataset);
    const { run } = session;
    const failure = new Error(`${error.error}: ${error.cause}`);
    if (!held) {
      if (run.status !== "running") return run;
      session.log.error("run did not start", { error: failure });
      run.status = "failed";
      run.failure = { step: RUN_STEPS[0], message: `not started: ${error.cause}` };
      this.skipRest(run);
      run.endedAt = new Date(this.deps.clock.now()).toISOString();
      run.durationMs = Date.parse(run.endedAt) - Date.parse(run.startedAt);
      await this.deps.runStore.save(run);
      return run;
    }
    if (run.status === "running") {
      const failed = run.steps.find((s) => s.status === "failed");
      // A step that failed recorded its own error: the run names it, as `run()` does.
      await this.recordFailure(session, failed ? new RunStepError(failed.name, failed.error ?? error.error) : failure);
    }
    await this.close(session, () => this.deps.lock.releaseHeldBy(runId));
    await this.states().delete(runId).catch(() => undefined);
    return run;
  }

  private runIdOf(runId: string | undefined): string {
    if (runId !== undefined && !RUN_ID_RE.test(runId)) throw new Error(`invalid run id ${JSON.stringify(runId)}`);
    return runId ?? newRunId(this.deps.clock.now());
  }

  private newSession(parameters: RunParameters, id: string, dataset: DatasetDefinition): RunSession {
    const run: RunRecord = {
      id,
      status: "running",
      parameters,
      mode: parameters.fullRefresh ? "full" : "incremental",
      startedAt: new Date(this.deps.clock.now()).toISOString(),
      steps: RUN_STEPS.map((name) => ({ name, status: "pending" as const })),
    };
    const state: RunState = { cutShort: [], staged: [], seen: [], unreadable: [], months: [], upToDate: false };
    return { run, dataset, log: this.deps.logger.child({ runId: id, dataset: dataset.name }), state, manifest: undefined };
  }

  /** A run started by `startRun`, from its record, its state and the raw manifest. */
  private async resume(runId: string, options: { stateless?: boolean } = {}): Promise<RunSession> {
    const run = await this.deps.runStore.get(runId);
    if (!run) throw new RunStepOrderError(`run ${runId} has no record: start it first`);
    const state = await this.states().load(runId);
    if (!state && run.status === "running" && !options.stateless) throw new RunStepOrderError(`run ${runId} has no saved state: start it first`);
    const dataset = this.datasetOf(run.parameters.dataset);
    const manifest = await this.manifests().load(dataset.name);
    return {
      run,
      dataset,
      log: this.deps.logger.child({ runId, dataset: dataset.name }),
      state: state ?? { cutShort: [], staged: [], seen: [], unreadable: [], months: [], upToDate: false },
      manifest,
    };
  }

  /** Before the first step: the dead run before this one recorded, the record saved, production and the manifest read, the mode chosen. */
  private async prelude(session: RunSession, stale: LockHolder | undefined, hooks: RunHooks): Promise<void> {
    const { deps } = this;
    const { run, dataset, log, state } = session;
    if (stale) await this.markAbandoned(stale.runId, dataset);
    await deps.runStore.save(run);
    hooks.onRunStarted?.(run);
    state.cutShort = (await deps.cutShortIngests?.()) ?? [];
    for (const earlier of state.cutShort) log.warn("an earlier ingest was cut short", { ingest: earlier.id, note: earlier.note });
    const current = await this.currentVersion(dataset);
    if (current) {
      run.prodVersion = current;
      state.current = current;
    }
    session.manifest = await this.settle(await this.manifests().load(dataset.name), current);
    if (run.mode === "incremental" && current) {
      const reason = await this.cannotMerge(dataset, current, session.manifest);
      if (reason) {
        run.mode = "full";
        run.modeReason = reason;
        log.info("running a full refresh", { reason });
      }
    }
    if (run.mode === "incremental") state.base = current;
  }

  /** A failed attempt's leftovers, removed before the step runs again. */
  private async undoAttempt(session: RunSession, name: RunStepName): Promise<void> {
    const { dataset, run } = session;
    if (name === "publish" && (await this.productionReads(dataset, run.id))) {
      throw new RunStepError(name, "the production view already reads this run's version: the publish is not repeated");
    }
    // CTAS needs an empty location, and a version registered by a failed publish must go.
    if (name === "ctas" || name === "publish") await this.discardFailed(dataset, run.id);
  }

  /** Runs one step and what follows from it; false when the run ends after it (nothing new, a failed gate, published). */
  private async execute(session: RunSession, name: RunStepName, hooks: RunHooks): Promise<boolean> {
    const { deps } = this;
    const { run, dataset, log, state } = session;
    const { parameters, id } = run;
    const mode = run.mode!;
    const current = state.current;
    switch (name) {
      case "ingest":
        await this.step(run, "ingest", hooks, log, async (step) => {
          const { cutShort } = state;
          if (cutShort.length > 0) step.detail = { cutShort };
          if (parameters.skipIngest || !deps.ingest) {
            step.status = "skipped";
            return;
          }
          const summary = await deps.ingest(parameters, hooks.onIngestProgress, hooks.signal);
          step.rowsOut = summary.recordsDelivered;
          step.detail = { ...summary, ...(cutShort.length > 0 ? { cutShort } : {}) };
          if (summary.interrupted) {
            throw new Error(`stopped by ${summary.interrupted}: the ${summary.recordsDelivered} records it had accepted were written; ${summary.failures.length} location(s) not delivered`);
          }
          if (summary.recordsDelivered === 0 && summary.failures.length > 0) {
            throw new Error(`no location delivered records: ${summary.failures.map((f) => `${f.location}: ${f.error}`).join("; ")}`);
          }
        });
        return true;
      case "crawl":
        await this.step(run, "crawl", hooks, log, async (step) => {
          const raw = await this.ensureRawTable(dataset);
          await this.clearStage(dataset);
          const batch = await rawBatch(deps.store, raw, session.manifest, mode);
          state.seen = batch.objects.map((o) => o.key);
          state.next = batch.next(state.seen);
          const crawled = await crawlTable(deps.store, deps.catalog, raw, { logger: log, objects: batch.objects });
          await this.ensureCleanView(dataset);
          const columns = (await deps.catalog.getTable(deps.pipeline.glueDatabase, raw.name))?.columns ?? raw.columns;
          const { bucket } = parseS3Uri(raw.location!);
          const checked = await checkReadable(deps.store, bucket, batch.objects, dataset, columns);
          state.staged = checked.readable;
          state.unreadable = checked.unreadable;
          if (checked.unreadable.length > 0) {
            // Set aside now: a later failure of this run must not make them block the next one.
            const manifest = { ...(session.manifest ?? emptyManifest(dataset.name)) };
            manifest.quarantine = [...manifest.quarantine, { runId: id, at: new Date(deps.clock.now()).toISOString(), kind: "unreadable", objects: checked.unreadable }];
            await this.manifests().save(manifest);
            session.manifest = manifest;
            for (const object of checked.unreadable) log.warn("raw object quarantined: it cannot be read", { key: object.key, reason: object.reason });
          }
          await this.stage(dataset, raw, checked.readable, id);
          step.rowsOut = checked.readable.length;
          step.detail = {
            ...crawled,
            mode,
            rawObjectsNew: batch.objects.length,
            rawObjectsRead: checked.readable.length,
            quarantined: checked.unreadable,
            folders: batch.folders,
            listings: batch.listings,
          };
          if (checked.readable.length === 0) {
            if (!current && batch.objects.length === 0) throw new Error(`no raw objects under ${raw.location}: ingest data first`);
            if (!current) throw new Error(`none of the ${batch.objects.length} new raw objects under ${raw.location} can be read (see \`sluice quarantine\`)`);
            state.upToDate = true;
            step.detail.upToDate = true;
          }
        });
        if (!state.upToDate) return true;
        // Nothing new to merge: production stays; the objects set aside are consumed.
        await this.commit(session, current);
        this.skipRest(run);
        run.status = "succeeded";
        return false;
      case "drop":
        await this.step(run, "drop", hooks, log, async (step) => {
          // The candidate table of the last run: its data belongs to a version, or is pruned.
          await deps.warehouse.execute(`DROP TABLE IF EXISTS ${ddlName(dataset.tables.parquet)}`);
          step.detail = { table: dataset.tables.parquet };
        });
        return true;
      case "ctas":
        await this.step(run, "ctas", hooks, log, async (step) => {
          const written = await this.writeParquet(dataset, id, state);
          step.rowsOut = written.rows;
          step.bytesScanned = written.bytesScanned;
          step.detail = {
            mode,
            statements: written.statements,
            location: runDataLocation(deps, dataset, id),
            partitionsWritten: state.months,
            rawObjectsRead: state.staged.length,
            mergedFrom: state.base ?? null,
          };
        });
        return true;
      case "dq":
        await this.step(run, "dq", hooks, log, async (step) => {
          const rules = dataset.dqRules({ locationCount: parameters.locations.length, from: parameters.from, to: parameters.to });
          const table = await deps.catalog.getTable(deps.pipeline.glueDatabase, dataset.tables.parquet);
          if (!table) throw new Error(`table ${dataset.tables.parquet} is missing after CTAS`);
          const columns = [...table.columns.map((c) => ({ name: c.name, type: c.type })), ...table.partitionKeys.map((k) => ({ name: k, type: "string" as const }))];
          const outcome = await deps.evaluateDq(deps.warehouse, { sql: ident(dataset.tables.parquet), columns }, rules);
          await deps.runStore.saveReport(id, outcome.report);
          step.bytesScanned = outcome.bytesScanned;
          step.rowsIn = outcome.rowsProcessed;
          step.detail = { gate: outcome.gate, score: outcome.score, failedRules: outcome.failedRules, queries: outcome.queries, partitionsChecked: state.months };
          run.dq = { gate: outcome.gate, score: outcome.score, failedRules: [...outcome.failedRules] };
        });
        if (run.dq?.gate !== "FAIL") return true;
        {
          run.status = "dq_failed";
          run.failure = { step: "dq", message: `blocking rules failed: ${run.dq.failedRules.join("; ")}; the run's ${state.staged.length} new raw objects are quarantined (\`sluice quarantine\`)` };
          const failed = run.dq.failedRules;
          const manifest = { ...(session.manifest ?? emptyManifest(dataset.name)) };
          manifest.quarantine = [
            ...manifest.quarantine,
            { runId: id, at: new Date(deps.clock.now()).toISOString(), kind: "dq", failedRules: [...failed], objects: state.staged.map((o) => ({ key: o.key, reason: `dq: ${failed.join("; ")}` })) },
          ];
          session.manifest = manifest;
          await this.commit(session, current);
          await this.discardCandidate(dataset, id);
          this.skipRest(run);
          return false;
        }
      case "publish":
        await this.step(run, "publish", hooks, log, async (step) => {
          const version = await publishVersion(deps, dataset, id, state.base);
          // Consumption follows the view: recorded as pending first, committed once the switch is done.
          const pending = { ...(session.manifest ?? emptyManifest(dataset.name)), pending: { runId: id, ...state.next!, released: [] } };
          await this.manifests().save(pending);
          await switchProdView(deps, dataset, version.table);
          await hooks.afterViewSwitch?.();
          run.prodVersion = version.table;
          await markPromoted(deps, version.table, new Date(deps.clock.now()).toISOString());
          await this.commit(session, version.table);
          const pruned = await pruneVersions(deps, dataset, version.table);
          step.rowsOut = run.steps.find((s) => s.name === "ctas")?.rowsOut;
          step.detail = {
            version: version.table,
            location: version.location,
            partitionsWritten: version.partitionsWritten,
            partitionsReused: version.partitionsReused,
            objectsCopied: 0,
            pruned: pruned.versions,
            locationsDeleted: pruned.locationsDeleted,
            objectsDeleted: pruned.objectsDeleted,
          };
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
        return false;
    }
  }

  /**
   * Every failure finishes the record, naming the step: inside a step, that step; between steps
   * (the record could not be saved, the manifest not read), the one it would run next.
   */
  private async recordFailure(session: RunSession, error: unknown): Promise<void> {
    const { run, dataset, log } = session;
    const stopped = run.steps.find((s) => s.status === "running") ?? run.steps.find((s) => s.status === "pending");
    const step = error instanceof RunStepError ? error.step : (stopped?.name ?? "publish");
    const message = error instanceof RunStepError ? error.message : `step ${step} failed: ${messageOf(error)}`;
    if (!(error instanceof RunStepError)) log.error("run failed", { step, error });
    for (const s of run.steps) if (s.status === "running") Object.assign(s, { status: "failed", error: s.error ?? messageOf(error) });
    if (await this.productionReads(dataset, run.id).catch(() => false)) {
      // The view already reads this run's version: the run published; what failed came after.
      run.status = "succeeded";
      run.prodVersion = await this.currentVersion(dataset).catch(() => run.prodVersion);
      const publish = run.steps.find((s) => s.name === "publish")!;
      publish.status = "succeeded";
      publish.error = `published, then: ${messageOf(error)}`;
    } else {
      run.status = "failed";
      run.failure = { step, message };
    }
    this.skipRest(run);
  }

  /** After the last step or a failure: the stage and a failed run's output go, the record is saved, then the lock is released. */
  private async close(session: RunSession, release: () => Promise<void>): Promise<void> {
    const { deps } = this;
    const { run, dataset, log } = session;
    await this.clearStage(dataset).catch((error) => log.warn("could not remove the stage", { error }));
    if (run.status === "failed") await this.discardFailed(dataset, run.id).catch((error) => log.warn("could not remove the failed run's output", { error }));
    run.endedAt = new Date(deps.clock.now()).toISOString();
    run.durationMs = Date.parse(run.endedAt) - Date.parse(run.startedAt);
    // On a full disk the record may only fit without the steps' details (rewritten in its own blocks).
    const slim = (): RunRecord => ({ ...run, steps: run.steps.map(({ detail: _detail, ...step }) => step) });
    const saved = await deps.runStore.save(run).then(
      () => true,
      () =>
        deps.runStore.save(slim()).then(
          () => true,
          (error) => {
            log.error("could not save the run record: the lock stays, so the next run records this one as abandoned", { error });
            return false;
          },
        ),
    );
    // A record that still says `running` on disk is finished by whoever takes over the lock.
    if (saved) await release();
    log.info("run finished", { status: run.status, mode: run.mode });
  }

  private states(): RunStateStore {
    return new RunStateStore(this.deps.store, this.deps.pipeline.buckets.processed);
  }

  /** Whether the production view reads the version this run registered. */
  private async productionReads(dataset: DatasetDefinition, runId: string): Promise<boolean> {
    const current = await this.currentVersion(dataset);
    const table = current ? await this.deps.catalog.getTable(this.deps.pipeline.glueDatabase, current) : undefined;
    return table?.parameters[PUBLISHED_BY] === runId;
  }

  /**
   * What a failed run wrote and production does not read: a version table it registered, the
   * candidate table over its folder, and the folder (freeing the space a full disk needs to record
   * the failure). The next publish would prune them too.
   */
  private async discardFailed(dataset: DatasetDefinition, runId: string): Promise<void> {
    const { catalog, pipeline } = this.deps;
    const db = pipeline.glueDatabase;
    for (const name of await versionTablesOf(this.deps, dataset)) {
      const table = await catalog.getTable(db, name);
      if (table?.parameters[PUBLISHED_BY] === runId) await catalog.deleteTable(db, name);
    }
    const candidate = await catalog.getTable(db, dataset.tables.parquet);
    if (candidate?.location === runDataLocation(this.deps, dataset, runId)) await catalog.deleteTable(db, dataset.tables.parquet);
    const { bucket, prefix } = parseS3Uri(runDataLocation(this.deps, dataset, runId));
    await this.deps.store.deletePrefix(bucket, prefix);
  }

  /** Points production back at an earlier version that was production (the newest older one by default). */
  async rollback(datasetName: string, toVersion?: string): Promise<{ from: string | undefined; to: string }> {
    const dataset = this.datasetOf(datasetName);
    const lease = await this.deps.lock.acquire(newRunId(this.deps.clock.now()));
    try {
      // Taking over a dead run's lock is the only chance to record it: the lock file goes now.
      if (lease.stale) await this.markAbandoned(lease.stale.runId, dataset);
      const current = await this.currentVersion(dataset);
      const versions = await promotedVersionsOf(this.deps, dataset, current);
      const target = toVersion ?? versions.filter((v) => current === undefined || v < current).at(-1);
      if (!target || !versions.includes(target)) {
        throw new RollbackTargetError(
          toVersion
            ? `version ${toVersion} is not a kept version that was production; rollback targets: ${versions.join(", ") || "none"}`
            : `no version older than ${current ?? "(none)"} that was production is kept; kept: ${versions.join(", ") || "none"}`,
        );
      }
      await switchProdView(this.deps, dataset, target);
      return { from: current, to: target };
    } finally {
      await lease.release();
    }
  }

  /** The raw objects set aside, newest run first. */
  async quarantine(datasetName: string): Promise<QuarantineEntry[]> {
    const dataset = this.datasetOf(datasetName);
    const manifest = await this.manifests().load(dataset.name);
    return [...(manifest?.quarantine ?? [])].reverse();
  }

  /** Makes the objects one run quarantined eligible again: the next run reads them (e.g. after a rule change). */
  async releaseQuarantine(datasetName: string, runId: string): Promise<QuarantineEntry> {
    const dataset = this.datasetOf(datasetName);
    const lease = await this.deps.lock.acquire(newRunId(this.deps.clock.now()));
    try {
      if (lease.stale) await this.markAbandoned(lease.stale.runId, dataset);
      const manifests = this.manifests();
      const manifest = await manifests.load(dataset.name);
      const entry = manifest?.quarantine.find((e) => e.runId === runId && !e.releasedAt);
      if (!manifest || !entry) {
        const held = (manifest?.quarantine ?? []).filter((e) => !e.releasedAt).map((e) => e.runId);
        throw new QuarantineNotFoundError(dataset.name, runId, held);
      }
      entry.releasedAt = new Date(this.deps.clock.now()).toISOString();
      manifest.released = [...new Set([...manifest.released, ...entry.objects.map((o) => o.key)])];
      await manifests.save(manifest);
      return entry;
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
    let failure: RunStepError | undefined;
    try {
      if (hooks.signal?.aborted) throw new Error(`stopped by ${String(hooks.signal.reason)} before this step started`);
      await this.deps.runStore.save(run);
      await work(step);
      if (step.status === "running") step.status = "succeeded";
    } catch (error) {
      step.status = "failed";
      step.error = messageOf(error);
      // `inRunRecord`: the record (and so the CLI's summary) carries this error; a log sink may leave it out.
      log.error("step failed", { step: name, error, inRunRecord: true });
      failure = new RunStepError(name, step.error, { cause: error });
    }
    const ended = this.deps.clock.now();
    step.endedAt = new Date(ended).toISOString();
    step.durationMs = ended - started;
    hooks.onStep?.(step, run);
    try {
      await this.deps.runStore.save(run);
    } catch (error) {
      // The step's own failure says more than the record's; a step that worked fails here.
      if (failure) log.error("could not save the run record", { step: name, error });
      else {
        step.status = "failed";
        step.error = `the run record could not be saved: ${messageOf(error)}`;
        failure = new RunStepError(name, step.error, { cause: error });
      }
    }
    if (failure) throw failure;
    await hooks.afterStep?.(name);
  }

  private skipRest(run: RunRecord): void {
    for (const step of run.steps) if (step.status === "pending") step.status = "skipped";
  }

  private manifests(): ManifestStore {
    return new ManifestStore(this.deps.store, this.deps.pipeline.buckets.processed);
  }

  /**
   * A dead run's record, told by what it left: published if production reads the version it
   * registered (it died after the switch: the record follows the view), abandoned otherwise.
   */
  private async markAbandoned(runId: string, dataset: DatasetDefinition): Promise<void> {
    const previous = await this.deps.runStore.get(runId).catch(() => undefined);
    if (!previous || previous.status !== "running") return;
    const current = await this.currentVersion(dataset);
    const table = current ? await this.deps.catalog.getTable(this.deps.pipeline.glueDatabase, current) : undefined;
    const publish = previous.steps.find((s) => s.name === "publish");
    if (table?.parameters[PUBLISHED_BY] === runId && publish) {
      previous.status = "succeeded";
      previous.prodVersion = current;
      publish.status = "succeeded";
      publish.detail = { ...publish.detail, version: current, note: "the process stopped after the production view was switched: recorded from the view" };
      previous.endedAt ??= table.updatedAt;
      // It was production, so it is a rollback target: promoted as the run would have marked it.
      await markPromoted(this.deps, current!, previous.endedAt ?? new Date(this.deps.clock.now()).toISOString());
    } else {
      previous.status = "abandoned";
      // Killed inside a step, that step; killed between steps, the one it would have run next.
      const stoppedAt = previous.steps.find((s) => s.status === "running") ?? previous.steps.find((s) => s.status === "pending");
      previous.failure = { step: stoppedAt?.name ?? "publish", message: "the process running it stopped before it finished" };
      for (const step of previous.steps) if (step.status === "running" || step.status === "pending") step.status = step.status === "running" ? "failed" : "skipped";
    }
    await this.deps.runStore.save(previous);
  }

  /**
   * Settles what a killed run left in the manifest: its consumption is committed when production
   * reads the version it published (it died after the switch), dropped otherwise.
   */
  private async settle(manifest: RawManifest | undefined, current: string | undefined): Promise<RawManifest | undefined> {
    const pending = manifest?.pending;
    if (!manifest || !pending) return manifest;
    const table = current ? await this.deps.catalog.getTable(this.deps.pipeline.glueDatabase, current) : undefined;
    const published = table?.parameters[PUBLISHED_BY] === pending.runId;
    const settled: RawManifest = published
      ? { ...manifest, cursors: pending.cursors, consumed: pending.consumed, released: pending.released, runId: pending.runId, publishedVersion: current }
      : { ...manifest };
    delete settled.pending;
    await this.manifests().save(settled);
    this.deps.logger.info("settled a killed run's raw manifest", { runId: pending.runId, published });
    return settled;
  }

  /** Why production cannot be merged into (the run then rebuilds from all raw), if it cannot. */
  private async cannotMerge(dataset: DatasetDefinition, current: string, manifest: RawManifest | undefined): Promise<string | undefined> {
    if (!manifest?.publishedVersion) return "production was built before the raw manifest existed: the first run rebuilds it from all raw";
    if (manifest.publishedVersion !== current) {
      return `production reads ${current}, not ${manifest.publishedVersion} that the last run published (a rollback): rebuilt from all raw so that no consumed object is missing`;
    }
    const table = await this.deps.catalog.getTable(this.deps.pipeline.glueDatabase, current);
    const have = new Set([...(table?.columns ?? []).map((c) => c.name), ...(table?.partitionKeys ?? [])]);
    const missing = [...parquetBaseColumns(dataset), ...dataset.transform.partitionBy].filter((c) => !have.has(c));
    if (missing.length > 0) return `production ${current} lacks ${missing.join(", ")}: rebuilt from all raw`;
    return undefined;
  }

  /** Records the run's objects as consumed (published, quarantined or unreadable) in the manifest. */
  private async commit(session: RunSession, published: string | undefined): Promise<void> {
    const { dataset, run, state } = session;
    const base = session.manifest ?? emptyManifest(dataset.name);
    const next = state.next!;
    const read = new Set(state.seen);
    const committed: RawManifest = {
      ...base,
      cursors: next.cursors,
      consumed: next.consumed,
      released: base.released.filter((key) => !read.has(key)),
      runId: run.id,
      publishedVersion: published ?? base.publishedVersion,
      updatedAt: new Date(this.deps.clock.now()).toISOString(),
    };
    delete committed.pending;
    await this.manifests().save(committed);
    session.manifest = committed;
  }

  private async ensureRawTable(dataset: DatasetDefinition): Promise<CatalogTable> {
    const { catalog, pipeline } = this.deps;
    const existing = await catalog.getTable(pipeline.glueDatabase, dataset.tables.raw);
    if (existing) return existing;
    return catalog.putTable(rawTableOf(pipeline, dataset));
  }

  /** The clean view over all raw, for users: (re)created only when its SQL changed (creating it reads raw's schema). */
  private async ensureCleanView(dataset: DatasetDefinition): Promise<void> {
    const sql = cleanViewSql(dataset);
    const existing = await this.deps.catalog.getTable(this.deps.pipeline.glueDatabase, dataset.tables.clean);
    if (existing?.kind === "view" && existing.viewSql?.trim() === sql.trim()) return;
    await this.deps.warehouse.execute(`CREATE OR REPLACE VIEW ${ident(dataset.tables.clean)} AS\n${sql}`);
  }

  private stageLocation(dataset: DatasetDefinition, runId?: string): string {
    return s3Uri(this.deps.pipeline.buckets.processed, `_sluice/stage/${dataset.name}/${runId ? `${runId}/` : ""}`);
  }

  /**
   * Copies the run's new objects under the stage prefix, keeping their partition folders, and
   * registers them as the stage table (raw's schema): the transform reads these objects only.
   */
  private async stage(dataset: DatasetDefinition, raw: CatalogTable, objects: readonly ObjectInfo[], runId: string): Promise<void> {
    const { deps } = this;
    const from = parseS3Uri(raw.location!);
    const to = parseS3Uri(this.stageLocation(dataset, runId));
    await forEachLimit(objects, 16, (object) => deps.store.copy(from.bucket, object.key, to.bucket, to.prefix + object.key.slice(from.prefix.length)));
    const partitions = new Map<string, CatalogPartition>();
    for (const object of objects) {
      const parsed = partitionOf(object.key.slice(from.prefix.length), raw.partitionKeys);
      if (parsed) partitions.set(parsed.path, { values: parsed.values, location: s3Uri(to.bucket, to.prefix + parsed.path) });
    }
    const current = (await deps.catalog.getTable(deps.pipeline.glueDatabase, raw.name)) ?? raw;
    const { version: _v, updatedAt: _u, ...definition } = current;
    await deps.catalog.putTable({ ...definition, name: dataset.tables.stage, location: s3Uri(to.bucket, to.prefix), parameters: { ...raw.parameters, stagedByRun: runId } });
    await deps.catalog.replacePartitions(deps.pipeline.glueDatabase, dataset.tables.stage, [...partitions.values()]);
  }

  /** Removes the stage table and every staged object (a killed run's too). */
  private async clearStage(dataset: DatasetDefinition): Promise<void> {
    await this.deps.catalog.deleteTable(this.deps.pipeline.glueDatabase, dataset.tables.stage);
    const { bucket, prefix } = parseS3Uri(this.stageLocation(dataset));
    await this.deps.store.deletePrefix(bucket, prefix);
  }

  /** A failed gate's candidate: its table and its run folder go (production never read them). */
  private async discardCandidate(dataset: DatasetDefinition, runId: string): Promise<void> {
    await this.deps.catalog.deleteTable(this.deps.pipeline.glueDatabase, dataset.tables.parquet);
    const { bucket, prefix } = parseS3Uri(runDataLocation(this.deps, dataset, runId));
    await this.deps.store.deletePrefix(bucket, prefix);
  }

  /**
   * The months the staged objects touch, written to the run's own folder: merged with
   * production's rows of those months (incremental) or from the staged objects alone (full, or no
   * production yet), at most 100 partitions a statement (CTAS, then INSERT INTO), as Athena allows.
   */
  private async writeParquet(dataset: DatasetDefinition, runId: string, work: RunState): Promise<{ rows: number; bytesScanned: number; statements: number }> {
    const { warehouse } = this.deps;
    const found = await warehouse.query(monthsSql(dataset, dataset.tables.stage));
    work.months = found.rows.map((r) => String(r.yr_mo_partition));
    if (work.months.length === 0) throw new Error(`the ${work.staged.length} staged raw objects hold no records`);
    const location = runDataLocation(this.deps, dataset, runId);
    let rows = 0;
    let bytesScanned = found.bytesScanned;
    const batches = partitionBatches(work.months);
    for (const [i, months] of batches.entries()) {
      // Each batch groups only its months' staged rows: memory follows a batch, not history.
      const incoming = { sql: cleanViewSql(dataset, dataset.tables.stage, months) };
      const select = orderedByKey(dataset, work.base ? mergeSelectSql(dataset, months, incoming, dataset.tables.prod) : parquetSelectSql(dataset, months, incoming));
      const result = await warehouse.execute(i === 0 ? ctasSql(dataset, location, months, select) : insertSql(dataset, months, select));
      rows += result.rowsWritten ?? 0;
      bytesScanned += result.bytesScanned;
    }
    return { rows, bytesScanned, statements: batches.length };
  }

  private datasetOf(name: string): DatasetDefinition {
    const dataset = this.deps.pipeline.datasets[name];
    if (!dataset) throw new Error(`unknown dataset "${name}"; known: ${Object.keys(this.deps.pipeline.datasets).join(", ")}`);
    return dataset;
  }
}

/** A rollback with nowhere to go: the named version is not kept or was never production. */
export class RollbackTargetError extends Error {
  override readonly name = "RollbackTargetError";
}

/** `sluice quarantine release RUN` named a run that set nothing aside (or was released already). */
export class QuarantineNotFoundError extends Error {
  override readonly name = "QuarantineNotFoundError";
  constructor(
    readonly dataset: string,
    readonly runId: string,
    readonly held: readonly string[],
  ) {
    super(`run ${runId} has no quarantined objects of ${dataset} to release; quarantined runs: ${held.join(", ") || "none"}`);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
