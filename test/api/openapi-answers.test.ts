import { Ajv2020 } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunRecord } from "../../packages/core/src/run/run-record";
import type { LocalRuntime } from "../../packages/core/src/runtime/local";
import { authJson, disposeRuntime, localApp, publishDemoWeek, tempRuntime, WEEK_BODY } from "./lake";

// Every operation of the served document is called with valid inputs and with the inputs that
// provoke its documented errors; every answer's status, headers and body are checked against the
// document itself with ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1).

type Json = Record<string, unknown>;
interface Operation {
  operationId: string;
  responses: Record<string, Json>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, Record<string, Json>>;
}
type App = Awaited<ReturnType<typeof localApp>>["app"];

/** One call: which app, the request, and the status the case is meant to provoke. */
interface Call {
  readonly operationId: string;
  readonly expect: number;
  readonly app: App;
  readonly path: string;
  readonly init?: RequestInit;
}

/** One answer as received. */
interface Answer {
  readonly call: Call;
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

const DOC_ID = "https://sluice.local/openapi.json";
const pointer = (...segments: string[]) => segments.map((s) => s.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");

/** ajv over the served document: `#/components/…` references inside it resolve against DOC_ID. */
function validatorOf(document: Document) {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictTuples: false });
  // OpenAPI 3.1's base vocabulary adds these annotation keywords to JSON Schema; the document's own
  // fields are not schema keywords either (the document is added whole so its $refs resolve).
  ajv.addVocabulary(["example", "discriminator", "xml", "externalDocs"]);
  ajv.addVocabulary(["openapi", "info", "servers", "paths", "components", "webhooks", "security", "tags", "jsonSchemaDialect"]);
  addFormats(ajv);
  ajv.addSchema({ ...document, $id: DOC_ID });
  return (jsonPointer: string, value: unknown): string[] => {
    const validate = ajv.compile({ $ref: `${DOC_ID}#/${jsonPointer}` });
    return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
  };
}

/** A response object of the document and the JSON pointer it lives at, `$ref`s followed. */
function responseOf(document: Document, path: string, method: string, status: number): { response: Json; at: string } | undefined {
  let response = document.paths[path]?.[method]?.responses[String(status)];
  let at = pointer("paths", path, method, "responses", String(status));
  if (response && typeof response.$ref === "string") {
    const name = response.$ref.replace("#/components/responses/", "");
    response = document.components.responses?.[name];
    at = pointer("components", "responses", name);
  }
  return response ? { response, at } : undefined;
}

/** What is wrong with one answer, by the document (empty when nothing). */
function problemsOf(document: Document, validate: ReturnType<typeof validatorOf>, answer: Answer, path: string, method: string): string[] {
  const problems: string[] = [];
  const found = responseOf(document, path, method, answer.status);
  if (!found) return [`status ${answer.status} is not documented (documented: ${Object.keys(document.paths[path]![method]!.responses).join(", ")})`];
  const { response, at } = found;
  for (const [name, header] of Object.entries((response.headers ?? {}) as Record<string, Json>)) {
    const ref = typeof header.$ref === "string" ? header.$ref.replace("#/components/headers/", "") : undefined;
    const spec = ref ? document.components.headers![ref]! : header;
    const value = answer.headers.get(name);
    if (value === null) {
      if (spec.required) problems.push(`required header ${name} missing`);
      continue;
    }
    const schemaAt = ref ? pointer("components", "headers", ref, "schema") : `${at}/${pointer("headers", name, "schema")}`;
    const typed = (spec.schema as Json | undefined)?.type === "integer" ? Number(value) : value;
    problems.push(...validate(schemaAt, typed).map((e) => `header ${name}: ${JSON.stringify(value)} ${e}`));
  }
  const content = response.content as Record<string, unknown> | undefined;
  if (!content) {
    if (answer.text !== "") problems.push(`a body (${answer.text.length} chars) where the document has none`);
    return problems;
  }
  const mediaType = (answer.headers.get("Content-Type") ?? "").split(";")[0]!.trim();
  if (!(mediaType in content)) return [...problems, `Content-Type ${mediaType} is not documented (${Object.keys(content).join(", ")})`];
  let body: unknown = answer.text;
  if (mediaType === "application/json") {
    try {
      body = JSON.parse(answer.text);
    } catch {
      return [...problems, `a body that is not JSON: ${answer.text.slice(0, 80)}`];
    }
  }
  problems.push(...validate(`${at}/${pointer("content", mediaType, "schema")}`, body));
  return problems;
}

