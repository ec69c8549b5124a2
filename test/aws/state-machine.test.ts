import { StartQueryExecutionCommand, TooManyRequestsException, type StartQueryExecutionCommandInput } from "@aws-sdk/client-athena";
import { PublishCommand } from "@aws-sdk/client-sns";
import { afterEach, describe, expect, it } from "vitest";
import type { RunRecord } from "../../packages/core/src/run/run-record";
import { AwsRuntime } from "../../packages/core/src/runtime/aws";
import { runStepEvent } from "../../packages/functions/src/step";
import { goldenAsl } from "../infra/asl";
import { walk } from "./asl-walk";
import { AWS_CONFIG, RUN_PARAMETERS, fakeAws } from "./fake-aws";

type Aws = ReturnType<typeof fakeAws>;
const RUN_ID = "r20241125t100000z-0001";
const execution = (input: object = RUN_PARAMETERS) => ({ name: RUN_ID, startTime: "2024-11-25T10:00:00.000Z", input });
/** Each state on a runtime of its own, as each Lambda invocation may be a cold start. */
const stepRunner = (aws: Aws) => (payload: unknown) => runStepEvent(new AwsRuntime(aws.runtime.options), payload);
const recordOf = async (aws: Aws): Promise<RunRecord> => (await aws.runtime.runStore.get(RUN_ID))!;

// The golden definition is the synthesized one (test/infra/stacks.test.ts compares them); here the
// step runner's handler runs along it over the AWS adapters, state by state.
describe("the run state machine's definition, walked with the step runner over the AWS adapters", () => {
  let restore: () => void = () => undefined;
  afterEach(() => restore());

  it("runs every step's state from Start to Finish and ends Published", async () => {
    // Prepare
    const aws = fakeAws();
    restore = aws.restore;
    // Act
    const result = await walk(goldenAsl(), execution(), stepRunner(aws));
    // Assess
    expect(result).toMatchObject({ status: "SUCCEEDED", retries: [] });
    expect(result.states).toEqual(["Start", "Ingest", "WaitForDelivery", "Crawl", "NewRawObjects", "Drop", "CTAS", "DQ", "DqGate", "Publish", "Finish", "Outcome", "Published"]);
    expect(result.waits).toEqual([0]);
    const run = await recordOf(aws);
    expect(run).toMatchObject({ status: "succeeded", prodVersion: "weather_prod_v0001" });
    expect(aws.s3.keys(AWS_CONFIG.buckets.processed)).not.toContain("_sluice/run.lock");
  });

  it("waits for Firehose's buffer in the Wait state after an ingest, not in the Lambda", async () => {
    // Prepare
    const aws = fakeAws();
    restore = aws.restore;
    // Act
    const result = await walk(goldenAsl(), execution({ ...RUN_PARAMETERS, skipIngest: false }), stepRunner(aws));
    // Assess
    expect(result.status).toBe("SUCCEEDED");
    expect(aws.firehose.accepted.get("sluice-prod-weather")!.length).toBe(72);
    expect(result.waits).toEqual([Math.ceil(aws.runtime.deliverySettleMs(aws.runtime.pipeline.datasets.weather!) / 1000)]);
    expect(result.waits[0]).toBeGreaterThan(30);
  });

  it("on a failed DQ gate goes from DQ to Finish, publishes the alert and ends DqGateFailed with production untouched", async () => {
    // Prepare: the CustomSql rule sees 1 city where 3 are required
    const aws = fakeAws({ customSqlValue: 1 });
    restore = aws.restore;
    // Act
    const result = await walk(goldenAsl(), execution(), stepRunner(aws));
    // Assess
    expect(result).toMatchObject({ status: "FAILED", error: "DqGateFailed" });
    expect(result.states.slice(-4)).toEqual(["DqGate", "Finish", "Outcome", "DqGateFailed"]);
    expect(result.states).not.toContain("Publish");
    expect((await recordOf(aws)).status).toBe("dq_failed");
    expect(aws.glue.tables.has("sluice_prod.weather_prod")).toBe(false);
    expect(aws.s3.keys(AWS_CONFIG.buckets.prod)).toEqual([]);
    const alerts = aws.snsMock.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(alerts).toEqual([expect.objectContaining({ TopicArn: AWS_CONFIG.dqAlertTopic, Subject: `sluice: DQ gate FAILED for weather (${RUN_ID})` })]);
  });

  it("retries a state whose Athena call was throttled, backing off, and the run publishes", async () => {
    // Prepare: Athena refuses the CTAS twice with TooManyRequestsException
    const aws = fakeAws();
    restore = aws.restore;
    let refused = 0;
    aws.athena.mock.on(StartQueryExecutionCommand).callsFake((input: StartQueryExecutionCommandInput) => {
      if (/^CREATE TABLE/.test(input.QueryString ?? "") && refused++ < 2) throw new TooManyRequestsException({ message: "Rate exceeded", $metadata: { httpStatusCode: 400 } });
      return aws.athena.startQuery(input);
    });
    // Act
    const result = await walk(goldenAsl(), execution(), stepRunner(aws));
    // Assess
    expect(result.retries).toEqual([
      { state: "CTAS", error: "StepThrottledError", delaySeconds: 5 },
      { state: "CTAS", error: "StepThrottledError", delaySeconds: 10 },
    ]);
    expect(result.status).toBe("SUCCEEDED");
    expect(result.states.filter((s) => s === "RecordFailure")).toEqual([]);
    expect((await recordOf(aws)).status).toBe("succeeded");
  });

  it("catches a failed step into RecordFailure: the record names the step, the lock is released, the alert sent, the execution fails", async () => {
    // Prepare: the CTAS fails in Athena, which is no throttle
    const aws = fakeAws();
    restore = aws.restore;
    aws.athena.mock.on(StartQueryExecutionCommand).callsFake((input: StartQueryExecutionCommandInput) =>
      /^CREATE TABLE/.test(input.QueryString ?? "") ? aws.athena.startQuery(input, { state: "FAILED", reason: "HIVE_BAD_DATA: broken row" }) : aws.athena.startQuery(input),
    );
    // Act
    const result = await walk(goldenAsl(), execution(), stepRunner(aws));
    // Assess
    expect(result).toMatchObject({ status: "FAILED", error: "RunFailed", retries: [] });
    expect(result.states.slice(-3)).toEqual(["CTAS", "RecordFailure", "RunFailed"]);
    const run = await recordOf(aws);
    expect(run.status).toBe("failed");
    expect(run.failure?.step).toBe("ctas");
    expect(aws.s3.keys(AWS_CONFIG.buckets.processed)).not.toContain("_sluice/run.lock");
    expect(aws.snsMock.commandCalls(PublishCommand).map((c) => c.args[0].input.Subject)).toEqual([`sluice: run FAILED for weather (${RUN_ID})`]);
  });
});
