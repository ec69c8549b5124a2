import { createLogger, type LogFields, type Logger, type LogLevel } from "../../core/src/log/logger";
import { LocalRuntime } from "../../core/src/runtime/local";
import { InvalidLocationError, UnknownLocationError, resolveLocations } from "../../core/src/sources/gazetteer";
import { SourceError } from "../../core/src/sources/source";
import type { DatasetDefinition, Location } from "../../core/src/pipeline/types";
import { sourceFor } from "../../core/src/sources/factory";
import { FilesSource } from "../../core/src/sources/files/files-source";
import { UsageError } from "./exit-codes";
import { project } from "./project";

export interface RuntimeOptions {
  verbose?: boolean;
  connections?: number;
  /** The command prints the run record (`sluice run`): errors it carries are not logged twice. */
  printsRunRecord?: boolean;
}

/** The local twin over a lake folder, with a logger at `--verbose` or `$SLUICE_LOG_LEVEL`. */
export function runtimeFor(lake: string, options: RuntimeOptions = {}): LocalRuntime {
  // Warnings a summary already reports (a failed location) stay out of the way unless asked for,
  // and so do errors the printed run record carries (a failed step): the summary names them.
  const level = process.env.SLUICE_LOG_LEVEL as LogLevel | undefined;
  const logger = createLogger(options.verbose ? "info" : (level ?? "error"));
  const quiet = options.printsRunRecord === true && !options.verbose && level === undefined;
  return new LocalRuntime({ lake, pipeline: project().pipeline, logger: quiet ? withoutRunRecordEntries(logger) : logger, connections: options.connections });
}

/** A logger that leaves out the entries marked `inRunRecord` (the command prints the record itself). */
export function withoutRunRecordEntries(logger: Logger): Logger {
  const keep = (emit: (message: string, fields?: LogFields) => void) => (message: string, fields?: LogFields) => {
    if (fields?.inRunRecord !== true) emit(message, fields);
  };
  return {
    debug: keep(logger.debug),
    info: keep(logger.info),
    warn: keep(logger.warn),
    error: keep(logger.error),
    child: (fields) => withoutRunRecordEntries(logger.child(fields)),
  };
}

/** Gazetteer names plus custom `Name=lat,lon` locations; bad input is a usage error. */
export function locationsOf(names: string[], custom: string[]): Location[] {
  return locationsOrUsage(() => resolveLocations(names, custom));
}

/** Runs a location lookup; an unknown or malformed place is a usage error. */
export function locationsOrUsage(resolve: () => Location[]): Location[] {
  try {
    return resolve();
  } catch (error) {
    if (error instanceof UnknownLocationError || error instanceof InvalidLocationError) throw new UsageError(error.message);
    throw error;
  }
}

/** Source errors that concern no location are the user's input (bad variable, bad range). */
export function asUsageError(error: unknown): unknown {
  if (error instanceof SourceError && error.location === undefined) return new UsageError(error.message);
  return error;
}

/** Every subject a files dataset's files hold (a run that names none ingests them all); bad files are a usage error. */
export async function subjectsOfFiles(dataset: DatasetDefinition): Promise<Location[]> {
  const source = sourceFor(dataset, "files");
  if (!(source instanceof FilesSource)) return [];
  try {
    return (await source.subjects()).map((name) => ({ name, latitude: 0, longitude: 0 }));
  } catch (error) {
    throw asUsageError(error);
  }
}
