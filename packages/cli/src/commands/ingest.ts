import { Option, type Command } from "commander";
import { incrementalSettingsOf, ingestIncrementally } from "../../../core/src/ingest/incremental";
import type { IncrementalReport } from "../../../core/src/ingest/incremental";
import { ingest } from "../../../core/src/ingest/ingest";
import type { IngestProgress, IngestSummary } from "../../../core/src/ingest/summary";
import { INGEST_MODES } from "../../../core/src/sources/source";
import type { IngestMode } from "../../../core/src/sources/source";
import { sourceFor } from "../../../core/src/sources/factory";
import type { OpenMeteoEndpointChoice } from "../../../core/src/sources/open-meteo/index";
import { asUsageError, runtimeFor, subjectsOfFiles } from "../context";
import { EXIT, UsageError, exitHelp } from "../exit-codes";
import type { CliIo } from "../main";
import { addIngestOptions, addLakeOption, ingestRequestOf, type IngestOptionValues } from "../options";
import { ProgressBar } from "../progress";
import { project } from "../project";
import { stopOnSignals } from "../signals";

/** `sluice ingest`: source → Firehose twin → raw/ in the lake. */
export function registerIngest(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const command = program
    .command("ingest")
    .description("Fetch hourly values for each location and deliver them through the Firehose twin into raw/ (gzip NDJSON).");
  addIngestOptions(command);
  command
    .option("--incremental", "fetch only what is new since each subject's cursor (less the dataset's overlapHours, default 3) up to the current hour, then move the delivered subjects' cursors; no --from/--to (what the scheduled producer does)")
    .addOption(new Option("--ingest-mode <mode>", "weather from open-meteo: hourly values, the current conditions (one reading per subject) or minutely_15 values (default: the config's ingestMode with --incremental, else hourly; current with --from/--to only for a range holding today)").choices([...INGEST_MODES]));
  addLakeOption(command, "write")
    .option("--json", "print the summary as JSON on stdout")
    .option("--verbose", "log progress as JSON lines on stderr")
    .addHelpText(
      "after",
      `${exitHelp([EXIT.ok, EXIT.error, EXIT.usage, EXIT.partial, EXIT.sigint, EXIT.sigterm], { [EXIT.error]: "nothing was delivered (every location failed or sent its records to the error output), or an unexpected error" })}

Incremental ingests (--incremental) keep a cursor per subject in <lake>/processed/_sluice/cursors/:
the first one starts from yesterday (UTC); later ones from the cursor's next hour less the dataset's
overlapHours. A subject that failed keeps its cursor. An ingest with --from/--to reads and moves none.

Examples:
  sluice ingest --source synthetic --from 2024-11-24 --to 2024-11-30 --locations Paris,London,Berlin --lake /tmp/l --json
  sluice ingest --source open-meteo --from 2024-11-24 --to 2024-11-30 --location "Reykjavik=64.15,-21.94"
  sluice ingest --source open-meteo --incremental
  sluice ingest --source open-meteo --incremental --ingest-mode current`,
    )
    .action(async (values: IngestCommandValues) => {
      const stop = stopOnSignals();
      try {
        const summary = await runIngest(values, stop.signal);
        io.out(values.json ? JSON.stringify(summary, null, 2) + "\n" : formatSummary(summary, values.lake));
        setExit(stop.exitCode() ?? (summary.failures.length === 0 ? EXIT.ok : summary.recordsDelivered > 0 ? EXIT.partial : EXIT.error));
      } finally {
        stop.dispose();
      }
    });
}

/** The ingest command's own options on top of the shared ones. */
type IngestCommandValues = IngestOptionValues & { json?: boolean; verbose?: boolean; incremental?: boolean; ingestMode?: IngestMode };

