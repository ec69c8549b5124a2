import { SFNServiceException } from "@aws-sdk/client-sfn";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadWebAssets } from "../../packages/core/src/api/web-assets";
import { tableInputOf } from "../../packages/core/src/aws/glue-table-input";
import type { RunRecord } from "../../packages/core/src/run/run-record";
import { AwsRuntime, awsRedactor } from "../../packages/core/src/runtime/aws";
import { apiHandler } from "../../packages/functions/src/api";
import type { AthenaAnswer } from "./fake-athena";
import { FakeAthena } from "./fake-athena";
import { AWS_CONFIG, fakeAws } from "./fake-aws";
import { FakeSfn } from "./fake-sfn";

// API Gateway HTTP API → Lambda, payload format 2.0 (rawPath, rawQueryString, requestContext.http):
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html

const TOKEN = "test-token-0123456789abcdef";
const RUN_STATE_MACHINE = "arn:aws:states:eu-west-1:123456789012:stateMachine:RunStateMachine-abc";
const BACKFILL_STATE_MACHINE = "arn:aws:states:eu-west-1:123456789012:stateMachine:BackfillStateMachine-abc";
const HOST = "abc123.execute-api.eu-west-1.amazonaws.com";
const PARIS = { name: "Paris", latitude: 48.8566, longitude: 2.3522 };

/** What api.handler answers API Gateway (payload 2.0 response). */
interface HttpAnswer {
  readonly statusCode: number;
  readonly headers?: Record<string, string>;
  readonly body: string;
}

/** Invokes a handler with an event and types its answer. */
function call(handler: ReturnType<typeof apiHandler>, event: unknown): Promise<HttpAnswer> {
  return handler(event as Parameters<typeof handler>[0]) as Promise<HttpAnswer>;
}

/** An HTTP API (payload 2.0) event for one request. */
function httpEvent(method: string, url: string, options: { headers?: Record<string, string>; body?: unknown } = {}) {
  const [rawPath, rawQueryString = ""] = url.split("?") as [string, string?];
  return {
    version: "2.0",
    routeKey: rawPath === "/" ? "GET /" : "ANY /{proxy+}",
    rawPath,
    rawQueryString,
    headers: { host: HOST, "user-agent": "vitest", ...(options.body !== undefined ? { "content-type": "application/json" } : {}), ...options.headers },
    body: options.body === undefined ? null : JSON.stringify(options.body),
    isBase64Encoded: false,
    requestContext: {
      accountId: "123456789012",
      apiId: "abc123",
      domainName: HOST,
      domainPrefix: "abc123",
      http: { method, path: rawPath, protocol: "HTTP/1.1", sourceIp: "203.0.113.7", userAgent: "vitest" },
      requestId: "apigw-request-1",
      routeKey: rawPath === "/" ? "GET /" : "ANY /{proxy+}",
      stage: "$default",
      time: "25/Nov/2024:10:00:00 +0000",
      timeEpoch: Date.parse("2024-11-25T10:00:00Z"),
    },
  };
}

/** The scripted Athena behind the API: the series query answers one Paris point; anything else fails as `failure` says. */
function apiAthena(failure = "the scripted Athena does not know this query") {
  return new FakeAthena((sql): AthenaAnswer => {
    if (/AS entity, date_trunc/.test(sql)) {
      return {
        state: "SUCCEEDED",
        columns: [
          { name: "entity", type: "varchar" },
          { name: "t", type: "timestamp" },
          { name: "value", type: "double" },
        ],
        rows: [["Paris", "2024-11-24 10:00:00.000", "7.5"]],
        bytesScanned: 1_048_576,
      };
    }
    return { state: "FAILED", reason: failure };
  });
}

