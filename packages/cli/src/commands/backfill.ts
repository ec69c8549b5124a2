import type { Command } from "commander";
import { backfill, BackfillPlanChangedError, BackfillStoppedError, type BackfillResult } from "../../../core/src/backfill/backfill";
import { formatQuota, parseQuota, type SourceQuotas } from "../../../core/src/sources/quota";
import { quotasOf } from "../../../core/src/sources/source-quotas";
import { asUsageError, runtimeFor, subjectsOfFiles } from "../context";
import { EXIT, UsageError, exitHelp } from "../exit-codes";
import type { CliIo } from "../main";
import { addIngestOptions, addLakeOption, ingestRequestOf, type IngestOptionValues } from "../options";
import { stopOnSignals } from "../signals";
import { checkSourceRequest, formatRun, localRunEngine, sourceSettingsOf } from "./run";

interface BackfillValues extends IngestOptionValues {
  quota: string[];
  chunkDays?: string;
  restart?: boolean;
  json?: boolean;
  verbose?: boolean;
}

/** `sluice backfill`: a long range in chunks paced under the source's quotas, resumable, then one run. */
export function registerBackfill(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const command = program
    .command("backfill")
    .description(
      "Back-fill a long range: fetch it in chunks paced under the source's quotas, save a cursor after each chunk, resume from it when started again, then run the pipeline once over the whole range.",
    );
  addIngestOptions(command);
  addLakeOption(command, "write")
    .option("--quota <limit/window>", "replaces the source's declared quotas (repeat for several windows): a paid plan (e.g. 100000/day), or a scaled window for tests (6/1s)", collect, [] as string[])
    .option("--chunk-days <n>", "days per chunk (default: the source's, from its quota rule; Open-Meteo 140 days of one variable)")
    .option("--restart", "ignore the saved cursor and start from the first chunk")
    .option("--json", "print the back-fill state and the run record as JSON on stdout")
    .option("--verbose", "log progress as JSON lines on stderr")
    .addHelpText(
      "after",
      `${exitHelp([EXIT.ok, EXIT.error, EXIT.usage, EXIT.dqFailed, EXIT.busy, EXIT.sigint, EXIT.sigterm], {
        [EXIT.error]: "a chunk failed (a rate limit that outlasted the waits, a failed subject) or the run failed: the message names the chunk; run the same command again to resume",
        [EXIT.busy]: "another run holds the lake, or another process drives the same back-fill",
      })}

The same dataset, source, range, subjects and variables are the same back-fill: started again,
it resumes after the last chunk written (its cursor is processed/_sluice/backfills/<id>.json in
the lake). One process drives a back-fill at a time (it holds _sluice/backfills/<id>.lock; a
second start of the same one exits 5, a lock left by a killed process is taken over); sluice
serve's POST /backfills starts the same back-fills. A different range is a new back-fill. Quotas (Open-Meteo: 600/minute, 5000/hour,
10000/day, a call weighed by days x variables per location; Polygon 5/minute; OpenAQ 60/minute,
2000/hour) are declared with each source; a chunk waits until every window has room for it.
Progress goes to stderr: chunks done/total, records, ETA.

Examples:
  sluice backfill --source synthetic --from 2020-01-01 --to 2024-12-31 --subjects Paris,London,Berlin --lake /tmp/l
  sluice backfill --source open-meteo --endpoint archive --from 2019-01-01 --to 2023-12-31 --subjects Paris,London,Berlin`,
    )
    .action(async (values: BackfillValues) => {
      const request = ingestRequestOf(values);
      const locations = request.locations.length === 0 && request.dataset.files ? await subjectsOfFiles(request.dataset) : request.locations;
      if (locations.length === 0) throw new UsageError("no subjects: give --subjects (or the dataset's own flag)");
      await checkSourceRequest(values, request);
      const quotas = quotasWith(quotasOf(request.dataset, request.parameters.source), values.quota);
      const chunkDays = values.chunkDays === undefined ? undefined : Number(values.chunkDays);
      if (chunkDays !== undefined && !(Number.isInteger(chunkDays) && chunkDays >= 1)) throw new UsageError(`--chunk-days must be an integer ≥ 1, got "${values.chunkDays}"`);
      const runtime = runtimeFor(request.lake, { verbose: values.verbose, printsRunRecord: true });
      const stop = stopOnSignals("finishing the chunk in flight");
      try {
        const engine = await localRunEngine(runtime, values, request.seed);
        const { source, from, to, variables } = request.parameters;
        const result = await backfill(
          { dataset: request.dataset.name, source, from, to, locations, variables },
          {
            cursors: runtime.backfillCursors(),
            ingest: runtime.ingestWith({ ...sourceSettingsOf(values), seed: request.seed }),
            run: (parameters, signal) => engine.run(parameters, { signal }),
            quotas,
            clock: runtime.clock,
            logger: runtime.options.logger,
            lock: (id) => runtime.backfillLock(id),
          },
          {
            restart: values.restart,
            chunkDays,
            signal: stop.signal,
            onStart: (state, chunks) => {
              const where =
                state.chunksDone >= chunks.length
                  ? `all ${chunks.length} chunk(s) written before; running the run over the range again (the last one did not finish)`
                  : state.chunksDone > 0
                    ? `resuming at chunk ${state.chunksDone + 1}/${chunks.length}`
                    : `${chunks.length} chunk(s) of up to ${state.chunkDays} days`;
              const paced = quotas.quotas.length ? `, paced under ${quotas.quotas.map(formatQuota).join(", ")}` : "";
              io.err(`backfill ${state.id}: ${where}${paced}\n`);
            },
            onChunk: (p) =>
              io.err(`backfill chunk ${p.chunksDone}/${p.chunksTotal} ${p.chunk.from}..${p.chunk.to} (${p.chunk.subjects.map((l) => l.name).join(",")}) written, ${p.records.toLocaleString("en-US")} records, ETA ${Math.round(p.etaMs / 1000)} s\n`),
          },
        );
        io.out(values.json ? JSON.stringify({ backfill: result.state, run: result.run }, null, 2) + "\n" : formatBackfill(result));
        const status = result.run?.status ?? "succeeded";
        setExit(stop.exitCode() ?? (status === "succeeded" ? EXIT.ok : status === "dq_failed" ? EXIT.dqFailed : EXIT.error));
      } catch (error) {
        if (error instanceof BackfillStoppedError && stop.exitCode() !== undefined) {
          io.err(`sluice: ${error.message}\n`);
          setExit(stop.exitCode()!);
          return;
        }
        if (error instanceof BackfillPlanChangedError) throw new UsageError(error.message);
        throw asUsageError(error);
      } finally {
        stop.dispose();
        await runtime.close();
      }
    });
}

/** The source's quotas, or the `--quota` ones in their place. */
function quotasWith(declared: SourceQuotas, given: readonly string[]): SourceQuotas {
  if (given.length === 0) return declared;
  try {
    return { ...declared, quotas: given.map((text) => parseQuota(text)) };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function formatBackfill(result: BackfillResult): string {
  const { state } = result;
  if (result.alreadyDone) return `Back-fill ${state.id} already finished (run ${state.runId}): nothing to do. --restart does it again.\n`;
  const resumed = result.resumedAt > 0 ? `, resumed at chunk ${result.resumedAt + 1}` : "";
  const head = `Back-fill ${state.id}: ${state.dataset} ${state.from} → ${state.to}, ${state.subjects.length} subject(s), ${state.chunks} chunk(s)${resumed}, ${state.records.toLocaleString("en-US")} records written\n\n`;
  return head + (result.run ? formatRun(result.run) : "");
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
