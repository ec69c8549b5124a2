import { createLogger, type LogLevel } from "../../core/src/log/logger";
import { pipeline } from "../../core/src/pipeline/pipeline";
import { LocalRuntime } from "../../core/src/runtime/local";
import { InvalidLocationError, UnknownLocationError, resolveLocations } from "../../core/src/sources/gazetteer";
import { SourceError } from "../../core/src/sources/source";
import type { Location } from "../../core/src/pipeline/types";
import { UsageError } from "./exit-codes";

/** The local twin over a lake folder, with a logger at `--verbose` or `$SLUICE_LOG_LEVEL`. */
export function runtimeFor(lake: string, verbose = false, connections?: number): LocalRuntime {
  // Warnings a summary already reports (a failed location) stay out of the way unless asked for.
  const level = verbose ? "info" : ((process.env.SLUICE_LOG_LEVEL as LogLevel | undefined) ?? "error");
  return new LocalRuntime({ lake, pipeline, logger: createLogger(level), connections });
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
