import type { Command } from "commander";
import { resolve } from "node:path";
import { RUN_ID_RE } from "../../../core/src/run/run-record";
import { runtimeFor } from "../context";
import { EXIT, UsageError } from "../exit-codes";
import { textTable } from "../format";
import type { CliIo } from "../main";
import { addLakeOption } from "../options";

/** `sluice runs` and `sluice dq [RUN]`. */
export function registerRuns(program: Command, io: CliIo, setExit: (code: number) => void): void {
  addLakeOption(program.command("runs").description("List runs, newest first."))
    .option("--limit <n>", "how many", "20")
    .option("--json", "print JSON")
    .action(async (values: { lake: string; limit: string; json?: boolean }) => {
      const limit = Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a positive integer, got "${values.limit}"`);
      const runtime = runtimeFor(resolve(values.lake));
      const runs = await runtime.runStore.list({ limit });
      if (values.json) {
        io.out(JSON.stringify(runs, null, 2) + "\n");
        return;
      }
      if (runs.length === 0) {
        io.out("no runs yet\n");
        return;
      }
      const rows = runs.map((r) => ({
        run: r.id,
        status: r.status,
        started: r.startedAt,
        seconds: r.durationMs === undefined ? null : Number((r.durationMs / 1000).toFixed(2)),
        range: `${r.parameters.from}..${r.parameters.to}`,
        locations: r.parameters.locations.length,
        dq: r.dq?.gate ?? "",
        prod: r.prodVersion ?? "",
      }));
      io.out(textTable(["run", "status", "started", "seconds", "range", "locations", "dq", "prod"], rows) + "\n");
      setExit(EXIT.ok);
    });

  addLakeOption(program.command("dq").description("Show the data-quality report of a run (the latest run by default)."))
    .argument("[run]", "run id, e.g. r20261123t121600z-1a2b")
    .option("--json", "print the Glue-shaped report as JSON")
    .action(async (runId: string | undefined, values: { lake: string; json?: boolean }) => {
      if (runId !== undefined && !RUN_ID_RE.test(runId)) throw new UsageError(`invalid run id "${runId}": expected e.g. r20261123t121600z-1a2b`);
      const runtime = runtimeFor(resolve(values.lake));
      const id = runId ?? (await runtime.runStore.list()).find((r) => r.dq)?.id;
      if (!id) throw new UsageError("no run with a DQ report in this lake");
      const report = (await runtime.runStore.getReport(id)) as DqReportView | undefined;
      if (!report) throw new UsageError(`run ${id} has no DQ report (it stopped before the dq step, or does not exist)`);
      if (values.json) {
        io.out(JSON.stringify(report, null, 2) + "\n");
        return;
      }
      io.out(formatReport(id, report));
    });
}

/** The parts of the Glue-shaped report the CLI prints. */
interface DqReportView {
  Score?: number;
  gate?: string;
  RuleResults?: { Name: string; Description?: string; Result: string; EvaluationMessage?: string; EvaluatedMetrics?: Record<string, number>; severity?: string; sampleFailingRows?: unknown[] }[];
}

function formatReport(id: string, report: DqReportView): string {
  const rows = (report.RuleResults ?? []).map((r) => ({
    result: r.Result,
    severity: r.severity ?? "",
    rule: r.Description ?? r.Name,
    message: r.EvaluationMessage ?? "",
  }));
  const lines = [`DQ report of ${id}: gate ${report.gate ?? "?"}, score ${((report.Score ?? 0) * 100).toFixed(1)} %`, "", textTable(["result", "severity", "rule", "message"], rows)];
  for (const r of report.RuleResults ?? []) {
    if (r.Result !== "PASS" && r.sampleFailingRows?.length) {
      lines.push("", `Failing rows of ${r.Name}:`, ...r.sampleFailingRows.map((row) => "  " + JSON.stringify(row)));
    }
  }
  return lines.join("\n") + "\n";
}
