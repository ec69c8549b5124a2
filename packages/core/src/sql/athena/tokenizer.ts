import { AthenaSqlSyntaxError } from "./errors";

/**
 * Token kinds of Trino SQL. `word` is an unquoted identifier or keyword, `quoted` a "double-quoted"
 * identifier, `string` a 'single-quoted' literal, `parameter` a `$name` placeholder (the
 * QueryEngine's named parameters), `backtick` a Hive-style `identifier` that Trino's DML rejects.
 */
export type TokenKind =
  | "whitespace"
  | "comment"
  | "word"
  | "quoted"
  | "backtick"
  | "string"
  | "number"
  | "parameter"
  | "punct"
  | "operator";

/** One lexical token with its source text and 1-based position. */
export interface Token {
  readonly kind: TokenKind;
  /** Exact source text, quotes included. */
  readonly text: string;
  /** Unescaped content for `string` and `quoted`; same as `text` otherwise. */
  readonly value: string;
  readonly line: number;
  readonly column: number;
}

const PUNCT = new Set(["(", ")", "[", "]", ",", ";", "."]);
// Longest first: "||" must win over "|", "<>" over "<".
const OPERATORS = ["||", "<=", ">=", "<>", "!=", "->", "=>", "::", "**", "//", "==", "<<", ">>", "+", "-", "*", "/", "%", "=", "<", ">", "!", "?", ":", "&", "|", "^", "~", "@", "{", "}"];
const WORD_START = /[\p{L}_]/u;
const WORD_PART = /[\p{L}\p{N}_]/u;
const DIGIT = /[0-9]/;

/** Splits Trino SQL into tokens, keeping whitespace and comments so the text can be rebuilt. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let column = 1;

  const push = (kind: TokenKind, end: number, value?: string): void => {
    const text = sql.slice(i, end);
    tokens.push({ kind, text, value: value ?? text, line, column });
    for (const ch of text) {
      if (ch === "\n") {
        line += 1;
        column = 1;
      } else {
        column += 1;
      }
    }
    i = end;
  };

  // A quoted run where the quote is escaped by doubling it ('it''s', "a""b").
  const quotedEnd = (quote: string, what: string): { end: number; value: string } => {
    let j = i + 1;
    let value = "";
    for (;;) {
      if (j >= sql.length) throw new AthenaSqlSyntaxError(`unterminated ${what}`, { line, column });
      const ch = sql[j]!;
      if (ch === quote) {
        if (sql[j + 1] === quote) {
          value += quote;
          j += 2;
          continue;
        }
        return { end: j + 1, value };
      }
      value += ch;
      j += 1;
    }
  };

  while (i < sql.length) {
    const ch = sql[i]!;
    const next = sql[i + 1];
    if (/\s/.test(ch)) {
      let j = i + 1;
      while (j < sql.length && /\s/.test(sql[j]!)) j += 1;
      push("whitespace", j);
    } else if (ch === "-" && next === "-") {
      const nl = sql.indexOf("\n", i);
      push("comment", nl === -1 ? sql.length : nl);
    } else if (ch === "/" && next === "*") {
      const close = sql.indexOf("*/", i + 2);
      if (close === -1) throw new AthenaSqlSyntaxError("unterminated /* comment", { line, column });
      push("comment", close + 2);
    } else if (ch === "'") {
      const { end, value } = quotedEnd("'", "string literal");
      push("string", end, value);
    } else if (ch === '"') {
      const { end, value } = quotedEnd('"', "quoted identifier");
      push("quoted", end, value);
    } else if (ch === "`") {
      const { end, value } = quotedEnd("`", "backquoted identifier");
      push("backtick", end, value);
    } else if (DIGIT.test(ch) || (ch === "." && next !== undefined && DIGIT.test(next))) {
      let j = i;
      while (j < sql.length && DIGIT.test(sql[j]!)) j += 1;
      if (sql[j] === "." ) {
        j += 1;
        while (j < sql.length && DIGIT.test(sql[j]!)) j += 1;
      }
      if ((sql[j] === "e" || sql[j] === "E") && /[0-9+-]/.test(sql[j + 1] ?? "")) {
        j += 2;
        while (j < sql.length && DIGIT.test(sql[j]!)) j += 1;
      }
      push("number", j);
    } else if (WORD_START.test(ch)) {
      let j = i + 1;
      while (j < sql.length && WORD_PART.test(sql[j]!)) j += 1;
      push("word", j);
    } else if (ch === "$" && next !== undefined && WORD_START.test(next)) {
      let j = i + 2;
      while (j < sql.length && WORD_PART.test(sql[j]!)) j += 1;
      push("parameter", j);
    } else if (PUNCT.has(ch)) {
      push("punct", i + 1);
    } else {
      const op = OPERATORS.find((candidate) => sql.startsWith(candidate, i));
      if (!op) throw new AthenaSqlSyntaxError(`unexpected character ${JSON.stringify(ch)}`, { line, column });
      push("operator", i + op.length);
    }
  }
  return tokens;
}

/** True for tokens that carry meaning (not whitespace or comments). */
export function isSignificant(token: Token): boolean {
  return token.kind !== "whitespace" && token.kind !== "comment";
}
