import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type LocalServer } from "../../packages/cli/src/commands/serve";
import { createLogger } from "../../packages/core/src/log/logger";
import { pipeline } from "../../packages/core/src/pipeline/pipeline";
import { LocalRuntime } from "../../packages/core/src/runtime/local";
import { authJson, disposeRuntime, localApp, publishDemoWeek, tempRuntime, TOKEN } from "./lake";

const CROSS_JOIN = "SELECT count(*) AS n FROM weather_prod a, weather_prod b, weather_prod c, weather_prod d, weather_prod e";
const RECURSIVE = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) AS n FROM r";
const QUICK = "SELECT count(*) AS n FROM weather_prod";

describe("POST /query's budget: time limit, cancellation on disconnect, answer bytes", () => {
  let runtime: LocalRuntime;

  beforeAll(async () => {
    // One connection: a query left running would then block the next one.
    const base = await tempRuntime("budget");
    runtime = new LocalRuntime({ ...base.options, connections: 1 });
    await publishDemoWeek(runtime);
  });
  afterAll(() => disposeRuntime(runtime));

  it.each([CROSS_JOIN, RECURSIVE])("cuts %s at the configured limit with 504 naming it, and the next query answers fast", async (sql) => {
    // Prepare
    const { app: limited } = await localApp(runtime, { limits: { queryMs: 400 } });

    // Act
    const started = performance.now();
    const res = await limited.request("/query", { method: "POST", headers: authJson(), body: JSON.stringify({ sql }) });
    const cutAfter = performance.now() - started;
    const nextStarted = performance.now();
    const next = await limited.request("/query", { method: "POST", headers: authJson(), body: JSON.stringify({ sql: QUICK }) });
    const nextMs = performance.now() - nextStarted;

    // Assess
    expect(res.status).toBe(504);
    const error = ((await res.json()) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe("query_timeout");
    expect(error.message).toContain("400 ms");
    expect(cutAfter).toBeLessThan(5_000);
    expect(next.status).toBe(200);
    expect(nextMs).toBeLessThan(2_000);
  });

  it("answers 413 naming the byte limit for one row larger than it", async () => {
    // Prepare
    const { app } = await localApp(runtime);

    // Act
    const res = await app.request("/query", { method: "POST", headers: authJson(), body: JSON.stringify({ sql: "SELECT lpad('x', 50000000, 'y') AS big" }) });

    // Assess
    expect(res.status).toBe(413);
    const error = ((await res.json()) as { error: { code: string; message: string } }).error;
    expect(error).toMatchObject({ code: "answer_too_large" });
    expect(error.message).toContain(String(10 * 1024 * 1024));
  });

  it("cancels the query of a client that disconnects (real server): a second query then answers quickly", async () => {
    // Prepare
    const server: LocalServer = await startServer(runtime, { token: TOKEN, host: "127.0.0.1", port: 0, limits: { queryMs: 120_000 } });
    try {
      const url = new URL("/query", server.url).href;
      const abort = new AbortController();

      // Act
      const hostile = fetch(url, { method: "POST", headers: authJson(), body: JSON.stringify({ sql: CROSS_JOIN }), signal: abort.signal }).catch((e: unknown) => e);
      await new Promise((done) => setTimeout(done, 500));
      abort.abort();
      await hostile;
      const started = performance.now();
      const next = await fetch(url, { method: "POST", headers: authJson(), body: JSON.stringify({ sql: QUICK }) });
      const ms = performance.now() - started;

      // Assess
      expect(next.status).toBe(200);
      expect(ms).toBeLessThan(3_000);
    } finally {
      await server.close();
    }
  });
});

describe("sluice serve as a process", () => {
  it("exits on SIGTERM", async () => {
    // Prepare
    const lake = (await tempRuntime("sigterm")).options.lake;
    const child = spawn(process.execPath, ["bin/sluice.js", "serve", "--lake", lake, "--port", "0"], {
      env: { ...process.env, SLUICE_API_TOKEN: TOKEN },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
    for (let i = 0; i < 200 && !out.includes("http://"); i++) await new Promise((done) => setTimeout(done, 100));
    expect(out).toContain("http://");
    const url = /(http:\/\/\S+)/.exec(out)![1]!;
    await fetch(new URL("/health", url)); // a keep-alive socket stays open

    // Act
    const started = performance.now();
    child.kill("SIGTERM");
    const code = await Promise.race([exited, new Promise<"hung">((done) => setTimeout(() => done("hung"), 8_000))]);

    // Assess
    if (code === "hung") child.kill("SIGKILL");
    expect(code).toBe(0);
    expect(performance.now() - started).toBeLessThan(8_000);
    await disposeRuntime(new LocalRuntime({ lake, pipeline, logger: createLogger("silent") }));
  }, 30_000);
});
