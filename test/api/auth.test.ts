import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ErrorBody } from "../../packages/core/src/api/errors";
import type { LocalRuntime } from "../../packages/core/src/runtime/local";
import { disposeRuntime, localApp, tempRuntime, TOKEN, WEEK_BODY } from "./lake";

/** The auth-params of a `WWW-Authenticate: Bearer k="v", …` challenge (RFC 7235 §4.1, RFC 6750 §3). */
function challengeOf(res: Response): { scheme: string; params: Record<string, string> } {
  const header = res.headers.get("WWW-Authenticate") ?? "";
  const [scheme = "", rest = ""] = header.split(/ (.*)/s);
  const params = Object.fromEntries([...rest.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
  return { scheme, params };
}

describe("bearer authentication of the POST routes (RFC 6750, RFC 7235)", () => {
  let runtime: LocalRuntime;
  let app: Awaited<ReturnType<typeof localApp>>["app"];
  const post = (path: string, authorization: string | undefined, body = JSON.stringify(WEEK_BODY)) =>
    app.request(path, { method: "POST", headers: { "Content-Type": "application/json", ...(authorization === undefined ? {} : { Authorization: authorization }) }, body });

  beforeAll(async () => {
    runtime = await tempRuntime("auth");
    ({ app } = await localApp(runtime));
  });
  afterAll(() => disposeRuntime(runtime));

  it.each([
    ["no Authorization header", undefined],
    ["another scheme (Basic)", `Basic ${TOKEN}`],
    ["an empty header", ""],
  ])("%s is a 401 with a challenge naming the realm and no error attribute (RFC 6750 §3, §3.1)", async (_, authorization) => {
    // Act
    const res = await post("/runs", authorization);

    // Assess
    expect(res.status).toBe(401);
    expect(challengeOf(res)).toEqual({ scheme: "Bearer", params: { realm: "sluice" } });
    expect(((await res.json()) as ErrorBody).error).toMatchObject({ status: 401, code: "unauthorized" });
  });

  it.each([
    ["a wrong token", `Bearer ${TOKEN.slice(0, -1)}X`],
    ["a short token, with a body over the size limit (checked before the body)", "Bearer x"],
    ["a Bearer header with no token", "Bearer "],
    ["a token with a space in it", `Bearer ${TOKEN} extra`],
  ])("%s is a 401 with error=\"invalid_token\" (RFC 6750 §3.1), not a 403", async (_, authorization) => {
    // Act
    const res = await post("/query", authorization, "x".repeat(200_000));

    // Assess
    expect(res.status).toBe(401);
    const { scheme, params } = challengeOf(res);
    expect(scheme).toBe("Bearer");
    expect(params).toMatchObject({ realm: "sluice", error: "invalid_token" });
    expect(((await res.json()) as ErrorBody).error).toMatchObject({ status: 401, code: "invalid_token" });
  });

  it.each(["bearer", "BEARER", "bEaReR"])("the scheme %s is accepted: auth-scheme is case-insensitive (RFC 7235 §2.1)", async (scheme) => {
    // Act: a body that fails validation shows the token got through
    const res = await post("/runs", `${scheme} ${TOKEN}`, JSON.stringify({ ...WEEK_BODY, extra: 1 }));

    // Assess
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.field).toBe("extra");
  });

  it("refused requests start no run", async () => {
    // Act
    await post("/runs", undefined);
    await post("/runs", "Bearer wrong-token-0123456789");

    // Assess
    expect(await runtime.runStore.list()).toEqual([]);
  });

  it("GET routes need no token", async () => {
    // Act
    const res = await app.request("/runs");

    // Assess
    expect(res.status).toBe(200);
    expect(res.headers.get("WWW-Authenticate")).toBeNull();
  });
});
