import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "./env";

const BEARER_RE = /^Bearer ([\x21-\x7e]{1,512})$/;

/** Compares equal-length digests so the time taken says nothing about the token. */
export function tokenMatches(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/** `Authorization: Bearer <token>` on every state-changing request: 401 when absent or malformed, 403 when wrong. */
export function requireBearer(token: string): MiddlewareHandler<AppEnv> {
  if (token.length < 16) throw new Error("the API token must be at least 16 characters");
  return async (c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD" || c.req.method === "OPTIONS") return next();
    const match = BEARER_RE.exec(c.req.header("Authorization") ?? "");
    if (!match) {
      const res = new Response(null, { status: 401, headers: { "WWW-Authenticate": 'Bearer realm="sluice"' } });
      throw new HTTPException(401, { message: "missing bearer token: send Authorization: Bearer <token>", res });
    }
    if (!tokenMatches(match[1]!, token)) throw new HTTPException(403, { message: "the bearer token is not valid" });
    return next();
  };
}
