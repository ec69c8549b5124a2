import { SourceError } from "../source";

/** Checks an overriding base URL (a test server, a proxy): http(s), no query or fragment. `api` names it in errors. */
export function validateBaseUrl(baseUrl: string, api: string): string {
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    throw new SourceError(`${api} base URL "${baseUrl}" is not a URL (expected e.g. http://127.0.0.1:8080)`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new SourceError(`${api} base URL "${baseUrl}" must use http or https`);
  if (parsed.search !== "" || parsed.hash !== "") throw new SourceError(`${api} base URL "${baseUrl}" must not carry a query or fragment`);
  return baseUrl;
}
