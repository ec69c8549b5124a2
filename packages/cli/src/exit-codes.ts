/** Exit codes of every sluice command (documented in each `--help`). */
export const EXIT = {
  ok: 0,
  /** An unexpected error, or a run step that failed. */
  error: 1,
  /** Bad arguments or input: the message says which. */
  usage: 2,
  /** A blocking data-quality rule failed: production unchanged. */
  dqFailed: 3,
  /** Some locations failed; the others were delivered. */
  partial: 4,
  /** Another run holds the lake. */
  busy: 5,
  /** Stopped by SIGINT / SIGTERM (128 + the signal's number) after writing what was accepted. */
  sigint: 130,
  sigterm: 143,
} as const;

const EXIT_LINES: Record<number, string> = {
  0: "success",
  1: "error (a failed run step, an unexpected failure)",
  2: "bad arguments or input (the message names which)",
  3: "a blocking data-quality rule failed; production unchanged",
  4: "some locations failed or sent records to the error output; the healthy ones were delivered and counted",
  5: "another run holds the lake",
  130: "stopped by SIGINT (Ctrl-C): the records accepted so far were written; the output names what was not done",
  143: "stopped by SIGTERM: the records accepted so far were written; the output names what was not done",
};

/** Help text listing the exit codes a command returns; `lines` words some of them for this command. */
export function exitHelp(codes: readonly number[], lines: Readonly<Record<number, string>> = {}): string {
  return `\nExit codes:\n${codes.map((code) => `  ${code}  ${lines[code] ?? EXIT_LINES[code]}`).join("\n")}`;
}

/** Bad user input: printed without a stack, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
