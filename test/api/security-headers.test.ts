import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadWebAssets } from "../../packages/core/src/api/web-assets";
import type { LocalRuntime } from "../../packages/core/src/runtime/local";
import { authJson, disposeRuntime, localApp, publishDemoWeek, tempRuntime } from "./lake";

/** The directives of a Content-Security-Policy header, by name. */
function directivesOf(csp: string | null): Record<string, string[]> {
  return Object.fromEntries((csp ?? "").split(";").map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...values]) => [name!, values]));
}

describe("security headers on the dashboard and the API", () => {
  let runtime: LocalRuntime;
  let app: Awaited<ReturnType<typeof localApp>>["app"];
  const SERIES = "/series?city=Paris&from=2024-11-24&to=2024-11-30";

  beforeAll(async () => {
    runtime = await tempRuntime("headers");
    await publishDemoWeek(runtime);
    ({ app } = await localApp(runtime, { assets: loadWebAssets() }));
  });
  afterAll(() => disposeRuntime(runtime));

  it("every kind of answer carries CSP, nosniff, frame protection and Referrer-Policy: page, script, JSON, cache hit, 304, 400, 401, 404", async () => {
    // Prepare: a first /series fills the cache, so the second one is answered by the fast path
    await app.request(SERIES);
    const hit = await app.request(SERIES);
    const answers: [string, Response][] = [
      ["GET /", await app.request("/")],
      ["GET /ui/app.js", await app.request("/ui/app.js")],
      ["GET /health", await app.request("/health")],
      ["cache hit", hit],
      ["304", await app.request(SERIES, { headers: { "If-None-Match": hit.headers.get("ETag")! } })],
      ["400", await app.request("/series?from=nope&to=2024-11-30")],
      ["401", await app.request("/runs", { method: "POST", body: "{}" })],
      ["404", await app.request("/nope")],
      ["POST /query", await app.request("/query", { method: "POST", headers: authJson(), body: JSON.stringify({ sql: "SELECT 1 AS one" }) })],
    ];

    // Assess
    expect(answers.map(([, r]) => r.status)).toEqual([200, 200, 200, 200, 304, 400, 401, 404, 200]);
    for (const [what, res] of answers) {
      const csp = directivesOf(res.headers.get("Content-Security-Policy"));
      expect(csp["frame-ancestors"], what).toEqual(["'none'"]);
      expect(csp["script-src"], what).toEqual(["'self'"]);
      expect(csp["default-src"], what).toEqual(["'none'"]);
      expect(res.headers.get("X-Content-Type-Options"), what).toBe("nosniff");
      expect(res.headers.get("X-Frame-Options"), what).toBe("DENY");
      expect(res.headers.get("Referrer-Policy"), what).toBe("no-referrer");
    }
  });

  it("the policy allows no inline script or style, and the dashboard's page has none to need it", async () => {
    // Prepare
    const html = await readFile(new URL("../../packages/web/index.html", import.meta.url), "utf8");
    const csp = directivesOf((await app.request("/")).headers.get("Content-Security-Policy"));

    // Assess: every script has a src on the same origin, no <style>, no style= or on…= attributes
    expect(Object.values(csp).flat()).not.toContain("'unsafe-inline'");
    expect(Object.values(csp).flat()).not.toContain("'unsafe-eval'");
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, content] of scripts) {
      expect(attributes).toMatch(/src="\/ui\//);
      expect(content!.trim()).toBe("");
    }
    expect(html).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=/i);
  });
});
