import { constants } from "node:os";

/** The signals a command stops on cleanly. SIGKILL cannot be caught: the ingest journal reports it instead. */
const STOP_SIGNALS = ["SIGTERM", "SIGINT"] as const;

/** A caught SIGTERM/SIGINT: the command finishes what it accepted, then exits 128 + the signal's number. */
export interface SignalStop {
  readonly signal: AbortSignal;
  /** 143 after SIGTERM, 130 after SIGINT; undefined when no signal came. */
  exitCode(): number | undefined;
  dispose(): void;
}

/**
 * Aborts `signal` on the first SIGTERM or SIGINT (its reason is the signal's name) instead of
 * letting Node exit at once, which would lose what the Firehose twin holds in its buffers. A
 * second signal exits at once, as a user pressing Ctrl-C twice expects.
 */
export function stopOnSignals(doing = "writing the records accepted so far"): SignalStop {
  const controller = new AbortController();
  let caught: (typeof STOP_SIGNALS)[number] | undefined;
  const exitCodeOf = (name: (typeof STOP_SIGNALS)[number]) => 128 + constants.signals[name];
  const handlers = STOP_SIGNALS.map((name) => {
    const handler = () => {
      if (caught) process.exit(exitCodeOf(name));
      caught = name;
      process.stderr.write(`\nsluice: ${name}: ${doing}, then stopping (again to stop at once)\n`);
      controller.abort(name);
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  return {
    signal: controller.signal,
    exitCode: () => (caught ? exitCodeOf(caught) : undefined),
    dispose: () => {
      for (const [name, handler] of handlers) process.off(name, handler);
    },
  };
}
