import { spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalRuntime } from "../../packages/core/src/runtime/local";
import { GAZETTEER_CITIES } from "../../packages/core/src/sources/gazetteer";
import { authJson, disposeRuntime, publishDemoWeek, tempRuntime, TOKEN } from "./lake";

// `sluice serve` as a real process stopped by a signal: it drains (no new connection, 503 with
// Retry-After to a new request on an open one, the requests in flight answered), cuts what is still
// running after SLUICE_DRAIN_MS (its DuckDB query interrupted), closes DuckDB and exits.

const CROSS_JOIN = "SELECT count(*) AS n FROM weather_prod a, weather_prod b, weather_prod c, weather_prod d, weather_prod e";
const counting = (n: number) => `WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < ${n}) SELECT count(*) AS n FROM r`;

interface Served {
  readonly child: ChildProcess;
  readonly url: URL;
  readonly exited: Promise<number | null>;
  stderr(): string;
}

async function serveLake(lake: string, env: Record<string, string>): Promise<Served> {
  const child = spawn(process.execPath, ["bin/sluice.js", "serve", "--lake", lake, "--port", "0"], {
    env: { ...process.env, SLUICE_API_TOKEN: TOKEN, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  for (let i = 0; i < 300 && !/on http:\/\/\S+\//.test(out) && child.exitCode === null; i++) await new Promise((done) => setTimeout(done, 100));
  const match = /on (http:\/\/\S+\/)/.exec(out);
  if (!match) throw new Error(`sluice serve did not start: ${out} ${err}`);
  return { child, url: new URL(match[1]!), exited, stderr: () => err };
}

/** Waits for `predicate`, polling, at most `ms`. */
async function until(predicate: () => boolean, ms: number): Promise<void> {
  for (const started = performance.now(); !predicate() && performance.now() - started < ms; ) await new Promise((done) => setTimeout(done, 20));
}

/** The exit code, or "hung" (the child is then killed) after `ms`. */
async function exitWithin(served: Served, ms: number): Promise<number | null | "hung"> {
  const code = await Promise.race([served.exited, new Promise<"hung">((done) => setTimeout(() => done("hung"), ms))]);
  if (code === "hung") served.child.kill("SIGKILL");
  return code;
}

/** HTTP/1.1 answers read off one socket in order (Content-Length or chunked bodies). */
function parseAnswers(raw: string): { status: number; headers: Record<string, string>; body: string }[] {
  const answers = [];
  let rest = raw;
  while (rest.startsWith("HTTP/1.1")) {
    const headEnd = rest.indexOf("\r\n\r\n");
    const [statusLine, ...lines] = rest.slice(0, headEnd).split("\r\n");
    const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
    rest = rest.slice(headEnd + 4);
    let body = "";
    if (headers["transfer-encoding"] === "chunked") {
      for (;;) {
        const sizeEnd = rest.indexOf("\r\n");
        const size = parseInt(rest.slice(0, sizeEnd), 16);
        body += rest.slice(sizeEnd + 2, sizeEnd + 2 + size);
        rest = rest.slice(sizeEnd + 2 + size + 2);
        if (size === 0) break;
      }
    } else {
      const length = Number(headers["content-length"] ?? 0);
      body = rest.slice(0, length);
      rest = rest.slice(length);
    }
    answers.push({ status: Number(statusLine!.split(" ")[1]), headers, body });
  }
  return answers;
}

describe("sluice serve stopped by a signal", () => {
  let runtime: LocalRuntime;
  let lake: string;
  beforeAll(async () => {
    runtime = await tempRuntime("drain");
    lake = runtime.options.lake;
    await publishDemoWeek(runtime);
    // The served process opens its own DuckDB over the lake; this one stays idle until the end.
  }, 60_000);
  afterAll(() => disposeRuntime(runtime));

  it("on SIGTERM refuses new connections, answers a new request on an open one 503 with Retry-After, finishes the query in flight and exits 0", async () => {
    // Prepare: a query that runs at least a second here, found by doubling its length
    const served = await serveLake(lake, { SLUICE_DRAIN_MS: "30000" });
    const query = (sql: string) => fetch(new URL("/query", served.url), { method: "POST", headers: authJson(), body: JSON.stringify({ sql }) });
    let n = 20_000;
    for (let ms = 0; ms < 1_000 && n < 50_000_000; n *= 2) {
      const started = performance.now();
      expect((await query(counting(n))).status).toBe(200);
      ms = performance.now() - started;
      if (ms >= 1_000) break;
    }
    const body = JSON.stringify({ sql: counting(n) });
    const socket = connect(Number(served.url.port), served.url.hostname);
    let raw = "";
    socket.on("data", (chunk: Buffer) => (raw += chunk.toString()));
    const socketClosed = new Promise<void>((done) => socket.once("close", () => done()));
    await new Promise<void>((done) => socket.once("connect", () => done()));

    // Act: the slow query, SIGTERM while it runs, then a second request on the same connection
    socket.write(`POST /query HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    await new Promise((done) => setTimeout(done, 250));
    served.child.kill("SIGTERM");
    await until(() => served.stderr().includes("SIGTERM"), 5_000);
    socket.write("GET /health HTTP/1.1\r\nHost: x\r\nX-Request-Id: late-one\r\n\r\n");
    const fresh = await fetch(new URL("/health", served.url)).then(
      (res) => res.status,
      (error: unknown) => ((error as { cause?: { code?: string } }).cause?.code ?? String(error)),
    );
    await Promise.race([socketClosed, new Promise((done) => setTimeout(done, 30_000))]);
    const code = await exitWithin(served, 30_000);

    // Assess
    const [first, second] = parseAnswers(raw);
    expect(served.stderr()).toContain("SIGTERM: finishing the requests in flight (at most 30000 ms)");
    expect(fresh).toBe("ECONNREFUSED");
    expect(first?.status).toBe(200);
    expect(JSON.parse(first!.body)).toMatchObject({ rows: [{ n }] });
    expect(second?.status).toBe(503);
    expect(second?.headers).toMatchObject({ "retry-after": "30", connection: "close", "x-request-id": "late-one" });
    expect(JSON.parse(second!.body)).toMatchObject({ error: { status: 503, code: "server_stopping", requestId: "late-one" } });
    expect(code).toBe(0);
  }, 120_000);

  it("after SLUICE_DRAIN_MS cuts the request still running, interrupts its query, and exits 143 saying so", async () => {
    // Prepare
    const served = await serveLake(lake, { SLUICE_DRAIN_MS: "500", SLUICE_QUERY_TIMEOUT_MS: "600000" });
    const hostile = fetch(new URL("/query", served.url), { method: "POST", headers: authJson(), body: JSON.stringify({ sql: CROSS_JOIN }) }).then(
      (res) => res.status,
      () => "cut",
    );
    await new Promise((done) => setTimeout(done, 500));

    // Act
    const started = performance.now();
    served.child.kill("SIGTERM");
    const code = await exitWithin(served, 20_000);
    const ms = performance.now() - started;

    // Assess: the 5-way cross join would run for minutes; DuckDB was interrupted
    expect(code).toBe(143);
    expect(await hostile).toBe("cut");
    expect(ms).toBeLessThan(15_000);
    expect(served.stderr()).toContain("1 request(s) still running after the drain time were cut");
  }, 60_000);

  it("on SIGTERM stops a run started through the API at the step it is in, records it failed naming the signal, and exits 143", async () => {
    // Prepare: a run long enough to be mid-ingest (50 cities × 366 days of synthetic hours)
    const served = await serveLake(lake, {});
    const cities = GAZETTEER_CITIES.slice(0, 50).map((c) => c.name);
    const started = await fetch(new URL("/runs", served.url), {
      method: "POST",
      headers: authJson(),
      body: JSON.stringify({ source: "synthetic", from: "2023-01-01", to: "2024-01-01", locations: cities }),
    });
    const { runId } = (await started.json()) as { runId: string };
    expect(started.status).toBe(202);
    await new Promise((done) => setTimeout(done, 300));

    // Act
    served.child.kill("SIGTERM");
    const code = await exitWithin(served, 60_000);

    // Assess
    expect(code).toBe(143);
    expect(served.stderr()).toContain(`run ${runId} was stopped at the step it was in`);
    const run = await runtime.runStore.get(runId);
    expect(run).toMatchObject({ status: "failed", failure: { message: expect.stringContaining("SIGTERM") } });
  }, 90_000);

  it("exits 0 at once on SIGINT when nothing is running", async () => {
    // Prepare
    const served = await serveLake(lake, {});
    await fetch(new URL("/health", served.url)); // a keep-alive socket stays open

    // Act
    const started = performance.now();
    served.child.kill("SIGINT");
    const code = await exitWithin(served, 10_000);

    // Assess
    expect(code).toBe(0);
    expect(performance.now() - started).toBeLessThan(5_000);
  }, 60_000);
});
