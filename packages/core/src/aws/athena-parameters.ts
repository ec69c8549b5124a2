import type { SqlValue } from "../query/query-engine";
import { QueryError } from "../query/query-engine";

/**
 * Turns `$name` parameters (the port's named form) into Athena's positional `?` and the matching
 * `ExecutionParameters`. Athena substitutes each value as SQL text, so strings are sent as quoted
 * literals (`'Paris'`, quotes doubled) and dates as `TIMESTAMP '…'` literals; numbers and booleans
 * as they print. `$` inside string literals, quoted identifiers (`"$path"`) and comments is left alone.
 * https://docs.aws.amazon.com/athena/latest/ug/querying-with-prepared-statements.html
 */
export function toPositional(sql: string, params: Readonly<Record<string, SqlValue>> | undefined): { sql: string; parameters: string[] } {
  const parameters: string[] = [];
  let out = "";
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const skip = skipQuoted(sql, i);
    if (skip > i) {
      out += sql.slice(i, skip);
      i = skip;
      continue;
    }
    if (c === "$" && /[A-Za-z_]/.test(sql[i + 1] ?? "")) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1))![0];
      if (!params || !Object.hasOwn(params, name)) throw new QueryError(`no value for parameter $${name}`, sql);
      parameters.push(athenaLiteral(params[name]!));
      out += "?";
      i += 1 + name.length;
      continue;
    }
    out += c;
    i++;
  }
  return { sql: out, parameters };
}

/** A value as Athena's execution parameters take it: SQL literal text. */
export function athenaLiteral(value: SqlValue): string {
  if (value === null) return "NULL";
  if (typeof value === "string") return `'${value.replace(/'/g, "''")}'`;
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`cannot send ${value} as an Athena parameter`);
    return String(value);
  }
  const iso = value.toISOString();
  return `TIMESTAMP '${iso.slice(0, 10)} ${iso.slice(11, 23)}'`;
}

/** The index just past a literal, quoted identifier or comment starting at `i` (or `i` when none starts there). */
function skipQuoted(sql: string, i: number): number {
  const c = sql[i];
  if (c === "'" || c === '"') {
    let j = i + 1;
    while (j < sql.length) {
      if (sql[j] === c) {
        if (sql[j + 1] === c) j += 2;
        else return j + 1;
      } else j++;
    }
    return sql.length;
  }
  if (c === "-" && sql[i + 1] === "-") {
    const end = sql.indexOf("\n", i);
    return end < 0 ? sql.length : end;
  }
  if (c === "/" && sql[i + 1] === "*") {
    const end = sql.indexOf("*/", i + 2);
    return end < 0 ? sql.length : end + 2;
  }
  return i;
}

/** The first keyword of a statement, past comments and opening parentheses (upper case). */
export function leadingKeyword(sql: string): string {
  let i = 0;
  for (;;) {
    while (i < sql.length && (/\s/.test(sql[i]!) || sql[i] === "(")) i++;
    const skip = skipQuoted(sql, i);
    if (skip > i && (sql[i] === "-" || sql[i] === "/")) i = skip;
    else break;
  }
  return (/^[A-Za-z]+/.exec(sql.slice(i))?.[0] ?? "").toUpperCase();
}
