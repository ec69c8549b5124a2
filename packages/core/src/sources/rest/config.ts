import { z } from "zod";
import { parseJsonPath } from "./json-path";

/**
 * The declarative REST source (`source.type: "rest"`), in dlt's `rest_api` names where dlt has
 * one (https://dlthub.com/docs/dlt-ecosystem/verified-sources/rest_api/basic: `client.base_url`,
 * `client.auth`, `client.paginator`, `endpoint.path`, `endpoint.params`, `endpoint.data_selector`;
 * paginator types and their fields as dlt's `JSONLinkPaginator`, `HeaderLinkPaginator`,
 * `PageNumberPaginator`, `OffsetPaginator`, `JSONResponseCursorPaginator`, `SinglePagePaginator`).
 * Where dlt takes a credential value (`api_key`, `token`, `password`), sluice takes `secret`: the
 * NAME of a secret (an env var locally, an SST `Config.Secret` on AWS), never the value.
 * sluice's own additions: `fields`, `columnar`, `time`, `rate_limit`, `max_pages`.
 * Every object is strict: a misspelt key is an error naming it, not a silently ignored setting.
 */

/** What `{…}` placeholders a param value or the path may use. */
export const PLACEHOLDERS = ["from", "to", "subject"] as const;
/** Columns every REST record carries besides its `fields`. */
export const RESERVED_COLUMNS = ["subject", "collection_time"] as const;

const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const COLUMN_NAME = /^[a-z_][a-z0-9_]*$/;

const secretName = z
  .string()
  .regex(SECRET_NAME, "must be the NAME of a secret (letters, digits, _), e.g. EXAMPLE_API_KEY; the value is looked up at run time, never written in the config");

export const fieldPath = z.string().superRefine((text, ctx) => {
  const parsed = parseJsonPath(text);
  if (typeof parsed === "string") ctx.addIssue({ code: z.ZodIssueCode.custom, message: parsed });
});

const paramName = z.string().min(1).regex(/^[^\s&=#?]+$/, "must be a query parameter name (no spaces, &, =, # or ?)");

const apiKeyAuth = z
  .object({
    type: z.literal("api_key"),
    /** Header or query parameter name; dlt's default is the Authorization header. */
    name: paramName.default("Authorization"),
    location: z.enum(["header", "query"]).default("header"),
    secret: secretName,
  })
  .strict();
const bearerAuth = z.object({ type: z.literal("bearer"), secret: secretName }).strict();
const basicAuth = z.object({ type: z.literal("http_basic"), username: z.string().min(1), secret: secretName }).strict();
const authSchema = z.discriminatedUnion("type", [apiKeyAuth, bearerAuth, basicAuth]);

const paginatorSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("single_page") }).strict(),
  /** The next page's URL is in the body (dlt's default `next_url_path` is "next"). */
  z.object({ type: z.literal("json_link"), next_url_path: fieldPath.default("next") }).strict(),
  /** The next page's URL is the RFC 8288 `Link` header's `rel="next"`. */
  z.object({ type: z.literal("header_link") }).strict(),
  /** `page_param` counts from `base_page`; stop at `total_path` (a page count) or on an empty page. */
  z
    .object({
      type: z.literal("page_number"),
      page_param: paramName.default("page"),
      base_page: z.number().int().min(0).default(0),
      total_path: fieldPath.optional(),
    })
    .strict(),
  /** `offset_param` moves by `limit`; stop at `total_path` (an item count) or on an empty page. */
  z
    .object({
      type: z.literal("offset"),
      limit: z.number().int().min(1),
      offset: z.number().int().min(0).default(0),
      offset_param: paramName.default("offset"),
      limit_param: paramName.default("limit"),
      total_path: fieldPath.optional(),
    })
    .strict(),
  /** The body's `cursor_path` is sent back as `cursor_param`; a missing or empty cursor ends it. */
  z
    .object({
      type: z.literal("cursor"),
      cursor_path: fieldPath.default("cursors.next"),
      cursor_param: paramName.default("cursor"),
    })
    .strict(),
]);

const paramValue = z.union([z.string(), z.number(), z.boolean()]).superRefine((value, ctx) => {
  const bad = unknownPlaceholder(String(value));
  if (bad !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, message: bad });
});

