import type { Command } from "commander";
import { ingest } from "../../../core/src/ingest/ingest";
import type { IngestSummary } from "../../../core/src/ingest/summary";
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
  addLakeOption(command, "write")
    .option("--json", "print the summary as JSON on stdout")
    .option("--verbose", "log progress as JSON lines on stderr")
    .addHelpText(
      "after",
      `${exitHelp([EXIT.ok, EXIT.error, EXIT.usage, EXIT.partial, EXIT.sigint, EXIT.sigterm], { [EXIT.error]: "nothing was delivered (every location failed or sent its records to the error output), or an unexpected error" })}

Examples:
  sluice ingest --source synthetic --from 2024-11-24 --to 2024-11-30 --locations Paris,London,Berlin --lake /tmp/l --json
  sluice ingest --source open-meteo --from 2024-11-24 --to 2024-11-30 --location "Reykjavik=64.15,-21.94"`,
    )
    .action(async (values: IngestOptionValues & { json?: boolean; verbose?: boolean }) => {
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

async function runIngest(values: IngestOptionValues & { verbose?: boolean }, signal: AbortSignal): Promise<IngestSummary & { lake: string }> {
  const request = ingestRequestOf(values);
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
    const summary = await ingest({
      dataset: dataset.name,
      request: { from: request.parameters.from, to: request.parameters.to, locations, variables: request.parameters.variables },
      source,
      delivery: await runtime.delivery(dataset),
      logger: runtime.options.logger,
      onProgress: (p) => progress.update(p.locationsDone, `${p.recordsFetched} records ${p.lastLocation}`),
      journal: runtime.ingestJournal(),
      signal,
    });
    return { ...summary, lake: request.lake };
  } catch (error) {
    throw asUsageError(error);
  } finally {
    progress.done();
    await runtime.close();
  }
}

/** The human summary of an ingest. */
export function formatSummary(summary: IngestSummary, lake: string): string {
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
  if (summary.interrupted) lines.push(`  stopped by ${summary.interrupted}: the records accepted so far were written; the locations not fetched are listed below`);
  if (summary.failures.length > 0) {
    lines.push(`  failures by location:`);
    for (const f of summary.failures) lines.push(`    ${f.location}: ${f.error}`);
  }
  for (const earlier of summary.cutShort ?? []) lines.push(`  earlier ingest cut short: ${earlier.note}`);
  return lines.join("\n") + "\n";
}
