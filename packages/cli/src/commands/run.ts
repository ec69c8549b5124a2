import type { Command } from "commander";
import type { RunEngine } from "../../../core/src/run/run-engine";
import type { RunRecord } from "../../../core/src/run/run-record";
import { sourceFor, type SourceSettings } from "../../../core/src/sources/factory";
import type { OpenMeteoEndpointChoice } from "../../../core/src/sources/open-meteo/index";
import type { LocalRuntime } from "../../../core/src/runtime/local";
import { asUsageError, runtimeFor, subjectsOfFiles } from "../context";
import { EXIT, UsageError, exitHelp } from "../exit-codes";
import { formatBytes, textTable } from "../format";
import type { CliIo } from "../main";
import { addIngestOptions, addLakeOption, ingestRequestOf, type IngestOptionValues } from "../options";
import { ProgressBar } from "../progress";
import { stopOnSignals } from "../signals";

/** The local twin's run engine with the CLI's source options (`OPEN_METEO_BASE_URL` when no --base-url). */
export function localRunEngine(runtime: LocalRuntime, values: Pick<IngestOptionValues, "endpoint" | "baseUrl">, seed: number): Promise<RunEngine> {
  return runtime.runEngine({ ...sourceSettingsOf(values), seed });
}

/** Source settings from the CLI options and the environment (API keys, OPEN_METEO_BASE_URL). */
export function sourceSettingsOf(values: Pick<IngestOptionValues, "endpoint" | "baseUrl">): SourceSettings {
  return {
    endpoint: values.endpoint as OpenMeteoEndpointChoice,
    baseUrl: values.baseUrl ?? process.env.OPEN_METEO_BASE_URL,
    polygonApiKey: process.env.POLYGON_API_KEY,
    openAqApiKey: process.env.OPENAQ_API_KEY,
  };
}

/** `sluice run`: ingest → crawl → drop → CTAS → DQ → publish. */
export function registerRun(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const command = program
    .command("run")
    .description("Run the pipeline on the local twin: ingest (optional), crawl, rebuild the Parquet table, check DQ rules, publish production.");
  addIngestOptions(command);
  addLakeOption(command, "write")
    .option("--skip-ingest", "transform and check what is already in raw/ (the range still scopes the DQ rules)")
    .option("--full-refresh", "rebuild production from all raw (after a rule or schema change) instead of merging only the raw objects no run has read")
    .option("--json", "print the run record as JSON on stdout")
    .option("--verbose", "log progress as JSON lines on stderr")
    .addHelpText(
      "after",
      `${exitHelp([EXIT.ok, EXIT.error, EXIT.usage, EXIT.dqFailed, EXIT.busy, EXIT.sigint, EXIT.sigterm])}

Runs are incremental: a run reads only the raw objects no earlier run consumed, rewrites only the
month partitions they touch (merged with production's rows there, the dataset's dedup policy
deciding which collection wins) and publishes a version that reuses every other partition.
Production (the ${"<dataset>"}_prod view) only changes when every blocking DQ rule passed; when one
fails, the run's new objects are quarantined (\`sluice quarantine\`) and later runs go on.

Examples:
  sluice run --source synthetic --from 2024-11-24 --to 2024-11-30 --locations Paris,London,Berlin --lake /tmp/l
  sluice run --skip-ingest --from 2024-11-24 --to 2024-11-30 --lake /tmp/l`,
    )
    .action(async (values: IngestOptionValues & { skipIngest?: boolean; fullRefresh?: boolean; json?: boolean; verbose?: boolean }) => {
      const request = ingestRequestOf(values);
      const locations = request.locations.length === 0 && request.dataset.files ? await subjectsOfFiles(request.dataset) : request.locations;
      if (locations.length === 0) throw new UsageError("no locations: give --locations and/or --location (or --subjects)");
      if (!values.skipIngest) await checkSourceRequest(values, request);
      const runtime = runtimeFor(request.lake, { verbose: values.verbose, printsRunRecord: true });
      const progress = new ProgressBar("ingest", locations.length);
      const stop = stopOnSignals();
      try {
        const engine = await localRunEngine(runtime, values, request.seed);
        const run = await engine.run(
          { ...request.parameters, locations, skipIngest: Boolean(values.skipIngest), ...(values.fullRefresh ? { fullRefresh: true } : {}) },
          {
            onIngestProgress: (p) => progress.update(p.locationsDone, `${p.recordsFetched} records ${p.lastLocation}`),
            onStep: (step) => {
              if (step.name !== "ingest" && step.status === "running") progress.done();
            },
            afterStep: pauseForTests,
            afterViewSwitch: () => pauseForTests("view-switch"),
            signal: stop.signal,
          },
        );
        progress.done();
        io.out(values.json ? JSON.stringify(run, null, 2) + "\n" : formatRun(run, await failedRuleMetrics(runtime, run)));
        setExit(stop.exitCode() ?? (run.status === "succeeded" ? EXIT.ok : run.status === "dq_failed" ? EXIT.dqFailed : EXIT.error));
      } catch (error) {
        progress.done();
        throw asUsageError(error);
      } finally {
        stop.dispose();
        await runtime.close();
      }
    });
}

/**
 * Lets the source check the range and variables before the run starts, so bad input exits 2 with
 * nothing written instead of becoming a run that failed at ingest. With no locations the source
 * validates the request and fetches nothing (no HTTP call).
 */
