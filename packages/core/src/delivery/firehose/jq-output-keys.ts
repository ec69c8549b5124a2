/**
 * The keys of the objects a jq `MetadataExtractionQuery` outputs, read from its syntax, for any
 * query whose output is built by object constructions: `{location: .city | ascii_downcase}`,
 * `.a as $x | {k: $x}`, `def f: …; {k: f}`, `{a: 1}, {b: 2}`, `if … then {k: 1} else {k: 2} end`,
 * `({k: .x})`. Keys are identifiers, `$name` (`{$x}` is `{x: $x}`), keywords, or plain "strings".
 * Anything that hides the keys — a computed `(.k): v` or interpolated "\(.k)" key, an `if` without
 * `else`, a query whose output is not an object construction (`with_entries(…)`, `.meta`) — gives
 * undefined, and the caller refuses the query by name rather than guess.
 * Grammar: https://jqlang.github.io/jq/manual/v1.6/ (Object Construction, Pipe, Comma, if-then-else, def).
 */
export function outputKeysOf(query: string): string[] | undefined {
  try {
    const keys = outputKeys(tokens(query));
    return keys === undefined ? undefined : [...new Set(keys)];
  } catch (error) {
    if (error instanceof UnreadableJq) return undefined;
    throw error;
  }
}

class UnreadableJq extends Error {}

interface Token {
  readonly kind: "word" | "var" | "string" | "istring" | "punct" | "other";
  readonly text: string;
  /** A plain string's value. */
  readonly value?: string;
}

const OPEN: Record<string, string> = { "(": ")", "[": "]", "{": "}" };

function tokens(query: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const ch = query[i]!;
    if (/\s/.test(ch)) i++;
    else if (ch === "#") {
      const nl = query.indexOf("\n", i);
      i = nl === -1 ? query.length : nl + 1;
    } else if (ch === '"') {
      const end = stringEnd(query, i);
      const text = query.slice(i, end);
      if (text.includes("\\(")) out.push({ kind: "istring", text });
      else out.push({ kind: "string", text, value: JSON.parse(text) as string });
      i = end;
    } else if (ch === "$" || /[A-Za-z_]/.test(ch)) {
      let j = i + 1;
      while (j < query.length && /[A-Za-z0-9_]|::/.test(query[j]!)) j++;
      out.push({ kind: ch === "$" ? "var" : "word", text: query.slice(i, j) });
      i = j;
    } else if ("()[]{}|,:;".includes(ch)) {
      // `|=` is an update-assignment, `//` and `?//` alternatives: not pipes.
      if (ch === "|" && query[i + 1] === "=") {
        out.push({ kind: "other", text: "|=" });
        i += 2;
      } else {
        out.push({ kind: "punct", text: ch });
        i++;
      }
    } else {
      out.push({ kind: "other", text: ch });
      i++;
    }
  }
  return out;
}

/** Index after a jq string starting at `start`, interpolations `\(…)` included. */
function stringEnd(query: string, start: number): number {
  let i = start + 1;
  while (i < query.length) {
    const ch = query[i]!;
    if (ch === "\\" && query[i + 1] === "(") {
      let depth = 1;
      i += 2;
      while (i < query.length && depth > 0) {
        if (query[i] === '"') i = stringEnd(query, i) - 1;
        else if (query[i] === "(") depth++;
        else if (query[i] === ")") depth--;
        i++;
      }
    } else if (ch === "\\") i += 2;
    else if (ch === '"') return i + 1;
    else i++;
  }
  throw new UnreadableJq();
}

/**
 * Splits at a separator outside brackets and keyword blocks (`if … end`, `def … ;`; `reduce`,
 * `foreach`, `try` and `label` are followed by their own brackets or a term and need no closing).
 */
function splitTop(list: readonly Token[], separator: string): Token[][] {
  const parts: Token[][] = [[]];
  const stack: string[] = [];
  for (const token of list) {
    const top = stack[stack.length - 1];
    if (token.kind === "punct" && token.text in OPEN) stack.push(OPEN[token.text]!);
    else if (token.kind === "punct" && token.text === top) stack.pop();
    else if (token.kind === "word" && token.text === "if") stack.push("end");
    else if (token.kind === "word" && token.text === "end" && top === "end") stack.pop();
    else if (token.kind === "word" && token.text === "def") stack.push(";");
    else if (token.kind === "punct" && token.text === ";" && top === ";") stack.pop();
    else if (stack.length === 0 && token.kind === "punct" && token.text === separator) {
      parts.push([]);
      continue;
    }
    parts[parts.length - 1]!.push(token);
  }
  if (stack.length > 0) throw new UnreadableJq();
  return parts;
}

