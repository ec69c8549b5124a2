import type { Command } from "commander";
import { resolve } from "node:path";
import { runtimeFor } from "../context";
import { EXIT, UsageError, exitHelp } from "../exit-codes";
import { textTable } from "../format";
import type { CliIo } from "../main";
import { addLakeOption } from "../options";
import { CursorFileError, CursorResetError } from "../../../core/src/ingest/cursor";

interface CursorsValues {
  lake: string;
  dataset?: string;
  source?: string;
  reset?: string;
  resetAll?: boolean;
  json?: boolean;
}

/** `sluice cursors`: where each subject's incremental ingest left off, and forgetting it. */
export function registerCursors(program: Command, io: CliIo, setExit: (code: number) => void): void {
  addLakeOption(
    program
      .command("cursors")
      .description(
        "List where each subject's incremental ingest (`sluice ingest --incremental`, the scheduled producer) left off: the latest measurement time delivered per dataset, source and subject. --reset forgets some subjects' cursors, so the next incremental ingest asks them from yesterday again.",
      ),
    "write",
  )
    .option("--dataset <name>", "only this dataset's cursors (needed with --reset)")
    .option("--source <name>", "only this source's cursors (needed with --reset)")
    .option("--reset <subjects>", "forget these subjects' cursors (comma-separated)")
    .option("--reset-all", "forget every cursor of --dataset and --source")
    .option("--json", "print JSON")
    .addHelpText("after", `\nOn AWS the cursors are s3://<processed bucket>/_sluice/cursors/<dataset>/<source>.json; delete or edit that object to do the same.${exitHelp([0, 1, 2])}`)
    .action(async (values: CursorsValues) => {
      const runtime = runtimeFor(resolve(values.lake));
      const store = runtime.cursors();
      try {
        if (values.reset !== undefined || values.resetAll) {
          if (values.reset !== undefined && values.resetAll) throw new UsageError("give --reset SUBJECTS or --reset-all, not both");
          if (!values.dataset || !values.source) throw new UsageError("--reset and --reset-all need --dataset and --source (see `sluice cursors` for what has cursors)");
          const subjects = values.reset?.split(",").map((s) => s.trim()).filter(Boolean);
          if (subjects !== undefined && subjects.length === 0) throw new UsageError("--reset takes subject names, e.g. --reset Paris,London");
          const removed = await store.reset(values.dataset, values.source, subjects);
          if (values.json) io.out(JSON.stringify({ dataset: values.dataset, source: values.source, reset: removed }) + "\n");
          else io.out(`forgot the cursors of ${removed.join(", ")} (${values.dataset}/${values.source}): the next incremental ingest asks them from yesterday\n`);
          setExit(EXIT.ok);
          return;
        }
        const listings = (await store.list()).filter((l) => (values.dataset === undefined || l.dataset === values.dataset) && (values.source === undefined || l.source === values.source));
        const rows = listings.flatMap((l) => Object.entries(l.subjects).map(([subject, cursor]) => ({ dataset: l.dataset, source: l.source, subject, last_delivered: cursor.lastTime, updated_at: cursor.updatedAt })));
        if (values.json) io.out(JSON.stringify(rows, null, 2) + "\n");
        else io.out(rows.length > 0 ? textTable(["dataset", "source", "subject", "last_delivered", "updated_at"], rows) + "\n" : "no cursors yet: `sluice ingest --incremental` writes them\n");
        setExit(EXIT.ok);
      } catch (error) {
        if (error instanceof CursorResetError || error instanceof CursorFileError) throw new UsageError(error.message);
        throw error;
      } finally {
        await runtime.close();
      }
    });
}