export async function checkSourceRequest(values: IngestOptionValues, request: ReturnType<typeof ingestRequestOf>): Promise<void> {
  const { source, from, to, variables } = request.parameters;
  let probe;
  try {
    probe = sourceFor(request.dataset, source, { ...sourceSettingsOf(values), seed: request.seed });
  } catch (error) {
    throw asUsageError(error);
  }
  try {
    await probe.fetch({ from, to, locations: [], variables })[Symbol.asyncIterator]().next();
  } catch (error) {
    throw asUsageError(error);
  }
}

/**
 * `SLUICE_PAUSE_AFTER_STEP=ctas` makes a run stop after that step and wait to be killed: the
 * crash-safety test kills a real run there and checks production is intact. `view-switch` stops
 * inside publish, right after the production view switched and before the run record says so.
 */
async function pauseForTests(step: string): Promise<void> {
  if (process.env.SLUICE_PAUSE_AFTER_STEP === step) {
    process.stderr.write(`paused after ${step}\n`);
    // A pending promise alone does not keep Node alive (the process would exit holding the lock):
    // a timer does, until the test kills the process.
    await new Promise(() => setInterval(() => undefined, 60_000));
  }
}

/** The evaluated metrics of each failed blocking rule, in `run.dq.failedRules` order (both come from the report in order). */
async function failedRuleMetrics(runtime: LocalRuntime, run: RunRecord): Promise<string[]> {
  if (run.dq?.gate !== "FAIL") return [];
  const report = (await runtime.runStore.getReport(run.id)) as
    | { RuleResults?: { Result: string; blocking?: boolean; EvaluatedMetrics?: Record<string, number> }[] }
    | undefined;
  return (report?.RuleResults ?? [])
    .filter((r) => r.blocking && r.Result !== "PASS")
    .map((r) => Object.entries(r.EvaluatedMetrics ?? {}).map(([name, value]) => `${name} = ${value}`).join(", "));
}

/** A run as a table of steps plus its outcome; `metrics[i]` describes `run.dq.failedRules[i]`. */
export function formatRun(run: RunRecord, metrics: readonly string[] = []): string {
  const rows = run.steps.map((s) => ({
    step: s.name,
    status: s.status,
    seconds: s.durationMs === undefined ? null : Number((s.durationMs / 1000).toFixed(2)),
    rows_in: s.rowsIn ?? null,
    rows_out: s.rowsOut ?? null,
    scanned: s.bytesScanned === undefined ? "" : formatBytes(s.bytesScanned),
    note: s.error ?? noteOf(s.detail),
  }));
  const mode = run.mode ? ` (${run.mode}${run.modeReason ? `: ${run.modeReason}` : ""})` : "";
  const lines = [`Run ${run.id}: ${run.status.toUpperCase()}${mode}`, "", textTable(["step", "status", "seconds", "rows_in", "rows_out", "scanned", "note"], rows), ""];
  if (run.dq) lines.push(`DQ gate ${run.dq.gate} (score ${(run.dq.score * 100).toFixed(1)} %)${run.dq.failedRules.length ? ":" : ""}`);
  for (const [i, rule] of (run.dq?.failedRules ?? []).entries()) {
    lines.push(`  ✗ ${rule}`);
    if (metrics[i]) lines.push(`      metrics: ${metrics[i]}`);
  }
  if (run.failure && run.status !== "dq_failed") lines.push(`Failed at ${run.failure.step}: ${run.failure.message}`);
  if (run.status === "dq_failed") lines.push(`Production unchanged${run.prodVersion ? ` (still ${run.prodVersion})` : ""}. Details: sluice dq ${run.id}`);
  const cutShort = (run.steps.find((s) => s.name === "ingest")?.detail?.cutShort as { note: string }[] | undefined) ?? [];
  for (const earlier of cutShort) lines.push(`Earlier ingest cut short: ${earlier.note}`);
  const crawl = run.steps.find((s) => s.name === "crawl")?.detail;
  const quarantined = (crawl?.quarantined as { key: string; reason: string }[] | undefined) ?? [];
  for (const object of quarantined) lines.push(`Quarantined (cannot be read): ${object.key}: ${object.reason}`);
  if (run.status === "succeeded" && crawl?.upToDate) lines.push(`No new raw objects to publish: production is still ${run.prodVersion}.`);
  else if (run.status === "succeeded") lines.push(`Published ${run.prodVersion}.`);
  return lines.join("\n") + "\n";
}

function noteOf(detail: Record<string, unknown> | undefined): string {
  if (!detail) return "";
  if (typeof detail.rawObjectsNew === "number") {
    const quarantined = Array.isArray(detail.quarantined) ? detail.quarantined.length : 0;
    return `${detail.rawObjectsNew} new objects${quarantined ? `, ${quarantined} quarantined` : ""}, ${detail.partitionsAdded} new partitions, ${(detail.drift as unknown[]).length} drift`;
  }
  if (typeof detail.failures === "object" && Array.isArray(detail.failures) && detail.failures.length) return `${detail.failures.length} locations failed`;
  if (typeof detail.version === "string") return `${detail.version} (${detail.partitionsWritten} written, ${detail.partitionsReused} reused)`;
  if (typeof detail.gate === "string") return `gate ${detail.gate}${Array.isArray(detail.partitionsChecked) ? ` on ${detail.partitionsChecked.length} month(s)` : ""}`;
  if (typeof detail.statements === "number") {
    const months = Array.isArray(detail.partitionsWritten) ? `${detail.partitionsWritten.length} month(s), ` : "";
    return `${months}${detail.statements} statement(s)${detail.mergedFrom ? `, merged into ${detail.mergedFrom}` : ""}`;
  }
  return "";
}
