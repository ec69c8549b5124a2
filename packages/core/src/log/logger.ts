/** Structured logger: a message plus keys (run id, step, table…), one JSON line per entry. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every entry. */
  child(fields: LogFields): Logger;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/** Writes JSON lines to a sink (stderr by default) at or above `level`. */
export function createLogger(
  level: LogLevel = (process.env.SLUICE_LOG_LEVEL as LogLevel | undefined) ?? "warn",
  sink: (line: string) => void = (line) => process.stderr.write(line + "\n"),
  base: LogFields = {},
): Logger {
  const threshold = ORDER[level] ?? ORDER.warn;
  const emit = (lvl: Exclude<LogLevel, "silent">, message: string, fields?: LogFields) => {
    if (ORDER[lvl] < threshold) return;
    const entry: LogFields = { time: new Date().toISOString(), level: lvl, message, ...base, ...fields };
    if (entry.error instanceof Error) {
      entry.error = { name: entry.error.name, message: entry.error.message };
    }
    sink(JSON.stringify(entry));
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (fields) => createLogger(level, sink, { ...base, ...fields }),
  };
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger: Logger = createLogger("silent", () => undefined);
