import type { Command } from "commander";
import { resolve } from "node:path";
import { QuarantineNotFoundError } from "../../../core/src/run/run-engine";
import { RUN_ID_RE } from "../../../core/src/run/run-record";
import { runtimeFor } from "../context";
import { EXIT, UsageError } from "../exit-codes";
import { textTable } from "../format";
import type { CliIo } from "../main";
import { addLakeOption, lakeDir } from "../options";
import { localRunEngine } from "./run";

/** `sluice quarantine` (list) and `sluice quarantine release RUN`. */
export function registerQuarantine(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const quarantine = addLakeOption(
    program
      .command("quarantine")
      .description("List the raw objects runs set aside: a batch that failed a blocking DQ rule, or an object that cannot be read (named with its line)."),
  )
    .option("--dataset <name>", "dataset", "weather")
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      `
Quarantined objects stay in raw/ untouched; no run reads them again (not even --full-refresh)
until they are released. Release a run's batch after fixing the rules:
  sluice quarantine release r20261123t121600z-1a2b --lake /tmp/l`,
    )
    .action(async (values: { lake: string; dataset: string; json?: boolean }) => {
      const runtime = runtimeFor(resolve(values.lake));
      try {
        const engine = await localRunEngine(runtime, { endpoint: "auto" }, 42);
        const entries = await engine.quarantine(values.dataset).catch((error: Error) => {
          throw /unknown dataset/.test(error.message) ? new UsageError(error.message) : error;
        });
        if (values.json) io.out(JSON.stringify(entries, null, 2) + "\n");
        else if (entries.length === 0) io.out("nothing is quarantined\n");
        else {
          const rows = entries.flatMap((e) =>
            e.objects.map((o) => ({ run: e.runId, kind: e.kind, released: e.releasedAt ?? "", object: o.key, reason: o.reason.length > 100 ? `${o.reason.slice(0, 97)}...` : o.reason })),
          );
          io.out(textTable(["run", "kind", "released", "object", "reason"], rows) + "\n");
        }
        setExit(EXIT.ok);
      } finally {
        await runtime.close();
      }
    });

  // --lake and --dataset are the parent's options (commander gives them to `quarantine` wherever they stand).
  quarantine
    .command("release")
    .description("Make the objects a run quarantined eligible again: the next run reads them (takes --lake and --dataset).")
    .argument("<run>", "run id, e.g. r20261123t121600z-1a2b")
    .action(async (runId: string) => {
      const values = quarantine.opts<{ lake: string; dataset: string }>();
      if (!RUN_ID_RE.test(runId)) throw new UsageError(`invalid run id "${runId}": expected e.g. r20261123t121600z-1a2b`);
      const runtime = runtimeFor(lakeDir(values.lake, "write"));
      try {
        const engine = await localRunEngine(runtime, { endpoint: "auto" }, 42);
        const entry = await engine.releaseQuarantine(values.dataset, runId).catch((error: Error) => {
          throw error instanceof QuarantineNotFoundError || /unknown dataset/.test(error.message) ? new UsageError(error.message) : error;
        });
        io.out(`released ${entry.objects.length} object(s) quarantined by ${runId}: the next run reads them\n`);
        setExit(EXIT.ok);
      } finally {
        await runtime.close();
      }
    });
}
