import { DqdlParseError } from "./parse-error";

/** One DQDL token with the 1-based position of its first character. */
export interface Token {
  readonly kind: "ident" | "number" | "string" | "punct" | "eof";
  /** The source text (for strings, with the quotes). */
  readonly text: string;
  /** Decoded value of a string token (escapes `\"` and `\\` resolved). */
  readonly value: string;
  readonly line: number;
  readonly column: number;
}

const PUNCT = ["!=", ">=", "<=", "[", "]", "(", ")", ",", "=", ">", "<", "-", "+", "!"] as const;

/** Splits DQDL text into tokens; `#` starts a comment to the end of the line, as in DQDL's lexer. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const at = (index: number) => ({ line, column: index - lineStart + 1 });

  while (i < text.length) {
    const ch = text[i]!;
    if (ch === "\n") {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (ch === " " || ch === "\t" || ch === "\r") {
      i++;
      continue;
    }
    if (ch === "#") {
      while (i < text.length && text[i] !== "\n") i++;
      continue;
    }
    const start = i;
    if (ch === '"') {
      let value = "";
      i++;
      for (;;) {
        if (i >= text.length || text[i] === "\n") {
          throw new DqdlParseError(at(start).line, at(start).column, "a closing \" for the string", "the end of the line");
        }
        const c = text[i]!;
        if (c === "\\" && (text[i + 1] === '"' || text[i + 1] === "\\")) {
          value += text[i + 1];
          i += 2;
          continue;
        }
        if (c === '"') break;
        value += c;
        i++;
      }
      i++;
      tokens.push({ kind: "string", text: text.slice(start, i), value, ...at(start) });
      continue;
    }
    if (/[0-9]/.test(ch)) {
      const match = /^[0-9]+(\.[0-9]+)?/.exec(text.slice(i))!;
      i += match[0].length;
      tokens.push({ kind: "number", text: match[0], value: match[0], ...at(start) });
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) {
      const match = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i))!;
      i += match[0].length;
      tokens.push({ kind: "ident", text: match[0], value: match[0], ...at(start) });
      continue;
    }
    const punct = PUNCT.find((p) => text.startsWith(p, i));
    if (!punct) throw new DqdlParseError(at(start).line, at(start).column, "a rule", JSON.stringify(ch));
    i += punct.length;
    tokens.push({ kind: "punct", text: punct, value: punct, ...at(start) });
  }
  tokens.push({ kind: "eof", text: "", value: "", ...at(i) });
  return tokens;
}
