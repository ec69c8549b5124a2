import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./env";

/**
 * The Content-Security-Policy of every answer. The dashboard (packages/web/index.html) loads only
 * its own files — no inline script or style, no CDN — and talks to its own origin, so `'self'` is
 * enough everywhere and nothing may frame it (`frame-ancestors 'none'`, with X-Frame-Options for
 * browsers that predate CSP 2). JSON answers get the same policy: it costs nothing and covers an
 * answer opened in a tab.
 */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "data:"],
  connectSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/**
 * Security headers on every answer, cache hits included (so this runs before the response cache):
 * CSP, `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY`, `Referrer-Policy: no-referrer`,
 * plus hono/secure-headers' other defaults (HSTS, COOP/CORP same-origin, …).
 */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return secureHeaders({ contentSecurityPolicy: CONTENT_SECURITY_POLICY, xFrameOptions: "DENY", referrerPolicy: "no-referrer" });
}
