/** One statement of a SQL script: its text (without the `;`) and the line it starts on (1-based). */
export interface ScriptStatement {
  readonly sql: string;
  readonly line: number;
}

/**
 * Splits a script of Athena (Trino) SQL into its statements at each `;` outside a 'string',
 * "quoted identifier", `backquoted` name, `-- comment` or `/* comment *\/`. Statements holding only
 * whitespace and comments are dropped, and so are the comments before a statement's first token. An unterminated string or comment runs to the end of the
 * script, so that statement fails on its own (with the translator's syntax error) and the ones
 * before it still run.
 */
export function splitSqlStatements(script: string): ScriptStatement[] {
  const out: ScriptStatement[] = [];
  // Where the current statement's first token (not whitespace or comment) is; -1 before it.
  let first = -1;
  let i = 0;
  const flush = (end: number) => {
    if (first >= 0) out.push({ sql: script.slice(first, end).trim(), line: lineAt(script, first) });
    first = -1;
  };
  while (i < script.length) {
    const ch = script[i]!;
    const next = script[i + 1];
    if (ch === "-" && next === "-") {
      const nl = script.indexOf("\n", i);
      i = nl === -1 ? script.length : nl + 1;
    } else if (ch === "/" && next === "*") {
      const close = script.indexOf("*/", i + 2);
      i = close === -1 ? script.length : close + 2;
    } else if (ch === "'" || ch === '"' || ch === "`") {
      if (first < 0) first = i;
      i = quotedEnd(script, i, ch);
    } else if (ch === ";") {
      flush(i);
      i += 1;
    } else {
      if (first < 0 && !/\s/.test(ch)) first = i;
      i += 1;
    }
  }
  flush(script.length);
  return out;
}

/** Index after a quoted run whose quote is escaped by doubling it ('it''s'); the end when unterminated. */
function quotedEnd(text: string, open: number, quote: string): number {
  let j = open + 1;
  while (j < text.length) {
    if (text[j] === quote) {
      if (text[j + 1] !== quote) return j + 1;
      j += 2;
    } else {
      j += 1;
    }
  }
  return text.length;
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text[i] === "\n") line += 1;
  return line;
}
