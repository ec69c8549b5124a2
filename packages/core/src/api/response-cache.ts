import { createHash, randomUUID } from "node:crypto";

/** Cache hits get cheap unique request ids (a per-process random prefix and a counter): a UUID per hit was measurable. */
const HIT_ID_PREFIX = `${randomUUID().slice(0, 8)}-`;
let hitCounter = 0;
import type { Context, MiddlewareHandler } from "hono";
import { RETAINED_304_HEADERS, etag } from "hono/etag";
import type { Logger } from "../log/logger";
import type { AppEnv } from "./env";
import type { ProductionVersion } from "./production-version";

interface Entry {
  readonly body: string;
  readonly etag: string;
}

/** Whether an `If-None-Match` header names this ETag (a list, `*`, or weak forms). */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}

/** hono/etag for answers read each time (run records): its 304 keeps X-Request-Id, which it would drop by default. */
export function etagged(): MiddlewareHandler<AppEnv> {
  return etag({ retainedHeaders: [...RETAINED_304_HEADERS, "x-request-id"] });
}

/** The request's path and query exactly as sent: the fast path's key. */
function rawKeyOf(c: Context<AppEnv>): string {
  const url = c.req.url;
  return `url:${url.slice(url.indexOf("/", url.indexOf("//") + 2))}`;
}

/** A strong ETag of a body. */
export function etagOf(body: string): string {
  return `"${createHash("sha1").update(body).digest("base64url")}"`;
}

/**
 * JSON answers of the read routes kept per (route, canonical parameters, production version), so a
 * dashboard refreshing every few seconds costs a map lookup, not a lake scan. A new production
 * version empties the cache; at most `maxEntries` answers are kept (oldest evicted first).
 */
export class ResponseCache {
  private entries = new Map<string, Entry>();
  private version?: string;
  hits = 0;
  misses = 0;

  constructor(
    private readonly production: ProductionVersion,
    private readonly maxEntries = 500,
  ) {}

  /** Answers from the cache (200, or 304 on a matching If-None-Match) or computes, stores and answers. */
  async respond(c: Context<AppEnv>, key: string, compute: () => Promise<unknown>): Promise<Response> {
    const version = await this.production.current();
    if (version !== this.version) {
      this.entries.clear();
      this.version = version;
    }
    let entry = this.entries.get(key);
    if (entry) this.hits++;
    else {
      this.misses++;
      const body = JSON.stringify(await compute());
      entry = { body, etag: etagOf(`${version}\u0000${body}`) };
      // A publish that landed while computing must not be stored under the old version.
      if (this.version === version) this.remember(key, entry);
    }
    if (this.version === version) this.remember(rawKeyOf(c), entry);
    return this.answer(c, entry, version);
  }

  /**
   * The app's first middleware: a GET of a URL answered before under the current version (it passed
   * validation then, and the same URL validates the same way; GETs need no token) is answered from
   * the cache at once, before request ids, routing and validation — bench/api measured that chain at
   * several times the cost of the hit itself. Hits are logged with their own request id.
   */
  known(logger?: Logger): MiddlewareHandler<AppEnv> {
    return async (c, next) => {
      if (c.req.method !== "GET") return next();
      const version = await this.production.current();
      const entry = version === this.version ? this.entries.get(rawKeyOf(c)) : undefined;
      if (!entry) return next();
      this.hits++;
      // The client's own id is kept as the requestId middleware keeps it (≤ 64 word characters).
      const given = c.req.header("X-Request-Id");
      const requestId = given && given.length <= 64 && !/[^\w\-=]/.test(given) ? given : `${HIT_ID_PREFIX}${(++hitCounter).toString(36)}`;
      const response = this.answer(c, entry, version, requestId);
      logger?.info("request", { requestId, method: "GET", path: c.req.path, status: response.status, cache: "hit" });
      return response;
    };
  }

  private answer(c: Context<AppEnv>, entry: Entry, version: string, requestId?: string): Response {
    const headers: Record<string, string> = { ETag: entry.etag, "Cache-Control": "no-cache", "X-Production-Version": version };
    if (requestId) headers["X-Request-Id"] = requestId;
    if (etagMatches(c.req.header("If-None-Match"), entry.etag)) return c.body(null, 304, headers);
    return c.body(entry.body, 200, { ...headers, "Content-Type": "application/json" });
  }

  private remember(key: string, entry: Entry): void {
    if (this.entries.has(key)) return;
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, entry);
  }

  /** Drops every answer (this process published). */
  clear(): void {
    this.entries.clear();
    this.version = undefined;
  }
}
