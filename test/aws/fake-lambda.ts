import { InvokeCommand, LambdaClient, type InvokeCommandInput, type InvokeCommandOutput } from "@aws-sdk/client-lambda";
import { mockClient, type AwsStub } from "aws-sdk-client-mock";
import type { RunParameters } from "../../packages/core/src/run/run-record";

/**
 * Lambda's Invoke on aws-sdk-client-mock: records every call and answers with `respond` (by
 * default 202 Accepted, what an `InvocationType: "Event"` invoke answers once the event is queued).
 * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 */
export class FakeLambda {
  readonly client = new LambdaClient({ region: "eu-west-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  // client-lambda is pinned to an older @smithy/types than aws-sdk-client-mock's, so the stub is typed loosely.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly mock: AwsStub<any, any, any> = mockClient(this.client as never);
  readonly invocations: InvokeCommandInput[] = [];
  respond: (input: InvokeCommandInput) => Partial<InvokeCommandOutput> | Promise<Partial<InvokeCommandOutput>> = () => ({ StatusCode: 202 });

  constructor() {
    this.mock.on(InvokeCommand as never).callsFake(async (input: InvokeCommandInput) => {
      this.invocations.push(input);
      return this.respond(input);
    });
  }

  /** The JSON payloads of every invocation, in order. */
  events(): { runId: string; parameters: RunParameters }[] {
    return this.invocations.map((input) => JSON.parse(Buffer.from(input.Payload as Uint8Array).toString("utf8")) as { runId: string; parameters: RunParameters });
  }
}