describe("every answer of every operation matches the served OpenAPI document", () => {
  let runtime: LocalRuntime;
  let empty: LocalRuntime;
  let run: RunRecord;
  let document: Document;
  let validate: ReturnType<typeof validatorOf>;
  const answers: Answer[] = [];

  beforeAll(async () => {
    runtime = await tempRuntime("answers");
    empty = await tempRuntime("answers-empty");
    run = await publishDemoWeek(runtime);
    const { app, launcher, backfills } = await localApp(runtime);
    const { app: stopping } = await localApp(runtime, { stopping: () => 7 });
    const { app: limited } = await localApp(runtime, { limits: { queryMs: 300, answerBytes: 200 } });
    const { app: bare } = await localApp(runtime, { assets: undefined });
    const { app: fresh } = await localApp(empty);
    document = (await (await app.request("/openapi.json")).json()) as Document;
    validate = validatorOf(document);

    const post = (body: unknown, headers: Record<string, string> = authJson()): RequestInit => ({ method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });
    const week = "from=2024-11-24&to=2024-11-30";
    const otherId = "r20200101t000000z-0000";
    const calls: Call[] = [
      { operationId: "getHealth", expect: 200, app, path: "/health" },
      { operationId: "getOpenApiDocument", expect: 200, app, path: "/openapi.json" },
      { operationId: "listRuns", expect: 200, app, path: "/runs?limit=5" },
      { operationId: "listRuns", expect: 400, app, path: "/runs?limit=0" },
      { operationId: "getRun", expect: 200, app, path: `/runs/${run.id}` },
      { operationId: "getRun", expect: 400, app, path: "/runs/..%2F..%2Fetc" },
      { operationId: "getRun", expect: 404, app, path: `/runs/${otherId}` },
      { operationId: "getRunDqReport", expect: 200, app, path: `/runs/${run.id}/dq` },
      { operationId: "getRunDqReport", expect: 400, app, path: "/runs/not-a-run/dq" },
      { operationId: "getRunDqReport", expect: 404, app, path: `/runs/${otherId}/dq` },
      { operationId: "getLatestDqReport", expect: 200, app, path: "/dq/latest" },
      { operationId: "getLatestDqReport", expect: 404, app: fresh, path: "/dq/latest" },
      { operationId: "listTables", expect: 200, app, path: "/tables" },
      { operationId: "listDatasets", expect: 200, app, path: "/datasets" },
      { operationId: "getTable", expect: 200, app, path: "/tables/weather_prod" },
      { operationId: "getTable", expect: 200, app, path: "/tables/weather_prod_v0001" },
      { operationId: "getTable", expect: 400, app, path: "/tables/Weather-Prod" },
      { operationId: "getTable", expect: 404, app, path: "/tables/no_such_table" },
      { operationId: "getSeries", expect: 200, app, path: `/series?city=Paris&city=Atlantis&${week}` },
      { operationId: "getSeries", expect: 200, app, path: `/series?city=Berlin&${week}&interval=day&metric=temperature` },
      { operationId: "getSeries", expect: 200, app: fresh, path: `/series?${week}` },
      { operationId: "getSeries", expect: 400, app, path: "/series?from=2024-13-45&to=2024-11-30" },
      { operationId: "getStats", expect: 200, app, path: `/stats?${week}` },
      { operationId: "getStats", expect: 200, app: fresh, path: `/stats?dataset=stocks&${week}` },
      { operationId: "getStats", expect: 400, app, path: `/stats?dataset=stocks&city=Paris&${week}` },
      { operationId: "runQuery", expect: 200, app, path: "/query", init: post({ sql: "SELECT city, count(*) AS n, max(temperature) AS t FROM weather_prod GROUP BY city ORDER BY city", maxRows: 2 }) },
      { operationId: "runQuery", expect: 400, app, path: "/query", init: post({ sql: "SELECT * FROM system.main.read_text('/etc/passwd')" }) },
      { operationId: "runQuery", expect: 400, app, path: "/query", init: post({ sql: "SELECT 1", extra: true }) },
      { operationId: "runQuery", expect: 401, app, path: "/query", init: post({ sql: "SELECT 1" }, { "Content-Type": "application/json" }) },
      { operationId: "runQuery", expect: 401, app, path: "/query", init: post({ sql: "SELECT 1" }, authJson("wrong-token-0123456789")) },
      { operationId: "runQuery", expect: 413, app, path: "/query", init: post({ sql: `SELECT '${"x".repeat(70 * 1024)}' AS s` }) },
      { operationId: "runQuery", expect: 413, app: limited, path: "/query", init: post({ sql: "SELECT * FROM weather_prod" }) },
      {
        operationId: "runQuery",
        expect: 504,
        app: limited,
        path: "/query",
        init: post({ sql: "SELECT count(*) AS n FROM weather_prod a, weather_prod b, weather_prod c, weather_prod d, weather_prod e" }),
      },
      { operationId: "startRun", expect: 400, app, path: "/runs", init: post({ ...WEEK_BODY, from: "2024-13-45" }) },
      { operationId: "startRun", expect: 401, app, path: "/runs", init: post(WEEK_BODY, { "Content-Type": "application/json" }) },
      { operationId: "startRun", expect: 413, app, path: "/runs", init: post({ ...WEEK_BODY, locations: Array(9000).fill("Paris") }) },
      { operationId: "listBackfills", expect: 200, app, path: "/backfills" },
      { operationId: "listBackfills", expect: 400, app, path: "/backfills?offset=-1" },
      { operationId: "getBackfill", expect: 400, app, path: "/backfills/..%2F..%2Fetc" },
      { operationId: "getBackfill", expect: 404, app, path: "/backfills/b-weather-2020-01-01-2020-12-31-0123456789" },
      { operationId: "startBackfill", expect: 400, app, path: "/backfills", init: post({ ...WEEK_BODY, to: "2024-11-01" }) },
      { operationId: "startBackfill", expect: 401, app, path: "/backfills", init: post(WEEK_BODY, { "Content-Type": "application/json" }) },
      { operationId: "startBackfill", expect: 413, app, path: "/backfills", init: post({ ...WEEK_BODY, locations: Array(9000).fill("Paris") }) },
      { operationId: "getDashboard", expect: 200, app, path: "/" },
      { operationId: "getDashboard", expect: 404, app: bare, path: "/" },
      { operationId: "getDashboardFile", expect: 200, app, path: "/ui/app.js" },
      { operationId: "getDashboardFile", expect: 200, app, path: "/ui/uPlot.min.css" },
      { operationId: "getDashboardFile", expect: 404, app, path: "/ui/..%2Fpackage.json" },
    ];
    // A stopping server (sluice serve draining) answers every operation 503.
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const concrete = path.replace("{id}", run.id).replace("{name}", "weather_prod").replace("{file}", "app.js");
        const query = op.operationId === "getSeries" || op.operationId === "getStats" ? `?${week}` : "";
        calls.push({ operationId: op.operationId, expect: 503, app: stopping, path: `${concrete}${query}`, init: method === "post" ? post({}) : undefined });
      }
    }

    let n = 0;
    const send = async (call: Call, extra: Record<string, string> = {}): Promise<Answer> => {
      const init = call.init ?? {};
      const res = await call.app.request(call.path, { ...init, headers: { ...(init.headers as Record<string, string>), "X-Request-Id": `answers-${++n}`, ...extra } });
      const answer = { call, status: res.status, headers: res.headers, text: await res.text() };
      answers.push(answer);
      return answer;
    };
    for (const call of calls) {
      const answer = await send(call);
      // The same request again with the answer's ETag: 304 (cache hits and ETag middleware alike).
      const etag = answer.headers.get("ETag");
      if (answer.status === 200 && etag) await send({ ...call, expect: 304 }, { "If-None-Match": etag });
    }
    // A run: 202, then a second one while it holds the lake is a 409.
    await send({ operationId: "startRun", expect: 202, app, path: "/runs", init: post(WEEK_BODY) });
    await send({ operationId: "startRun", expect: 409, app, path: "/runs", init: post(WEEK_BODY) });
    await launcher.settled();
    // A back-fill: 202, then the same one while it runs is a 409; once it ended, its state (listed too).
    const started = await send({ operationId: "startBackfill", expect: 202, app, path: "/backfills", init: post({ ...WEEK_BODY, from: "2024-10-01" }) });
    await send({ operationId: "startBackfill", expect: 409, app, path: "/backfills", init: post({ ...WEEK_BODY, from: "2024-10-01" }) });
    await backfills.settled();
    const state = await send({ operationId: "getBackfill", expect: 200, app, path: (JSON.parse(started.text) as { location: string }).location });
    await send({ ...state.call, expect: 304 }, { "If-None-Match": state.headers.get("ETag")! });
    await send({ operationId: "listBackfills", expect: 200, app, path: "/backfills?limit=1" });
    // A cache hit answers from the app's first middleware: the same checks apply.
    await send(calls.find((c) => c.operationId === "getSeries")!);
  }, 120_000);
  afterAll(async () => {
    await disposeRuntime(runtime);
    await disposeRuntime(empty);
  });

  /** The document's path and method of an operation id. */
  const where = (operationId: string): [string, string] => {
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(item)) if (op.operationId === operationId) return [path, method];
    }
    throw new Error(`no operation ${operationId} in the document`);
  };

  it("gives each call the status it was meant to provoke", () => {
    const wrong = answers.filter((a) => a.status !== a.call.expect).map((a) => `${a.call.operationId} ${a.call.path}: ${a.status}, expected ${a.call.expect}: ${a.text.slice(0, 200)}`);
    expect(wrong).toEqual([]);
  });

  it("answers with a status, headers and a body that the operation documents, the body valid against its schema", () => {
    // Act
    const problems = answers.flatMap((a) => problemsOf(document, validate, a, ...where(a.call.operationId)).map((p) => `${a.call.operationId} ${a.status} ${a.call.path.slice(0, 60)}: ${p}`));

    // Assess
    expect(answers.length).toBeGreaterThan(60);
    expect(problems).toEqual([]);
  });

  it("calls every operation, and provokes every status the document lists but 500", () => {
    // Prepare
    const documented = Object.values(document.paths).flatMap((item) => Object.values(item).flatMap((op) => Object.keys(op.responses).map((s) => `${op.operationId} ${s}`)));
    const provoked = new Set(answers.map((a) => `${a.call.operationId} ${a.status}`));

    // Assess
    expect(documented.filter((d) => !d.endsWith(" 500") && !provoked.has(d))).toEqual([]);
    expect([...provoked].filter((p) => !documented.includes(p))).toEqual([]);
  });

  it("echoes the client's X-Request-Id on every answer, cache hits and refusals included, and puts it in error bodies", () => {
    const mismatched = answers.filter((a) => !/^answers-\d+$/.test(a.headers.get("X-Request-Id") ?? ""));
    const errors = answers.filter((a) => a.status >= 400).map((a) => [(JSON.parse(a.text) as { error: { requestId: string } }).error.requestId, a.headers.get("X-Request-Id")]);
    expect(mismatched.map((a) => `${a.call.operationId} ${a.status}`)).toEqual([]);
    for (const [inBody, inHeader] of errors) expect(inBody).toBe(inHeader);
  });

  it("has a validator that refuses what the schemas do not allow (so the checks above can fail)", () => {
    // Prepare: a real /series answer, then broken copies of it
    const series = answers.find((a) => a.call.operationId === "getSeries" && a.status === 200)!;
    const body = JSON.parse(series.text) as Json;
    const at = (status: number) => responseOf(document, "/series", "get", status)!.at;

    // Act
    const missing = validate(`${at(200)}/content/application~1json/schema`, { ...body, series: undefined });
    const badPoint = validate(`${at(200)}/content/application~1json/schema`, { ...body, series: [{ subject: "Paris", city: "Paris", points: [["t", "warm"]] }] });
    const badError = validate(`${at(400)}/content/application~1json/schema`, { error: { status: 400, code: "x", message: "m" } });
    const badHeader = validate(pointer("components", "headers", "X-Request-Id", "schema"), "has spaces");

    // Assess
    expect(missing.length).toBeGreaterThan(0);
    expect(badPoint.length).toBeGreaterThan(0);
    expect(badError.join()).toContain("requestId");
    expect(badHeader.length).toBeGreaterThan(0);
  });

  it("answers 503 while stopping with Retry-After and Connection: close, and declares both in the document", () => {
    const stopped = answers.filter((a) => a.call.expect === 503);
    expect(stopped.length).toBe(Object.values(document.paths).flatMap((i) => Object.keys(i)).length);
    for (const a of stopped) {
      expect(a.headers.get("Retry-After")).toBe("7");
      expect(a.headers.get("Connection")).toBe("close");
      expect(JSON.parse(a.text)).toMatchObject({ error: { status: 503, code: "server_stopping" } });
    }
  });
});
