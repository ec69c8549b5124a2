import { UnsupportedSqlError, type SqlPosition } from "./errors";

/**
 * Trino's JSON path for json_extract / json_extract_scalar / json_size (JsonPathTokenizer: `$`, then
 * `.key`, `["key"]` and `[index]`) as a DuckDB JSONPath (`$."key"[index]`). Anything else (wildcards,
 * filters, a non-literal path) is refused: DuckDB's JSONPath reads more than Trino's.
 */
export function trinoJsonPathToDuckDb(path: string, at: SqlPosition, fn: string): string {
  const refuse = (why: string): never => {
    throw new UnsupportedSqlError("function", fn, at, `JSON path ${JSON.stringify(path)}: ${why}`);
  };
  const trimmed = path.trim();
  if (!trimmed.startsWith("$")) refuse("a path starts with $");
  let out = "$";
  let i = 1;
  const key = (name: string): void => {
    if (name === "" || name.includes('"') || name.includes("\\")) refuse("keys with quotes or backslashes are not supported");
    out += `."${name}"`;
  };
  while (i < trimmed.length) {
    const ch = trimmed[i]!;
    if (ch === ".") {
      const match = /^[A-Za-z0-9_:$-]+/.exec(trimmed.slice(i + 1));
      if (!match) refuse("expected a key after '.'");
      key(match![0]);
      i += 1 + match![0].length;
    } else if (ch === "[") {
      const index = /^\[(\d+)\]/.exec(trimmed.slice(i));
      const quoted = /^\["([^"\\]*)"\]/.exec(trimmed.slice(i));
      if (index) {
        out += `[${index[1]}]`;
        i += index[0].length;
      } else if (quoted) {
        key(quoted[1]!);
        i += quoted[0].length;
      } else {
        refuse("only [index] and [\"key\"] are supported");
      }
    } else {
      refuse(`unexpected ${JSON.stringify(ch)}`);
    }
  }
  return out;
}
