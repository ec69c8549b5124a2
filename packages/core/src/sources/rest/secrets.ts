import type { Logger, LogFields } from "../../log/logger";
import type { RestAuthConfig } from "./config";
import { MissingSecretError } from "./errors";

/** Looks a secret up by name (an env var locally; SST `Config.Secret` on AWS); undefined when unset. */
export type SecretResolver = (name: string) => string | undefined;

/** Secrets from environment variables (the local twin's resolver). */
export function envSecrets(env: Readonly<Record<string, string | undefined>> = process.env): SecretResolver {
  return (name) => {
    const value = env[name];
    return value === undefined || value.trim() === "" ? undefined : value.trim();
  };
}

/** What the auth adds to every request, and every form of the secret to scrub from text. */
export interface ResolvedAuth {
  readonly headers: Readonly<Record<string, string>>;
  /** A query parameter set on every URL, first page and next links alike. */
  readonly query?: { readonly name: string; readonly value: string };
  /** Strings that must never be shown: the secret, its URL encodings, a Basic header's base64. */
  readonly hidden: readonly string[];
}

/**
 * Resolves the config's auth through `secrets`: api_key (header or query, as dlt's APIKeyAuth),
 * bearer (`Authorization: Bearer`, RFC 6750), http_basic (`Authorization: Basic`, RFC 7617).
 * A secret that is not set throws {@link MissingSecretError} naming it, before any request.
 */
export function resolveAuth(auth: RestAuthConfig | undefined, secrets: SecretResolver): ResolvedAuth {
  if (auth === undefined) return { headers: {}, hidden: [] };
  const secret = secrets(auth.secret);
  if (secret === undefined || secret === "") throw new MissingSecretError(auth.secret, "client.auth.secret");
  const hidden = [secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)];
  switch (auth.type) {
    case "api_key":
      return auth.location === "query" ? { headers: {}, query: { name: auth.name, value: secret }, hidden } : { headers: { [auth.name]: secret }, hidden };
    case "bearer":
      return { headers: { Authorization: `Bearer ${secret}` }, hidden };
    case "http_basic": {
      const basic = Buffer.from(`${auth.username}:${secret}`, "utf8").toString("base64");
      return { headers: { Authorization: `Basic ${basic}` }, hidden: [...hidden, basic] };
    }
  }
}

/** Replaces every hidden string in `text` by `***` (longest first, so no fragment survives). */
export function scrubber(hidden: readonly string[]): (text: string) => string {
  const parts = [...new Set(hidden.filter((h) => h.length > 0))].sort((a, b) => b.length - a.length);
  return (text) => parts.reduce((out, part) => out.split(part).join("***"), text);
}

/** A logger that scrubs the message and every string in the fields before the real one sees them. */
export function scrubbingLogger(logger: Logger, scrub: (text: string) => string): Logger {
  const clean = (fields?: LogFields): LogFields | undefined => (fields === undefined ? undefined : (scrubValue(fields, scrub) as LogFields));
  return {
    debug: (message, fields) => logger.debug(scrub(message), clean(fields)),
    info: (message, fields) => logger.info(scrub(message), clean(fields)),
    warn: (message, fields) => logger.warn(scrub(message), clean(fields)),
    error: (message, fields) => logger.error(scrub(message), clean(fields)),
    child: (fields) => scrubbingLogger(logger.child(clean(fields) ?? {}), scrub),
  };
}

function scrubValue(value: unknown, scrub: (text: string) => string): unknown {
  if (typeof value === "string") return scrub(value);
  if (value instanceof Error) return { name: value.name, message: scrub(value.message) };
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, scrub));
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubValue(v, scrub)]));
  return value;
}
