import { Command, CommanderError } from "commander";
import { packageVersion } from "../../core/src/package-root";
import { BackfillInProgressError } from "../../core/src/backfill/backfill";
import { RunInProgressError } from "../../core/src/run/run-lock";
import { EXIT, UsageError } from "./exit-codes";
import { invokedCommand, registerCommands } from "./lazy-commands";

/** Output streams, injectable so tests can run the CLI in-process. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** All of standard input as text (`sluice query --file -`). */
  readonly readStdin?: () => Promise<string>;
}

const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  },
};

/** Runs the `sluice` command line; resolves to the process exit code. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const state = { exitCode: EXIT.ok as number };
  const program = new Command("sluice")
    .description("Turn a public HTTP API into an analytics-ready, quality-checked data lake (local twin of the AWS pipeline).")
    .version(packageVersion())
    .showHelpAfterError("(add --help for usage)")
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  const setExit = (code: number) => {
    state.exitCode = code;
  };

  try {
    // The config decides the datasets a command offers (its options), so it is read first.
    if (invokedCommand(argv)) await (await import("./project")).loadProject(argv.slice(2));
    await registerCommands(program, argv, io, setExit);
    // Sub-commands too (`quarantine release`): their errors must reach main, not exit the process.
    const override = (commands: readonly Command[]): void => {
      for (const command of commands) {
        command.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
        override(command.commands);
      }
    };
    override(program.commands);
    await program.parseAsync(argv);
    return state.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors were already printed.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof RunInProgressError || error instanceof BackfillInProgressError) {
      io.err(`sluice: ${error.message}\n`);
      return EXIT.busy;
    }
    if (error instanceof UsageError) {
      io.err(`sluice: ${error.message}\n`);
      return EXIT.usage;
    }
    io.err(`sluice: ${error instanceof Error ? error.message : String(error)}\n`);
    if (process.env.SLUICE_DEBUG && error instanceof Error && error.stack) io.err(error.stack + "\n");
    return EXIT.error;
  }
}
