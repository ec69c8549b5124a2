import { Option, type Command } from "commander";
import { ATHENA_MIN_BYTES, FIREHOSE_ACTIVE_PARTITIONS, planOf } from "../../../core/src/plan/plan";
import { EXIT, UsageError, exitHelp } from "../exit-codes";
import { formatBytes, textTable } from "../format";
import type { CliIo } from "../main";
import { project } from "../project";

/** `sluice plan`: per dataset, what the deployed pipeline does against the limits that matter. */
export function registerPlan(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command("plan")
    .description("Estimate, per dataset of the project config, API calls against the source's quotas, Firehose active partitions, raw objects and bytes, Athena bytes and cost per run and month, and the producer's duration; warn for every limit crossed.")
    .option("--config <file>", "project config (sluice.config.ts, .mjs or .json); env SLUICE_CONFIG, else sluice.config.* in the working directory")
    .addOption(new Option("--subjects <n>", "what if every dataset had n subjects (e.g. 1000 cities)").argParser((v) => v))
    .option("--json", "print the plan as JSON")
    .addHelpText(
      "after",
      `${exitHelp([EXIT.ok, EXIT.usage, EXIT.partial], { [EXIT.partial]: "a limit is crossed (the warnings say which)" })}

Assumptions: a scheduled ingest fetches the hours since the last one plus the dataset's overlapHours
(default 3; one reading in mode current); one raw object per subject and ingest;
gzip NDJSON ~1/5 of JSON, Parquet ~1/6; an incremental run makes ~6 Athena queries, each billed at
least ${formatBytes(ATHENA_MIN_BYTES)} ($5 per TB); Firehose's default quota is ${FIREHOSE_ACTIVE_PARTITIONS} active partitions.
backfill/year: a year of \`sluice backfill\` for the subjects, in the source's chunks and call
weights, and how long pacing it under the source's quotas takes.

Examples:
  sluice plan
  sluice plan --subjects 1000 --json`,
    )
    .action((values: { subjects?: string; json?: boolean }) => {
      const override = values.subjects === undefined ? undefined : Number(values.subjects);
      if (override !== undefined && (!Number.isInteger(override) || override < 1 || override > 1_000_000)) throw new UsageError(`--subjects must be a whole number from 1 to 1000000, got "${values.subjects}"`);
      const plans = planOf(project().pipeline, override === undefined ? {} : { subjectsOverride: override });
      const warnings = plans.flatMap((p) => p.warnings.map((w) => `${p.dataset}: ${w}`));
      const notes = plans.flatMap((p) => p.notes.map((n) => `${p.dataset}: ${n}`));
      if (values.json) io.out(JSON.stringify({ datasets: plans, warnings, notes }, null, 2) + "\n");
      else {
        const rows = plans.map((p) => ({
          dataset: p.dataset,
          api: p.api,
          subjects: p.subjects,
          schedule: p.schedule ?? "none",
          "ingests/day": round(p.ingestsPerDay),
          "calls/day": round(p.callsPerDay),
          quota: p.quotaUse ? `${p.quotaUse.used}/${p.quotaUse.limit}` : "",
          partitions: p.activePartitionsPerBuffer,
          "objects/day": round(p.rawObjectsPerDay),
          "raw/day": formatBytes(p.rawBytesPerDay),
          runs: p.runSchedule ?? "none",
          "scan/run": p.ingestsPerDay > 0 ? formatBytes(p.athenaBytesPerRun) : "",
          "$/run": p.ingestsPerDay > 0 ? `$${p.athenaUsdPerRun.toFixed(5)}` : "",
          "$/month": p.runsPerDay > 0 ? `$${p.athenaUsdPerMonth.toFixed(2)}` : "",
          "producer s": p.producerSeconds,
          "backfill/year": p.backfillYear ? `${p.backfillYear.calls} calls, ${duration(p.backfillYear.seconds)}` : "",
        }));
        io.out(textTable(Object.keys(rows[0] ?? { dataset: "" }), rows) + "\n");
        io.out(warnings.length ? `\nLimits crossed:\n${warnings.map((w) => `  ! ${w}`).join("\n")}\n` : "\nNo limit crossed.\n");
        if (notes.length) io.out(`\nNotes:\n${notes.map((n) => `  - ${n}`).join("\n")}\n`);
      }
      setExit(warnings.length > 0 ? EXIT.partial : EXIT.ok);
    });
}

/** `~4 min`, `~2.5 h`, `~3 days`: a paced duration as the plan prints it. */
function duration(seconds: number): string {
  if (seconds < 60) return "< 1 min";
  if (seconds < 3_600) return `~${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) return `~${round(seconds / 3_600)} h`;
  return `~${round(seconds / 86_400)} days`;
}

function round(n: number): number {
  return n >= 10 ? Math.round(n) : Math.round(n * 100) / 100;
}
