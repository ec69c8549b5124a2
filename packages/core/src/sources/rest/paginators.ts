import type { RestPaginatorConfig } from "./config";
import type { JsonPath } from "./json-path";
import { lookup, parseJsonPath } from "./json-path";

/** A fetched page as a paginator sees it. */
export interface FetchedPage {
  readonly url: URL;
  readonly body: unknown;
  readonly headers: Headers;
  /** Records selected from the page (0: an empty page). */
  readonly records: number;
}

/** What the page says the paginator cannot read; the source adds the page's URL. */
export class PageProblem extends Error {
  override readonly name = "PageProblem";
}

/**
 * One subject's walk through the pages, as dlt's paginators do it
 * (dlt.sources.helpers.rest_client.paginators): `first` adds the paging parameters to the
 * endpoint's URL, `next` reads a page and returns the next URL, or undefined when paging ends.
 */
export interface Paginator {
  first(url: URL): URL;
  next(page: FetchedPage): URL | undefined;
}

/** A new paginator (paginators keep state: one per subject). */
export function createPaginator(config: RestPaginatorConfig): Paginator {
  switch (config.type) {
    case "single_page":
      return { first: (url) => url, next: () => undefined };
    case "json_link":
      return new JsonLinkPaginator(path(config.next_url_path));
    case "header_link":
      return { first: (url) => url, next: (page) => nextFromLinkHeader(page) };
    case "page_number":
      return new PageNumberPaginator(config.page_param, config.base_page, optionalPath(config.total_path));
    case "offset":
      return new OffsetPaginator(config.limit, config.offset, config.offset_param, config.limit_param, optionalPath(config.total_path));
    case "cursor":
      return new CursorPaginator(path(config.cursor_path), config.cursor_param);
  }
}

class JsonLinkPaginator implements Paginator {
  constructor(private readonly nextUrlPath: JsonPath) {}
  first(url: URL): URL {
    return url;
  }
  next(page: FetchedPage): URL | undefined {
    const found = lookup(page.body, this.nextUrlPath);
    // dlt's JSONLinkPaginator: no value at next_url_path means the last page.
    if (!found.found || found.value === null || found.value === "") return undefined;
    if (typeof found.value !== "string") throw new PageProblem(`next_url_path "${this.nextUrlPath.text}" holds a ${typeof found.value}, not a URL`);
    return resolveLink(found.value, page.url, `the link at "${this.nextUrlPath.text}"`);
  }
}

/** The `rel="next"` target of an RFC 8288 Link header (https://www.rfc-editor.org/rfc/rfc8288#section-3). */
function nextFromLinkHeader(page: FetchedPage): URL | undefined {
  const header = page.headers.get("link");
  if (header === null) return undefined;
  for (const link of parseLinkHeader(header)) {
    // rel may list several relation types separated by spaces (RFC 8288 §3.3).
    const types = (link.params.get("rel") ?? "").toLowerCase().split(/\s+/);
    if (types.includes("next")) return resolveLink(link.target, page.url, 'the Link header\'s rel="next"');
  }
  return undefined;
}

/**
 * The link-values of a Link header: `<target>` then `; name=value` parameters, where a value may
 * be a quoted-string holding `,` `;` and `\"` (RFC 8288 §3, RFC 7230 §3.2.6); link-values are
 * separated by commas outside quotes and angle brackets. The first occurrence of a parameter wins
 * (RFC 8288 §3.3 for rel).
 */
export function parseLinkHeader(header: string): { readonly target: string; readonly params: ReadonlyMap<string, string> }[] {
  const links: { target: string; params: Map<string, string> }[] = [];
  let at = 0;
  const skipSpace = (): void => {
    while (at < header.length && /[\s]/.test(header[at]!)) at++;
  };
  while (at < header.length) {
    skipSpace();
    if (header[at] === ",") {
      at++;
      continue;
    }
    if (header[at] !== "<") {
      // Not a link-value: skip to the next comma outside quotes.
      at = skipToComma(header, at);
      continue;
    }
    const close = header.indexOf(">", at);
    if (close < 0) break;
    const link = { target: header.slice(at + 1, close), params: new Map<string, string>() };
    links.push(link);
    at = close + 1;
    for (;;) {
      skipSpace();
      if (header[at] !== ";") break;
      at++;
      skipSpace();
      const name = /^[^\s=;,]+/.exec(header.slice(at))?.[0] ?? "";
      at += name.length;
      skipSpace();
      let value = "";
      if (header[at] === "=") {
        at++;
        skipSpace();
        if (header[at] === '"') {
          at++;
          while (at < header.length && header[at] !== '"') {
            if (header[at] === "\\" && at + 1 < header.length) at++;
            value += header[at];
            at++;
          }
          at++;
        } else {
          const token = /^[^\s;,]*/.exec(header.slice(at))?.[0] ?? "";
          value = token;
          at += token.length;
        }
      }
      const key = name.toLowerCase();
      if (name !== "" && !link.params.has(key)) link.params.set(key, value);
    }
    at = skipToComma(header, at);
  }
  return links;
}