/** Keys output by an expression: the last pipe stage, each of its comma-separated outputs. */
function outputKeys(list: readonly Token[]): string[] | undefined {
  const stages = splitTop(withoutDefinitions(list), "|");
  const last = stages[stages.length - 1]!;
  const keys: string[] = [];
  for (const output of splitTop(last, ",")) {
    const found = termKeys(output);
    if (found === undefined) return undefined;
    keys.push(...found);
  }
  return keys;
}

/** Drops leading `def name…: body;` definitions (a def's body never is the output). */
function withoutDefinitions(list: readonly Token[]): readonly Token[] {
  let rest = list;
  while (rest[0]?.kind === "word" && rest[0].text === "def") {
    const end = closing(rest, 0, ";");
    rest = rest.slice(end + 1);
  }
  return rest;
}

/** Index of the token that closes the block opened at `start` (`closer` is `)`, `}`, `]`, `end` or `;`). */
function closing(list: readonly Token[], start: number, closer: string): number {
  const stack: string[] = [closer];
  for (let i = start + 1; i < list.length; i++) {
    const token = list[i]!;
    const top = stack[stack.length - 1];
    if (token.kind === "punct" && token.text in OPEN) stack.push(OPEN[token.text]!);
    else if (token.kind === "word" && token.text === "if") stack.push("end");
    else if (token.kind === "word" && token.text === "def") stack.push(";");
    else if ((token.kind === "punct" || token.kind === "word") && token.text === top) {
      stack.pop();
      if (stack.length === 0) return i;
    }
  }
  throw new UnreadableJq();
}

function termKeys(term: readonly Token[]): string[] | undefined {
  const first = term[0];
  if (!first) return undefined;
  const spans = (closer: string) => closing(term, 0, closer) === term.length - 1;
  if (first.kind === "punct" && first.text === "{" && spans("}")) return objectKeys(term.slice(1, -1));
  if (first.kind === "punct" && first.text === "(" && spans(")")) return outputKeys(term.slice(1, -1));
  if (first.kind === "word" && first.text === "if" && spans("end")) return branchKeys(term.slice(1, -1));
  return undefined;
}

/** `cond then A (elif cond then B)* else C`: the union of every branch's keys; no `else` hides them. */
function branchKeys(body: readonly Token[]): string[] | undefined {
  const branches: Token[][] = [];
  let current: Token[] | undefined;
  let sawElse = false;
  for (let i = 0; i < body.length; i++) {
    const token = body[i]!;
    const word = token.kind === "word" ? token.text : undefined;
    if (word === "then" || word === "else") {
      current = [];
      branches.push(current);
      if (word === "else") sawElse = true;
      continue;
    }
    if (word === "elif") {
      current = undefined;
      continue;
    }
    // A nested bracket or block is copied whole: its then/else are not this if's.
    const closer = token.kind === "punct" && token.text in OPEN ? OPEN[token.text] : word === "if" ? "end" : word === "def" ? ";" : undefined;
    const last = closer ? closing(body, i, closer) : i;
    current?.push(...body.slice(i, last + 1));
    i = last;
  }
  if (!sawElse) return undefined;
  const keys: string[] = [];
  for (const branch of branches) {
    const found = outputKeys(branch);
    if (found === undefined) return undefined;
    keys.push(...found);
  }
  return keys;
}

function objectKeys(inner: readonly Token[]): string[] | undefined {
  const keys: string[] = [];
  if (inner.length === 0) return keys;
  for (const entry of splitTop(inner, ",")) {
    const head = entry[0];
    const rest = entry.slice(1);
    if (!head || (rest.length > 0 && !(rest[0]!.kind === "punct" && rest[0]!.text === ":"))) return undefined;
    if (head.kind === "word") keys.push(head.text);
    else if (head.kind === "var") keys.push(head.text.slice(1));
    else if (head.kind === "string") keys.push(head.value!);
    else return undefined;
  }
  return keys;
}