describe("api.handler on AWS adapters (hono/aws-lambda, fake S3, Glue, Athena and Step Functions)", () => {
  let aws: ReturnType<typeof fakeAws>;
  let athena: FakeAthena;
  let sfn: FakeSfn;
  let run: RunRecord;
  let invoke: ReturnType<typeof apiHandler>;

  const setUp = async (athenaFailure?: string) => {
    aws = fakeAws();
    // A published production and one run record, made by the run engine on the same fake lake.
    run = await (await aws.runtime.runEngine()).run({ dataset: "weather", source: "synthetic", from: "2024-11-24", to: "2024-11-24", locations: [PARIS], variables: ["temperature_2m"], skipIngest: true });
    // fakeAws's scripted Athena does not register views; real Athena's CREATE OR REPLACE VIEW leaves this VIRTUAL_VIEW in Glue.
    const prodView = tableInputOf({ database: AWS_CONFIG.glueDatabase, name: "weather_prod", kind: "view", columns: [{ name: "city", type: "string" }], partitionKeys: [], viewSql: `SELECT * FROM "${run.prodVersion}"`, parameters: {} });
    aws.glue.tables.set(`${AWS_CONFIG.glueDatabase}.weather_prod`, { ...prodView, DatabaseName: AWS_CONFIG.glueDatabase, VersionId: "3" });
    athena = apiAthena(athenaFailure);
    sfn = new FakeSfn();
    const runtime = new AwsRuntime({
      ...aws.runtime.options,
      config: { ...AWS_CONFIG, runStateMachine: RUN_STATE_MACHINE, backfillStateMachine: BACKFILL_STATE_MACHINE },
      clients: { ...aws.runtime.options.clients, athena: athena.client, sfn: sfn.client },
    });
    invoke = apiHandler(() => runtime.apiDeps({ token: TOKEN, assets: loadWebAssets() }));
  };
  const request = async (method: string, url: string, options?: { headers?: Record<string, string>; body?: unknown }) => {
    const answer = await call(invoke, httpEvent(method, url, options));
    return { ...answer, json: () => JSON.parse(answer.body) as Record<string, any> };
  };
  const invocations = () => sfn.executions();

  beforeEach(async () => {
    await setUp();
  });
  afterEach(() => {
    aws.restore();
    athena.mock.restore();
    sfn.mock.restore();
  });

  it("GET /health answers ok with production's version read from Glue", async () => {
    // Act
    const answer = await request("GET", "/health");
    // Assess
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({ status: "ok", productionVersion: "weather:weather_prod_v0001:3,stocks:none:0,air_quality:none:0" });
  });

  it("GET /runs lists the run records the runner stored on S3", async () => {
    // Act
    const answer = await request("GET", "/runs?limit=5");
    // Assess
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toMatchObject({ runs: [{ id: run.id, status: "succeeded", prodVersion: "weather_prod_v0001" }], limit: 5, offset: 0, nextOffset: null });
  });

  it("POST /runs without a bearer token is 401 with a bare challenge, with a wrong one 401 invalid_token (RFC 6750 §3.1), and invokes nothing", async () => {
    // Prepare
    const body = { source: "synthetic", from: "2024-11-24", to: "2024-11-24", locations: ["Paris"] };
    // Act
    const missing = await request("POST", "/runs", { body });
    const wrong = await request("POST", "/runs", { body, headers: { authorization: "Bearer not-the-token-at-all" } });
    // Assess
    expect(missing.statusCode).toBe(401);
    expect(missing.headers?.["www-authenticate"]).toBe('Bearer realm="sluice"');
    expect(missing.json().error.code).toBe("unauthorized");
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers?.["www-authenticate"]).toMatch(/^Bearer realm="sluice", error="invalid_token"/);
    expect(wrong.json().error.code).toBe("invalid_token");
    expect(invocations()).toEqual([]);
  });

  it("POST /runs with the token answers 202 with a Location, starts the run state machine named by that run id, and the Location answers at once", async () => {
    // Prepare
    aws.clock.advance(60_000);
    // Act
    const answer = await request("POST", "/runs", { body: { source: "synthetic", from: "2024-11-24", to: "2024-11-25", locations: ["Paris", "London"] }, headers: { authorization: `Bearer ${TOKEN}` } });
    const polled = await request("GET", answer.headers!.location as string);
    // Assess
    const { runId, location } = answer.json();
    expect(answer.statusCode).toBe(202);
    expect(answer.headers?.location).toBe(`/runs/${runId}`);
    expect(location).toBe(`/runs/${runId}`);
    expect(sfn.started).toEqual([expect.objectContaining({ stateMachineArn: RUN_STATE_MACHINE, name: runId })]);
    expect(invocations()).toEqual([
      { name: runId, input: expect.objectContaining({ dataset: "weather", source: "synthetic", from: "2024-11-24", to: "2024-11-25", skipIngest: false }) },
    ]);
    expect(invocations()[0]!.input.locations.map((l) => l.name)).toEqual(["Paris", "London"]);
    expect(polled.statusCode).toBe(200);
    expect(polled.json()).toMatchObject({ id: runId, status: "running" });
  });

  it("POST /backfills with the token answers 202, starts the back-fill state machine, and GET /backfills/{id} answers from the first cursor at once", async () => {
    // Act
    const body = { source: "synthetic", from: "2020-01-01", to: "2024-12-31", subjects: ["Paris"] };
    const answer = await request("POST", "/backfills", { body, headers: { authorization: `Bearer ${TOKEN}` } });
    const again = await request("POST", "/backfills", { body, headers: { authorization: `Bearer ${TOKEN}` } });
    const { backfillId } = answer.json();
    const polled = await request("GET", answer.headers!.location as string);
    const listed = await request("GET", "/backfills");
    // Assess
    expect(answer.statusCode).toBe(202);
    expect(answer.headers?.location).toBe(`/backfills/${backfillId}`);
    expect(sfn.started).toEqual([expect.objectContaining({ stateMachineArn: BACKFILL_STATE_MACHINE, name: expect.stringMatching(new RegExp(`^${backfillId}-\\d{8}T\\d{6}Z$`)) })]);
    expect(JSON.parse(sfn.started[0]!.input!)).toMatchObject({ dataset: "weather", source: "synthetic", from: "2020-01-01", to: "2024-12-31", locations: [{ name: "Paris" }] });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: "backfill_in_progress", runningId: backfillId });
    expect(again.body).not.toContain(BACKFILL_STATE_MACHINE);
    expect(polled.statusCode).toBe(200);
    expect(polled.json()).toMatchObject({ id: backfillId, status: "running", phase: "ingesting", chunksDone: 0, chunksTotal: 59 });
    expect(listed.json().backfills.map((b: { id: string }) => b.id)).toEqual([backfillId]);
  });

  it("POST /runs that Step Functions throttles is a 500 naming only the request id, and the run's record says it did not start", async () => {
    // Prepare: a minute after the published run, so this run sorts first
    aws.clock.advance(60_000);
    sfn.respond = () => {
      throw new SFNServiceException({ name: "ThrottlingException", $fault: "client", message: "Rate exceeded", $metadata: { httpStatusCode: 400 } });
    };
    // Act
    const answer = await request("POST", "/runs", { body: { source: "synthetic", from: "2024-11-24", to: "2024-11-24", locations: ["Paris"] }, headers: { authorization: `Bearer ${TOKEN}` } });
    const runs = await request("GET", "/runs");
    // Assess
    const { error } = answer.json();
    expect(answer.statusCode).toBe(500);
    expect(error).toMatchObject({ code: "internal", message: `internal error; quote request id ${error.requestId} when reporting it` });
    expect(answer.body).not.toContain(RUN_STATE_MACHINE);
    expect(runs.json().runs[0]).toMatchObject({ status: "failed", failure: { step: "ingest", message: "the run state machine could not be started (ThrottlingException); start the run again" } });
  });

  it("POST /runs while a live run holds the lock is 409 run_in_progress naming it", async () => {
    // Prepare
    await aws.runtime.lock.acquire("r20241125t095500z-0001");
    // Act
    const answer = await request("POST", "/runs", { body: { source: "synthetic", from: "2024-11-24", to: "2024-11-24", locations: ["Paris"] }, headers: { authorization: `Bearer ${TOKEN}` } });
    // Assess
    expect(answer.statusCode).toBe(409);
    expect(answer.json().error).toMatchObject({ code: "run_in_progress", runningId: "r20241125t095500z-0001" });
    expect(invocations()).toEqual([]);
  });

  it("GET /series sends the city and range as Athena ExecutionParameters, never as SQL text", async () => {
    // Prepare: a city that would break out of a string literal if it were pasted
    const city = "Paris' OR '1'='1";
    // Act
    const answer = await request("GET", `/series?city=${encodeURIComponent(city)}&city=Paris&from=2024-11-24&to=2024-11-24&interval=hour`);
    // Assess
    const [input, ...more] = athena.started;
    expect(more).toEqual([]);
    expect(input!.WorkGroup).toBe(AWS_CONFIG.athenaWorkgroup);
    expect(input!.QueryExecutionContext).toEqual({ Catalog: "AwsDataCatalog", Database: AWS_CONFIG.glueDatabase });
    expect(input!.QueryString).not.toMatch(/Paris|2024-11/);
    expect(input!.QueryString!.match(/\?/g)).toHaveLength(input!.ExecutionParameters!.length);
    expect(input!.ExecutionParameters).toEqual(expect.arrayContaining(["'2024-11'", "'Paris'' OR ''1''=''1'", "'Paris'", "'2024-11-24T00:00:00.000Z'", "'2024-11-25T00:00:00.000Z'"]));
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toMatchObject({ productionVersion: "weather_prod_v0001", bytesScanned: 1_048_576 });
    expect(answer.json().series).toEqual([
      { subject: city, city, points: [] },
      { subject: "Paris", city: "Paris", points: [[expect.stringContaining("2024-11-24"), 7.5]] },
    ]);
  });

  it("GET / serves the dashboard and /ui/uPlot.iife.min.js the bundled uPlot", async () => {
    // Act
    const page = await request("GET", "/");
    const uplot = await request("GET", "/ui/uPlot.iife.min.js");
    // Assess
    expect(page.statusCode).toBe(200);
    expect(page.headers?.["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.body).toContain('<script src="/ui/uPlot.iife.min.js"');
    expect(uplot.statusCode).toBe(200);
    expect(uplot.body).toContain("uPlot");
  });
});

