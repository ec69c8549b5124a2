import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalRuntime } from "../../packages/core/src/runtime/local";
import { disposeRuntime, localApp, tempRuntime } from "./lake";

/** `/runs/:id/dq` → `/runs/{id}/dq`, and no trailing slash (Hono and the document spell paths differently). */
function normalise(path: string): string {
  const braces = path.replace(/:(\w+)(\{[^}]*\})?/g, "{$1}");
  return braces.length > 1 ? braces.replace(/\/$/, "") : braces;
}

describe("GET /openapi.json", () => {
  let runtime: LocalRuntime;
  let app: Awaited<ReturnType<typeof localApp>>["app"];
  let document: { openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown>; security?: unknown[] }>> };

  beforeAll(async () => {
    runtime = await tempRuntime("openapi");
    ({ app } = await localApp(runtime));
    document = (await (await app.request("/openapi.json")).json()) as typeof document;
  });
  afterAll(() => disposeRuntime(runtime));

  it("describes exactly the app's routes: every route is documented and every documented operation exists", () => {
    // Prepare: the routes Hono dispatches to (middleware registered with "ALL" is not a route)
    const routes = new Set(app.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method} ${normalise(r.path)}`));
    const documented = new Set(Object.entries(document.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${normalise(path)}`)));

    // Assess
    expect([...routes].sort()).toEqual([...documented].sort());
    expect([...routes]).toEqual(
      expect.arrayContaining(["GET /health", "POST /runs", "GET /runs", "GET /runs/{id}", "GET /runs/{id}/dq", "POST /backfills", "GET /backfills", "GET /backfills/{id}", "GET /dq/latest", "GET /tables", "GET /tables/{name}", "GET /series", "GET /stats", "POST /query", "GET /openapi.json", "GET /"]),
    );
  });

  it("marks the POST operations with the bearer scheme and documents their 401 and 413 answers (no 403: RFC 6750 §3.1 answers a wrong token 401)", () => {
    // Act
    const posts = Object.values(document.paths).flatMap((ops) => (ops.post ? [ops.post] : []));

    // Assess
    // POST /runs, POST /backfills, POST /query
    expect(posts).toHaveLength(3);
    for (const op of posts) {
      expect(op.security).toEqual([{ bearer: [] }]);
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(["400", "401", "413", "500"]));
      expect(Object.keys(op.responses)).not.toContain("403");
    }
    expect(document.openapi).toMatch(/^3\./);
  });

  it("documents answers that the routes really give: a 409 for POST /runs and 404 for GET /runs/{id}", () => {
    expect(Object.keys(document.paths["/runs"]!.post!.responses)).toEqual(expect.arrayContaining(["202", "409"]));
    expect(Object.keys(document.paths["/runs/{id}"]!.get!.responses)).toEqual(expect.arrayContaining(["200", "400", "404"]));
  });

  it("passes what Redocly's recommended rules check: servers, a unique operationId and a security list on every operation, no nullable without a type", () => {
    // Act
    const full = document as unknown as { servers?: unknown[]; paths: Record<string, Record<string, { operationId?: string; security?: unknown[] }>> };
    const ops = Object.values(full.paths).flatMap((o) => Object.values(o));
    const ids = ops.map((op) => op.operationId);
    const nullableWithoutType: string[] = [];
    const visit = (node: unknown, at: string): void => {
      if (!node || typeof node !== "object") return;
      const record = node as Record<string, unknown>;
      if ("nullable" in record && !("type" in record)) nullableWithoutType.push(at);
      for (const [key, value] of Object.entries(record)) visit(value, `${at}/${key}`);
    };
    visit(document, "#");

    // Assess
    expect(full.servers?.length).toBeGreaterThan(0);
    expect(ids.every((id) => typeof id === "string" && /^[a-z][A-Za-z0-9]*$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ops.every((op) => Array.isArray(op.security))).toBe(true);
    expect(nullableWithoutType).toEqual([]);
  });
});
