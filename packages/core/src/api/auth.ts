import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./env";

/** The realm of the API's bearer challenges. */
export const REALM = "sluice";

/**
 * `Bearer <token>`: the scheme is case-insensitive (RFC 7235 §2.1), one or more spaces follow it
 * (RFC 7235 §2.1 `1*SP`), and the token is printable ASCII without spaces.
 */
const BEARER_RE = /^bearer +([\x21-\x7e]{1,512})$/i;

/**
 * A request the bearer check refuses (401). Without credentials the challenge carries no error
 * attribute (RFC 6750 §3.1: the client may not have known authentication was needed); with a
 * token that does not match it is `error="invalid_token"` (RFC 6750 §3.1).
 */
export class UnauthorizedError extends Error {
  override readonly name = "UnauthorizedError";
  constructor(
    readonly code: "unauthorized" | "invalid_token",
    message: string,
  ) {
    super(message);
  }

  /** The `WWW-Authenticate` challenge of this refusal (RFC 6750 §3). */
  get challenge(): string {
    return this.code === "invalid_token" ? `Bearer realm="${REALM}", error="invalid_token", error_description="${this.message}"` : `Bearer realm="${REALM}"`;
  }
}

/** Compares equal-length digests so the time taken says nothing about the token. */
export function tokenMatches(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/** `Authorization: Bearer <token>` on every state-changing request: 401 with a challenge when absent, malformed or wrong. */
export function requireBearer(token: string): MiddlewareHandler<AppEnv> {
  if (token.length < 16) throw new Error("the API token must be at least 16 characters");
  return async (c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD" || c.req.method === "OPTIONS") return next();
    const header = c.req.header("Authorization") ?? "";
    const match = BEARER_RE.exec(header);
    if (!match) {
      // A Bearer header whose token is not a token68-like string is a wrong token, not a missing one.
      if (/^bearer(\s|$)/i.test(header)) throw new UnauthorizedError("invalid_token", "the bearer token is not valid");
      throw new UnauthorizedError("unauthorized", "missing bearer token: send Authorization: Bearer <token>");
    }
    if (!tokenMatches(match[1]!, token)) throw new UnauthorizedError("invalid_token", "the bearer token is not valid");
    return next();
  };
}
