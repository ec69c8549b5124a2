import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiTokenOf, startServer, type LocalServer } from "../../packages/cli/src/commands/serve";
import type { LocalRuntime } from "../../packages/core/src/runtime/local";
import { sluice } from "../cli/sluice";
import { disposeRuntime, publishDemoWeek, tempRuntime, TOKEN, WEEK_BODY } from "./lake";

describe("sluice serve", () => {
  let runtime: LocalRuntime;
  let server: LocalServer;
  beforeAll(async () => {
    runtime = await tempRuntime("serve");
    await publishDemoWeek(runtime);
    server = await startServer(runtime, { token: TOKEN, host: "127.0.0.1", port: 0 });
  });
  afterAll(async () => {
    await server.close();
    await disposeRuntime(runtime);
  });

  it("serves the API over real HTTP on 127.0.0.1 with an ephemeral port", async () => {
    // Act
    const health = await fetch(new URL("/health", server.url));
    const series = await fetch(new URL("/series?city=London&from=2024-11-24&to=2024-11-24", server.url));

    // Assess
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(health.status).toBe(200);
    expect(((await series.json()) as { series: { points: unknown[] }[] }).series[0]!.points).toHaveLength(24);
  });

  it("starts a run over HTTP with the token and refuses one without", async () => {
    // Act
    const refused = await fetch(new URL("/runs", server.url), { method: "POST", body: JSON.stringify(WEEK_BODY) });
    const accepted = await fetch(new URL("/runs", server.url), {
      method: "POST",
      headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify(WEEK_BODY),
    });
    await server.launcher.settled();

    // Assess
    expect(refused.status).toBe(401);
    expect(accepted.status).toBe(202);
  });

  it("takes the token from SLUICE_API_TOKEN, generates one when unset, and refuses a short one", () => {
    expect(apiTokenOf({ SLUICE_API_TOKEN: TOKEN })).toEqual({ token: TOKEN, generated: false });
    const generated = apiTokenOf({});
    expect(generated.generated).toBe(true);
    expect(generated.token).toMatch(/^[\w-]{32}$/);
    expect(apiTokenOf({}).token).not.toBe(generated.token);
    expect(() => apiTokenOf({ SLUICE_API_TOKEN: "short" })).toThrow(/at least 16/);
  });

  it("documents its options in --help and refuses a bad port", async () => {
    // Act
    const help = await sluice("serve", "--help");
    const bad = await sluice("serve", "--port", "99999", "--lake", runtime.options.lake);

    // Assess
    expect(help.code).toBe(0);
    for (const flag of ["--port", "--host", "--lake", "--demo", "SLUICE_API_TOKEN"]) expect(help.out).toContain(flag);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--port must be an integer 0\.\.65535/);
  });
});
