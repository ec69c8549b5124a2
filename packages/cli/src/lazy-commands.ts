import { Help, type Command } from "commander";
import type { CliIo } from "./main";

/** What a command module exports: adds its command(s) to the program. */
export type RegisterCommand = (program: Command, io: CliIo, setExit: (code: number) => void) => void;

/** A command as `sluice --help` lists it, and the module that defines it, loaded only when it runs. */
export interface LazyCommand {
  readonly name: string;
  /** The command's line in `sluice --help`, as commander writes it (checked by test/cli/lazy-commands.test.ts). */
  readonly term: string;
  readonly summary: string;
  readonly load: () => Promise<RegisterCommand>;
}

// Each module imports the runtime (DuckDB, hono, zod…): `sluice --help` loads none of them, and
// `sluice query …` loads only query's (esbuild splits each import() into its own chunk of lib/).
export const COMMANDS: readonly LazyCommand[] = [
  { name: "demo", term: "demo [options]", summary: "Offline demo: run the pipeline on a synthetic week, then answer the dashboard's questions.", load: async () => (await import("./commands/demo")).registerDemo },
  { name: "ingest", term: "ingest [options]", summary: "Fetch hourly values and deliver them through the Firehose twin into raw/.", load: async () => (await import("./commands/ingest")).registerIngest },
  { name: "run", term: "run [options]", summary: "Run the pipeline: ingest, crawl, rebuild Parquet, check DQ, publish production.", load: async () => (await import("./commands/run")).registerRun },
  { name: "backfill", term: "backfill [options]", summary: "Back-fill a long range in chunks paced under the source's quotas, resumable, then one run.", load: async () => (await import("./commands/backfill")).registerBackfill },
  { name: "cursors", term: "cursors [options]", summary: "List where each subject's incremental ingest left off; --reset forgets some.", load: async () => (await import("./commands/cursors")).registerCursors },
  { name: "runs", term: "runs [options]", summary: "List runs, newest first.", load: async () => (await import("./commands/runs")).registerRuns },
  { name: "dq", term: "dq [options] [run]", summary: "Show the data-quality report of a run (the latest by default).", load: async () => (await import("./commands/runs")).registerRuns },
  { name: "query", term: "query [options] [sql]", summary: "Run a read-only Athena (Trino) SQL query on the local twin.", load: async () => (await import("./commands/query")).registerQuery },
  { name: "tables", term: "tables [options]", summary: "List the catalog's tables and views (the twin of the Glue Data Catalog).", load: async () => (await import("./commands/tables")).registerTables },
  { name: "rollback", term: "rollback [options]", summary: "Point the production view back at the previous version that was production (or --to VERSION).", load: async () => (await import("./commands/rollback")).registerRollback },
  { name: "quarantine", term: "quarantine [options]", summary: "List the raw objects runs set aside (a failed DQ gate, an unreadable object); release a run's batch.", load: async () => (await import("./commands/quarantine")).registerQuarantine },
  { name: "plan", term: "plan [options]", summary: "Estimate API calls, Firehose partitions, raw objects and Athena cost per dataset of the config; warn for limits crossed.", load: async () => (await import("./commands/plan")).registerPlan },
  { name: "serve", term: "serve [options]", summary: "Serve the HTTP API and the dashboard of a lake until Ctrl-C.", load: async () => (await import("./commands/serve")).registerServe },
];

/**
 * The command that `argv` runs (`sluice query …`, `sluice help query`), if any. The program itself
 * takes no option with a value, so the first operand is the command's name.
 */
export function invokedCommand(argv: readonly string[]): LazyCommand | undefined {
  const operands = argv.slice(2).filter((arg) => !arg.startsWith("-"));
  const name = operands[0] === "help" ? operands[1] : operands[0];
  return COMMANDS.find((c) => c.name === name);
}

/**
 * Adds every command to `program`: the invoked one fully (its module loaded), the others as their
 * name and summary, which is all `sluice --help` and commander's "did you mean" need.
 */
export async function registerCommands(program: Command, argv: readonly string[], io: CliIo, setExit: (code: number) => void): Promise<void> {
  const invoked = invokedCommand(argv);
  if (invoked) (await invoked.load())(program, io, setExit);
  for (const entry of COMMANDS) {
    if (!program.commands.some((c) => c.name() === entry.name)) program.command(entry.name).summary(entry.summary);
  }
  const standard = new Help();
  program.configureHelp({ subcommandTerm: (command) => COMMANDS.find((c) => c.name === command.name())?.term ?? standard.subcommandTerm(command) });
}
