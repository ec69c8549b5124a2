import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { MockInstance } from "vitest";
import { lambdaLogger } from "../../packages/core/src/log/lambda-logger";
import type { LambdaInvocationContext } from "../../packages/core/src/log/lambda-logger";
import { AwsRuntime } from "../../packages/core/src/runtime/aws";
import { produce } from "../../packages/functions/src/producer";
import { FakeOpenMeteo } from "../sources/fake-open-meteo";
import { fakeAws } from "./fake-aws";

/** A Lambda invocation context as the Node.js runtime passes it (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-context.html). */
function contextOf(requestId: string): LambdaInvocationContext {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: "sluice-test-producer",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:sluice-test-producer",
    memoryLimitInMB: "1024",
    awsRequestId: requestId,
    logGroupName: "/aws/lambda/sluice-test-producer",
    logStreamName: "2026/12/04/[$LATEST]0123456789abcdef",
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

// Powertools writes each entry as one JSON line through a Console over process.stdout (debug,
// info) and process.stderr (warn, error), in the order logged.
describe("the Lambda logger (Powertools for AWS Lambda)", () => {
  let lines: string[];
  let spies: MockInstance<typeof process.stdout.write>[];
  const entries = () => lines.filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as Record<string, unknown>);

  beforeEach(() => {
    lines = [];
    spies = [process.stdout, process.stderr].map((stream) =>
      vi.spyOn(stream, "write").mockImplementation((chunk: string | Uint8Array) => {
        lines.push(String(chunk));
        return true;
      }),
    );
    // Set by Lambda in an on-demand execution environment; Powertools reports cold starts only there.
    vi.stubEnv("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
  });
  afterEach(() => {
    for (const spy of spies) spy.mockRestore();
    vi.unstubAllEnvs();
  });

  it("names the invocation's request id and cold start on every entry, a child's included", () => {
    // Prepare: a child made before the first invocation, as the runtime's components make theirs
    const logger = lambdaLogger({ serviceName: "sluice-test", level: "info" });
    const child = logger.child({ dataset: "weather" });
    // Act
    logger.addContext(contextOf("req-1"));
    child.info("location fetched", { location: "Paris", records: 48 });
    logger.addContext(contextOf("req-2"));
    child.child({ runId: "r1" }).warn("items went to the error output", { items: 2 });
    logger.debug("not at info");
    // Assess
    const [first, second, ...more] = entries();
    expect(more).toEqual([]);
    expect(first).toMatchObject({ level: "INFO", message: "location fetched", service: "sluice-test", cold_start: true, function_request_id: "req-1", function_name: "sluice-test-producer", dataset: "weather", location: "Paris", records: 48 });
    expect(second).toMatchObject({ level: "WARN", cold_start: false, function_request_id: "req-2", dataset: "weather", runId: "r1", items: 2 });
    expect(typeof first!.timestamp).toBe("string");
  });

  it("writes an error's name and message, and nothing below the level asked for", () => {
    // Prepare
    const logger = lambdaLogger({ serviceName: "sluice-test", level: "error" });
    // Act
    logger.warn("dropped");
    logger.error("could not publish the alert", { error: new TypeError("topic gone") });
    // Assess
    const [entry, ...more] = entries();
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ level: "ERROR", message: "could not publish the alert", error: { name: "TypeError", message: "topic gone" } });
  });

  it("carries the request id through a producer invocation's own log entries", async () => {
    // Prepare: Open-Meteo refuses any request for London with its documented 400 (the batch, then London alone)
    const openMeteo = await FakeOpenMeteo.start((url) =>
      url.searchParams.get("latitude")?.includes("51.5") ? { status: 400, body: JSON.stringify({ error: true, reason: "Cannot initialize WeatherVariable from invalid String value" }) } : undefined,
    );
    const aws = fakeAws();
    try {
      const logger = lambdaLogger({ serviceName: "sluice-producer", level: "info" });
      const runtime = new AwsRuntime({ ...aws.runtime.options, logger, sourceSettings: { baseUrl: openMeteo.baseUrl } });
      logger.addContext(contextOf("req-producer"));
      // Act
      await produce(runtime, { from: "2024-11-24", to: "2024-11-24", locations: ["Paris", "London"] });
      // Assess
      const failure = entries().find((e) => e.message === "location not ingested");
      expect(failure).toMatchObject({ level: "ERROR", service: "sluice-producer", function_request_id: "req-producer", dataset: "weather", location: "London" });
    } finally {
      aws.restore();
      await openMeteo.close();
    }
  });
});