const endpointPath = z.string().superRefine((text, ctx) => {
  const problem = endpointPathProblem(text);
  if (problem !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
});

const baseUrl = z
  .string({ required_error: "is required (the API's root URL, e.g. https://api.example.com/v1/)" })
  .superRefine((text, ctx) => {
    const problem = baseUrlProblem(text);
    if (problem !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
  });

/** The source config as written (defaults filled by parsing). */
export const restSourceConfigSchema = z
  .object({
    type: z.literal("rest"),
    client: z
      .object(
        {
          base_url: baseUrl,
          auth: authSchema.optional(),
          paginator: paginatorSchema.default({ type: "single_page" }),
          /** Extra fixed request headers (never credentials: use `auth`). */
          headers: z
            .record(z.string())
            .superRefine((headers, ctx) => {
              for (const name of Object.keys(headers)) {
                if (/^(authorization|proxy-authorization|cookie)$/i.test(name)) {
                  ctx.addIssue({ code: z.ZodIssueCode.custom, path: [name], message: `credentials do not belong in headers (the config is not secret): use client.auth with a secret name` });
                }
              }
            })
            .optional(),
        },
        { required_error: "is required (at least { base_url })" },
      )
      .strict(),
    endpoint: z
      .object(
        {
          path: endpointPath,
          params: z.record(paramName, paramValue).default({}),
          /** Where the records are on a page; the whole body when absent. */
          data_selector: fieldPath.optional(),
        },
        { required_error: "is required (at least { path })" },
      )
      .strict(),
    /** Output column → path in each record (or, with `$.`, in the page). */
    fields: z
      .record(z.string().regex(COLUMN_NAME, "must be a column name (lower case letters, digits, _)"), fieldPath)
      .refine((fields) => Object.keys(fields).length > 0, "must map at least one column"),
    /** Zips the equal-length arrays of the object at this path into records (Open-Meteo's `hourly`). */
    columnar: fieldPath.optional(),
    time: z.object({ column: z.string(), format: z.enum(["iso8601", "epoch_s", "epoch_ms"]) }).strict().optional(),
    rate_limit: z.object({ requests: z.number().positive(), per: z.enum(["second", "minute"]) }).strict().optional(),
    /** Pages followed per subject before the source stops with an error (a looping paginator). */
    max_pages: z.number().int().min(1).default(100),
  })
  .strict()
  .superRefine((config, ctx) => {
    for (const column of RESERVED_COLUMNS) {
      if (Object.hasOwn(config.fields, column)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["fields", column], message: `"${column}" is a column every REST record carries already; name the field otherwise` });
      }
    }
    if (config.time && !Object.hasOwn(config.fields, config.time.column)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["time", "column"], message: `"${config.time.column}" is not one of fields (${Object.keys(config.fields).join(", ")})` });
    }
    if (config.columnar !== undefined && config.endpoint.data_selector !== undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["columnar"], message: "use either endpoint.data_selector (records) or columnar (parallel arrays), not both" });
    }
    const paginator = config.client.paginator;
    const owned: [string, string][] =
      paginator.type === "page_number" ? [[paginator.page_param, "client.paginator.page_param"]]
      : paginator.type === "offset" ? [[paginator.offset_param, "client.paginator.offset_param"], [paginator.limit_param, "client.paginator.limit_param"]]
      : paginator.type === "cursor" ? [[paginator.cursor_param, "client.paginator.cursor_param"]]
      : [];
    const auth = config.client.auth;
    if (auth?.type === "api_key" && auth.location === "query") owned.push([auth.name, "client.auth.name"]);
    for (const [name, owner] of owned) {
      if (Object.hasOwn(config.endpoint.params, name)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["endpoint", "params", name], message: `"${name}" is set by ${owner}; remove it from endpoint.params` });
      }
    }
  });

/** A parsed REST source config. */
export type RestSourceConfig = z.output<typeof restSourceConfigSchema>;
/** A REST source config as a user writes it (optional fields may be left out). */
export type RestSourceConfigInput = z.input<typeof restSourceConfigSchema>;
/** `client.auth` after parsing (api_key with its defaults filled). */
export type RestAuthConfig = z.output<typeof authSchema>;
/** `client.paginator` after parsing (dlt's defaults filled). */
export type RestPaginatorConfig = z.output<typeof paginatorSchema>;

/** The first `{name}` that is not a known placeholder, as a message, or undefined. */
function unknownPlaceholder(text: string): string | undefined {
  for (const match of text.matchAll(/\{([^{}]*)\}/g)) {
    if (!(PLACEHOLDERS as readonly string[]).includes(match[1]!)) {
      return `unknown placeholder {${match[1]}}; known: ${PLACEHOLDERS.map((p) => `{${p}}`).join(", ")}`;
    }
  }
  if (/[{}]/.test(text.replace(/\{[^{}]*\}/g, ""))) return `unbalanced "{" or "}" in "${text}"`;
  return undefined;
}

function endpointPathProblem(text: string): string | undefined {
  if (text === "") return "must not be empty (e.g. \"events\")";
  if (/^[a-z][a-z0-9+.-]*:/i.test(text) || text.startsWith("//")) return `"${text}" must be a path relative to client.base_url, not a URL`;
  if (/[?#\s]/.test(text)) return `"${text}" must not contain a query, a fragment or spaces (put query parameters in endpoint.params)`;
  if (text.split("/").some((segment) => segment === "." || segment === "..")) return `"${text}" must not contain "." or ".." segments`;
  return unknownPlaceholder(text);
}

function baseUrlProblem(text: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return `"${text}" is not a URL (expected e.g. https://api.example.com/v1/)`;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return `"${text}" must use http or https`;
  if (parsed.search !== "" || parsed.hash !== "") return `"${text}" must not carry a query or fragment (put query parameters in endpoint.params)`;
  if (parsed.username !== "" || parsed.password !== "") return `"${text}" must not carry credentials (use client.auth with a secret name)`;
  return undefined;
}
