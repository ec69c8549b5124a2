import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  SFNClient,
  StartExecutionCommand,
  type DescribeExecutionCommandInput,
  type ExecutionStatus,
  type StartExecutionCommandInput,
  type StartExecutionCommandOutput,
} from "@aws-sdk/client-sfn";
import { mockClient, type AwsStub } from "aws-sdk-client-mock";
import type { RunParameters } from "../../packages/core/src/run/run-record";

/**
 * Step Functions' StartExecution on aws-sdk-client-mock: records every call and answers with
 * `respond` (by default the execution's ARN and start date); a name used before is refused with
 * ExecutionAlreadyExists, as Step Functions does for 90 days. DescribeExecution answers a started
 * execution's status (RUNNING until `end` sets another) and ExecutionDoesNotExist for any other ARN.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html
 */
export class FakeSfn {
  readonly client = new SFNClient({ region: "eu-west-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly mock: AwsStub<any, any, any> = mockClient(this.client as never);
  readonly started: StartExecutionCommandInput[] = [];
  private readonly statuses = new Map<string, ExecutionStatus>();
  respond: (input: StartExecutionCommandInput) => Partial<StartExecutionCommandOutput> | Promise<Partial<StartExecutionCommandOutput>> = (input) => ({
    executionArn: `${input.stateMachineArn!.replace(":stateMachine:", ":execution:")}:${input.name}`,
    startDate: new Date("2024-11-25T10:00:00Z"),
  });

  constructor() {
    this.mock.on(StartExecutionCommand as never).callsFake(async (input: StartExecutionCommandInput) => {
      if (this.started.some((s) => s.name === input.name)) throw new ExecutionAlreadyExists({ message: `Execution Already Exists: '${input.name}'`, $metadata: { httpStatusCode: 400 } });
      this.started.push(input);
      const answer = await this.respond(input);
      if (answer.executionArn) this.statuses.set(answer.executionArn, "RUNNING");
      return answer;
    });
    this.mock.on(DescribeExecutionCommand as never).callsFake(async (input: DescribeExecutionCommandInput) => {
      const status = this.statuses.get(input.executionArn!);
      if (!status) throw new ExecutionDoesNotExist({ message: `Execution Does Not Exist: '${input.executionArn}'`, $metadata: { httpStatusCode: 400 } });
      return { executionArn: input.executionArn, status };
    });
  }

  /** Ends the started execution `name` with `status` (SUCCEEDED, FAILED, TIMED_OUT, ABORTED). */
  end(name: string, status: ExecutionStatus): void {
    const arn = [...this.statuses.keys()].find((a) => a.endsWith(`:${name}`));
    if (!arn) throw new Error(`no execution ${name} was started`);
    this.statuses.set(arn, status);
  }

  /** Each started execution's name and parsed input, in order. */
  executions(): { name: string; input: RunParameters }[] {
    return this.started.map((s) => ({ name: s.name!, input: JSON.parse(s.input!) as RunParameters }));
  }
}
