import { Logger as PowertoolsLogger } from "@aws-lambda-powertools/logger";
import type { LogFields, Logger, LogLevel } from "./logger";

/** The invocation context a Lambda handler receives (the fields Powertools reads). */
export type LambdaInvocationContext = Parameters<PowertoolsLogger["addContext"]>[0];

/** The {@link Logger} of a Lambda function: each entry also carries the invocation's request id and cold start. */
export interface LambdaLogger extends Logger {
  /** Called by the handler on each invocation: later entries name its request id, function and cold start. */
  addContext(context: LambdaInvocationContext): void;
}

const POWERTOOLS_LEVEL = { debug: "DEBUG", info: "INFO", warn: "WARN", error: "ERROR", silent: "SILENT" } as const;

/**
 * A {@link Logger} writing through the Powertools for AWS Lambda logger: one JSON line per entry
 * with `service`, `timestamp`, `cold_start`, `function_request_id`, `function_name`… beside the
 * entry's own fields (https://docs.powertools.aws.dev/lambda/typescript/latest/core/logger/).
 * Children only add fields and write through the one Powertools logger, so an entry of a child made
 * at cold start still names the current invocation.
 */
export function lambdaLogger(options: { readonly serviceName: string; readonly level?: LogLevel; readonly powertools?: PowertoolsLogger }): LambdaLogger {
  const level = options.level ?? (process.env.SLUICE_LOG_LEVEL as LogLevel | undefined) ?? "info";
  const powertools = options.powertools ?? new PowertoolsLogger({ serviceName: options.serviceName, logLevel: POWERTOOLS_LEVEL[level] ?? "INFO" });
  const withFields = (base: LogFields): LambdaLogger => {
    const merged = (fields?: LogFields): LogFields => ({ ...base, ...fields });
    return {
      debug: (message, fields) => powertools.debug(message, merged(fields)),
      info: (message, fields) => powertools.info(message, merged(fields)),
      warn: (message, fields) => powertools.warn(message, merged(fields)),
      error: (message, fields) => powertools.error(message, merged(fields)),
      child: (fields) => withFields(merged(fields)),
      addContext: (context) => powertools.addContext(context),
    };
  };
  return withFields({});
}