describe("api.handler: what clients are told when AWS fails", () => {
  let restore: () => void = () => undefined;
  afterEach(() => restore());

  it("an Athena error reaches the client without bucket names, ARNs or the account id", async () => {
    // Prepare
    const aws = fakeAws();
    const athena = apiAthena(
      "Access Denied (Service: Amazon S3; Status Code: 403) reading s3://sluice-prod-processed/weather_parquet/yr_mo_partition=2024-11/part-0.parquet as arn:aws:sts::123456789012:assumed-role/sluice-prod-ApiHandlerRole/fn",
    );
    restore = () => {
      aws.restore();
      athena.mock.restore();
    };
    // POST /query only reads tables of the catalog (an allow-list): the table the query names is in Glue.
    const parquet = tableInputOf({ database: AWS_CONFIG.glueDatabase, name: "weather_parquet", kind: "table", columns: [{ name: "city", type: "string" }], partitionKeys: [], parameters: {} });
    aws.glue.tables.set(`${AWS_CONFIG.glueDatabase}.weather_parquet`, { ...parquet, DatabaseName: AWS_CONFIG.glueDatabase, VersionId: "1" });
    const runtime = new AwsRuntime({ ...aws.runtime.options, config: { ...AWS_CONFIG, runStateMachine: RUN_STATE_MACHINE, backfillStateMachine: BACKFILL_STATE_MACHINE }, clients: { ...aws.runtime.options.clients, athena: athena.client } });
    const invoke = apiHandler(() => runtime.apiDeps({ token: TOKEN, assets: new Map() }));
    // Act
    const answer = await call(invoke, httpEvent("POST", "/query", { body: { sql: "SELECT count(*) AS n FROM weather_parquet" }, headers: { authorization: `Bearer ${TOKEN}` } }));
    // Assess
    const { error } = JSON.parse(answer.body) as { error: { code: string; message: string } };
    expect(answer.statusCode).toBe(400);
    expect(error.code, error.message).toBe("invalid_query");
    expect(error.message).toContain("Access Denied");
    expect(error.message).toContain("s3://<processed>/weather_parquet/");
    expect(error.message).not.toMatch(/sluice-prod|123456789012|arn:aws/);
  });

  it("a failed build of the deps is retried on the next invocation instead of failing the container for good", async () => {
    // Prepare
    const aws = fakeAws();
    restore = aws.restore;
    let builds = 0;
    const invoke = apiHandler(async () => {
      builds++;
      if (builds === 1) throw new Error("SSM GetParameters throttled");
      return new AwsRuntime({ ...aws.runtime.options, config: { ...AWS_CONFIG, runStateMachine: RUN_STATE_MACHINE, backfillStateMachine: BACKFILL_STATE_MACHINE } }).apiDeps({ token: TOKEN, assets: new Map() });
    });
    // Act
    const first = await call(invoke, httpEvent("GET", "/health")).catch((e: unknown) => e);
    const second = await call(invoke, httpEvent("GET", "/health"));
    const third = await call(invoke, httpEvent("GET", "/health"));
    // Assess
    expect((first as Error).message).toBe("SSM GetParameters throttled");
    expect(second.statusCode).toBe(200);
    expect(third.statusCode).toBe(200);
    expect(builds).toBe(2);
  });
});

describe("awsRedactor", () => {
  it("replaces ARNs, account ids, bucket names, the workgroup and the Glue database by neutral names", () => {
    // Prepare
    const redact = awsRedactor({ ...AWS_CONFIG, runStateMachine: RUN_STATE_MACHINE, backfillStateMachine: BACKFILL_STATE_MACHINE });
    // Act
    const out = redact(
      "TABLE_NOT_FOUND: sluice_prod.weather_x in sluice-prod; s3://sluice-prod-athena-results/results/q.csv, sluice-prod-prod, account 123456789012, role arn:aws:iam::123456789012:role/x, state machine arn:aws:states:eu-west-1:123456789012:stateMachine:RunStateMachine-abc",
    );
    // Assess
    expect(out).toBe("TABLE_NOT_FOUND: sluice.weather_x in <workgroup>; s3://<athena-results>/results/q.csv, <prod>, account <account>, role <arn>, state machine <arn>");
  });
});