async function runIngest(values: IngestCommandValues, signal: AbortSignal): Promise<IngestSummary & { lake: string; incremental?: IncrementalReport }> {
  if (values.incremental && (values.from !== undefined || values.to !== undefined)) {
    throw new UsageError("--incremental takes its range from the cursors: give it without --from/--to (or drop --incremental to ingest those days as given)");
  }
  // An incremental ingest's days come from the cursors; today stands in for the checks of the other options.
  const today = new Date().toISOString().slice(0, 10);
  // The current conditions are now's: a range without today would be labelled with days it never holds.
  if (values.ingestMode === "current" && !values.incremental && values.from !== undefined && values.to !== undefined && (values.from > today || values.to < today)) {
    throw new UsageError(`--ingest-mode current collects the conditions of now (${today}, UTC), which --from ${values.from} --to ${values.to} does not include: use --incremental (no --from/--to), or --ingest-mode hourly for those days`);
  }
  const request = ingestRequestOf(values.incremental ? { ...values, from: today, to: today } : values);
  const { dataset } = request;
  const locations = request.locations.length === 0 && dataset.files ? await subjectsOfFiles(dataset) : request.locations;
  if (locations.length === 0) throw new UsageError("no locations: give --locations and/or --location (or --subjects)");
  const runtime = runtimeFor(request.lake, { verbose: values.verbose });
  const progress = new ProgressBar("ingest", locations.length);
  try {
    const source = sourceFor(dataset, request.parameters.source, {
      polygonApiKey: process.env.POLYGON_API_KEY,
      openAqApiKey: process.env.OPENAQ_API_KEY,
      endpoint: values.endpoint as OpenMeteoEndpointChoice,
      baseUrl: values.baseUrl ?? process.env.OPEN_METEO_BASE_URL,
      seed: request.seed,
      logger: runtime.options.logger,
    });
    const shared = {
      dataset: dataset.name,
      source,
      delivery: await runtime.delivery(dataset),
      logger: runtime.options.logger,
      onProgress: (p: IngestProgress) => progress.update(p.locationsDone, `${p.recordsFetched} records ${p.lastLocation}`),
      journal: runtime.ingestJournal(),
      signal,
    };
    const summary = values.incremental
      ? await ingestIncrementally({
          ...shared,
          locations,
          variables: request.parameters.variables,
          cursors: runtime.cursors(),
          clock: runtime.clock,
          ...incrementalSettingsOf(dataset, values.ingestMode),
        })
      : await ingest({ ...shared, request: { from: request.parameters.from, to: request.parameters.to, locations, variables: request.parameters.variables, ...(values.ingestMode ? { mode: values.ingestMode } : {}) } });
    return { ...summary, lake: request.lake };
  } catch (error) {
    throw asUsageError(error);
  } finally {
    progress.done();
    await runtime.close();
  }
}

/** The human summary of an ingest. */
export function formatSummary(summary: IngestSummary & { incremental?: IncrementalReport }, lake: string): string {
  const lines = [
    `Ingested ${summary.dataset} from ${summary.source}, ${summary.from} → ${summary.to} (UTC), into ${lake}/${project().pipeline.buckets.raw}/`,
    `  locations          ${summary.locationsDelivered}/${summary.locationsRequested} delivered`,
    `  records fetched    ${summary.recordsFetched}`,
    `  records delivered  ${summary.recordsDelivered}`,
    `  objects written    ${summary.objectsWritten}`,
    `  partitions written ${summary.partitionsWritten}`,
    `  error output       ${summary.recordsToErrorOutput}${summary.recordsToErrorOutput ? " (" + Object.entries(summary.errorOutput).map(([k, v]) => `${k}: ${v}`).join(", ") + ")" : ""}`,
    `  took               ${(summary.durationMs / 1000).toFixed(2)} s`,
  ];
  const incremental = summary.incremental;
  if (incremental) {
    lines.push(`  incremental        mode ${incremental.mode}, overlap ${incremental.overlapHours} h`);
    for (const w of incremental.windows) lines.push(`    asked ${w.start ? `${w.start} → ${w.end}` : "the current reading"}: ${w.subjects.join(", ")}`);
    if (incremental.upToDate.length > 0) lines.push(`    up to date (nothing new yet): ${incremental.upToDate.join(", ")}`);
    const moved = Object.entries(incremental.cursorsAdvanced);
    lines.push(`    cursors now at     ${moved.length > 0 ? moved.map(([s, t]) => `${s} ${t}`).join(", ") : "(unchanged)"}`);
  }
  if (summary.interrupted) lines.push(`  stopped by ${summary.interrupted}: the records accepted so far were written; the locations not fetched are listed below`);
  if (summary.failures.length > 0) {
    lines.push(`  failures by location:`);
    for (const f of summary.failures) lines.push(`    ${f.location}: ${f.error}`);
  }
  for (const earlier of summary.cutShort ?? []) lines.push(`  earlier ingest cut short: ${earlier.note}`);
  return lines.join("\n") + "\n";
}
