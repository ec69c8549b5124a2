/** Query parameter names that carry credentials and must never reach a log or an error message. */
const SECRET_PARAM = /(api[-_]?key|token|secret|password|passwd|signature|access[-_]?key|auth)/i;

/** The URL without credential query parameters (and without user:password), for messages and logs. */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return String(url).replace(/\?.*$/, "");
  }
  parsed.username = "";
  parsed.password = "";
  const kept = [...parsed.searchParams.entries()].filter(([name]) => !SECRET_PARAM.test(name));
  // Rebuilt by hand so commas in lists (latitude=1,2) stay readable instead of %2C.
  const query = kept.map(([name, value]) => `${encodeURIComponent(name)}=${encodeValue(value)}`).join("&");
  return `${parsed.origin}${parsed.pathname}${query ? `?${query}` : ""}`;
}

function encodeValue(value: string): string {
  return encodeURIComponent(value).replace(/%2C/gi, ",");
}
