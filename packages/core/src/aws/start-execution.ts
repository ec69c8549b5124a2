import { StartExecutionCommand, type SFNClient } from "@aws-sdk/client-sfn";
import type { Logger } from "../log/logger";
import { awsErrorName, messageOf } from "./aws-errors";

/** What {@link startExecution} starts, and what it does when the execution does not start. */
export interface ExecutionStart {
  readonly stateMachineArn: string;
  /** The execution's name: unique per state machine for 90 days. */
  readonly name: string;
  readonly input: unknown;
  /** What the execution is, in log messages ("run", "back-fill"). */
  readonly what: string;
  readonly log: Logger;
  /** The error thrown when it did not start, from the detail (the AWS error, or what was missing). */
  readonly notStartedError: (detail: string, options?: { cause?: unknown }) => Error;
  /** Records that it did not start (best effort: a failure is logged), with a reason that names no deployment detail. */
  readonly recordNotStarted: (reason: string) => Promise<void>;
}

/**
 * Starts one execution of a state machine (the run and back-fill launchers share it). Whatever goes
 * wrong — an AWS error, an answer without an executionArn — is logged, recorded through
 * `recordNotStarted`, and thrown as `notStartedError`.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
 */
export async function startExecution(sfn: SFNClient, start: ExecutionStart): Promise<void> {
  let failure: Error;
  let reason: string;
  try {
    const answer = await sfn.send(new StartExecutionCommand({ stateMachineArn: start.stateMachineArn, name: start.name, input: JSON.stringify(start.input) }));
    if (answer.executionArn) {
      start.log.info(`${start.what} execution started`, { executionArn: answer.executionArn });
      return;
    }
    failure = start.notStartedError("Step Functions answered without an executionArn");
    reason = "Step Functions did not start it";
  } catch (error) {
    failure = start.notStartedError(`${awsErrorName(error) ?? "Error"}: ${messageOf(error)}`, { cause: error });
    reason = awsErrorName(error) ?? "the call failed";
  }
  start.log.error(`${start.what} execution not started`, { error: failure });
  await start.recordNotStarted(reason).catch((saveError: unknown) => start.log.error(`could not record the ${start.what} that did not start`, { error: saveError }));
  throw failure;
}