/** The index just after the next comma outside a quoted-string (or the end). */
function skipToComma(header: string, from: number): number {
  let quoted = false;
  for (let i = from; i < header.length; i++) {
    const c = header[i];
    if (quoted && c === "\\") i++;
    else if (c === '"') quoted = !quoted;
    else if (c === "," && !quoted) return i + 1;
  }
  return header.length;
}

class PageNumberPaginator implements Paginator {
  private page: number;
  constructor(
    private readonly param: string,
    private readonly basePage: number,
    private readonly totalPath: JsonPath | undefined,
  ) {
    this.page = basePage;
  }
  first(url: URL): URL {
    return withParam(url, this.param, String(this.page));
  }
  next(page: FetchedPage): URL | undefined {
    if (page.records === 0) return undefined;
    if (this.totalPath !== undefined) {
      const totalPages = readCount(page.body, this.totalPath);
      if (this.page - this.basePage + 1 >= totalPages) return undefined;
    }
    this.page += 1;
    return withParam(page.url, this.param, String(this.page));
  }
}

class OffsetPaginator implements Paginator {
  private offset: number;
  constructor(
    private readonly limit: number,
    offset: number,
    private readonly offsetParam: string,
    private readonly limitParam: string,
    private readonly totalPath: JsonPath | undefined,
  ) {
    this.offset = offset;
  }
  first(url: URL): URL {
    return withParam(withParam(url, this.limitParam, String(this.limit)), this.offsetParam, String(this.offset));
  }
  next(page: FetchedPage): URL | undefined {
    if (page.records === 0) return undefined;
    // By what the page held, not by limit (dlt adds limit): a server capping the page size below
    // the limit asked for would otherwise have the records in between skipped.
    this.offset += page.records;
    if (this.totalPath !== undefined && this.offset >= readCount(page.body, this.totalPath)) return undefined;
    return withParam(page.url, this.offsetParam, String(this.offset));
  }
}

class CursorPaginator implements Paginator {
  constructor(
    private readonly cursorPath: JsonPath,
    private readonly param: string,
  ) {}
  first(url: URL): URL {
    return url;
  }
  next(page: FetchedPage): URL | undefined {
    const found = lookup(page.body, this.cursorPath);
    if (!found.found || found.value === null || found.value === "") return undefined;
    if (typeof found.value !== "string" && typeof found.value !== "number") {
      throw new PageProblem(`cursor_path "${this.cursorPath.text}" holds a ${Array.isArray(found.value) ? "list" : typeof found.value}, not a cursor`);
    }
    return withParam(page.url, this.param, String(found.value));
  }
}

/** A total at `path`: a non-negative integer (or its digits as a string). */
function readCount(body: unknown, path: JsonPath): number {
  const found = lookup(body, path);
  if (!found.found) throw new PageProblem(`total_path "${path.text}" is not in the page (missing "${found.missingAt}")`);
  const value = typeof found.value === "string" && /^\d+$/.test(found.value) ? Number(found.value) : found.value;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new PageProblem(`total_path "${path.text}" holds ${JSON.stringify(found.value)}, not a count`);
  }
  return value;
}

/** A link relative to the page that carried it (RFC 3986 resolution), kept on that page's origin. */
function resolveLink(link: string, pageUrl: URL, what: string): URL {
  let url: URL;
  try {
    url = new URL(link, pageUrl);
  } catch {
    throw new PageProblem(`${what} is not a URL`);
  }
  // The auth goes with every request: following a link elsewhere would hand the secret to that host.
  if (url.origin !== pageUrl.origin) throw new PageProblem(`${what} points to another origin (${url.origin}); not followed, the credentials would go there`);
  return url;
}

function withParam(url: URL, name: string, value: string): URL {
  const next = new URL(url);
  next.searchParams.set(name, value);
  return next;
}

function path(text: string): JsonPath {
  const parsed = parseJsonPath(text);
  // The config schema checked every path; a string here is a bug, not a user error.
  if (typeof parsed === "string") throw new Error(parsed);
  return parsed;
}

function optionalPath(text: string | undefined): JsonPath | undefined {
  return text === undefined ? undefined : path(text);
}
