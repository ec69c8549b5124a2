/**
 * A compiler from a small, documented subset of jq to plain JS functions, so that the common
 * `MetadataExtractionQuery` (e.g. `{location: .city}`) costs nanoseconds instead of a jq call.
 *
 * The subset (anything else returns `undefined` from `compileJqFastPath` and runs on real jq):
 *   - paths: `.`, `.a`, `.a.b`, `."a b"`, `.["a"]`, `.[0]`, `.[-1]`, `.[2:5]`, `.a[:4]`, chained;
 *   - object construction: `{k: PATH, "k2": "literal", k3}` (`{k3}` is `{k3: .k3}`);
 *   - pipes `|` between those.
 * Semantics follow jq 1.7 (jq-web): indexing null gives null, a missing field gives null, a wrong
 * type raises jq's error message. Where JS cannot reproduce jq exactly it returns `DEFER` and the
 * record goes to real jq: string slices over astral characters (jq slices code points, JS UTF-16).
 * A differential test runs this against jq-web over many records.
 */

/** Returned when this record must be evaluated by real jq. */
export const DEFER: unique symbol = Symbol("defer-to-jq");

/** A runtime error with jq's wording. */
export class JqRuntimeError extends Error {
  override readonly name = "JqRuntimeError";
}

/** A compiled fast-path query. */
export type FastQuery = (input: unknown) => unknown | typeof DEFER;

type Fn = (input: unknown) => unknown;

const KEYWORDS = new Set([
  "and", "or", "not", "if", "then", "elif", "else", "end", "as", "def", "reduce", "foreach",
  "try", "catch", "label", "import", "include", "__loc__", "true", "false", "null",
]);

class Unsupported extends Error {}

/** The jq type name of a JSON value. */
export function jqType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value === "object" ? "object" : (typeof value as string);
}

/** Compiles `query` when it is inside the subset; `undefined` means "use real jq". */
export function compileJqFastPath(query: string): FastQuery | undefined {
  try {
    const parser = new Parser(query);
    const fn = parser.parsePipe();
    parser.expectEnd();
    return (input) => {
      try {
        return fn(input);
      } catch (error) {
        if (error === DEFER) return DEFER;
        throw error;
      }
    };
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

function indexField(value: unknown, key: string): unknown {
  if (value === null) return null;
  if (typeof value === "object" && !Array.isArray(value)) {
    return Object.prototype.hasOwnProperty.call(value, key) ? (value as Record<string, unknown>)[key] : null;
  }
  throw new JqRuntimeError(`Cannot index ${jqType(value)} with string "${key}"`);
}

function indexNumber(value: unknown, index: number): unknown {
  if (value === null) return null;
  if (Array.isArray(value)) {
    const i = index < 0 ? value.length + index : index;
    return i >= 0 && i < value.length ? value[i] : null;
  }
  throw new JqRuntimeError(`Cannot index ${jqType(value)} with number`);
}

// Surrogates mean astral characters: jq counts code points, JS code units.
const SURROGATE = /[\uD800-\uDFFF]/;

function slice(value: unknown, start: number | undefined, end: number | undefined): unknown {
  if (value === null) return null;
  if (typeof value === "string") {
    if (SURROGATE.test(value)) throw DEFER;
    return value.slice(start ?? 0, end ?? value.length);
  }
  if (Array.isArray(value)) return value.slice(start ?? 0, end ?? value.length);
  throw new JqRuntimeError(`Cannot index ${jqType(value)} with object`);
}

class Parser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parsePipe(): Fn {
    const stages = [this.parseTerm()];
    while (this.peek() === "|") {
      this.pos++;
      stages.push(this.parseTerm());
    }
    if (stages.length === 1) return stages[0]!;
    return (input) => {
      let value = input;
      for (const stage of stages) value = stage(value);
      return value;
    };
  }

  expectEnd(): void {
    this.skipSpace();
    if (this.pos !== this.text.length) throw new Unsupported();
  }

  private parseTerm(): Fn {
    const ch = this.peek();
    if (ch === "{") return this.parseObject();
    if (ch === ".") return this.parsePath();
    if (ch === '"') {
      const literal = this.parseString();
      return () => literal;
    }
    throw new Unsupported();
  }

  private parseObject(): Fn {
    this.pos++; // {
    const entries: { key: string; value: Fn }[] = [];
    if (this.peek() === "}") {
      this.pos++;
      return () => ({});
    }
    for (;;) {
      const ch = this.peek();
      let key: string;
      let shorthand = false;
      if (ch === '"') {
        key = this.parseString();
      } else {
        key = this.parseIdent();
        if (KEYWORDS.has(key)) throw new Unsupported();
        shorthand = true;
      }
      let value: Fn;
      if (this.peek() === ":") {
        this.pos++;
        value = this.parseValue();
      } else if (shorthand) {
        value = (input) => indexField(input, key);
      } else {
        throw new Unsupported();
      }
      entries.push({ key, value });
      const next = this.peek();
      this.pos++;
      if (next === "}") break;
      if (next !== ",") throw new Unsupported();
    }
    return (input) => {
      const out: Record<string, unknown> = {};
      for (const entry of entries) out[entry.key] = entry.value(input);
      return out;
    };
  }

  // An object value: a pipe of paths and string literals (jq's ExpD), stopping at , or }.
  private parseValue(): Fn {
    const stages: Fn[] = [];
    for (;;) {
      const ch = this.peek();
      if (ch === ".") stages.push(this.parsePath());
      else if (ch === '"') {
        const literal = this.parseString();
        stages.push(() => literal);
      } else throw new Unsupported();
      if (this.peek() !== "|") break;
      this.pos++;
    }
    if (stages.length === 1) return stages[0]!;
    return (input) => stages.reduce<unknown>((value, stage) => stage(value), input);
  }

  private parsePath(): Fn {
    const steps: Fn[] = [];
    this.pos++; // the leading "."
    // `.foo`, `."foo"` or `.[` may follow the first dot directly.
    const first = this.text[this.pos];
    if (first !== undefined && /[A-Za-z_]/.test(first)) {
      const key = this.parseIdentRaw();
      steps.push((v) => indexField(v, key));
    } else if (first === '"') {
      const key = this.parseString();
      steps.push((v) => indexField(v, key));
    }
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === "[") {
        steps.push(this.parseBracket());
      } else if (ch === "." && this.text[this.pos + 1] !== undefined) {
        this.pos++;
        const next = this.text[this.pos]!;
        if (/[A-Za-z_]/.test(next)) {
          const key = this.parseIdentRaw();
          steps.push((v) => indexField(v, key));
        } else if (next === '"') {
          const key = this.parseString();
          steps.push((v) => indexField(v, key));
        } else if (next === "[") {
          steps.push(this.parseBracket());
        } else throw new Unsupported();
      } else if (ch === "?") {
        throw new Unsupported();
      } else break;
    }
    if (steps.length === 0) return (v) => v;
    if (steps.length === 1) return steps[0]!;
    return (input) => {
      let value = input;
      for (const step of steps) value = step(value);
      return value;
    };
  }

  private parseBracket(): Fn {
    this.pos++; // [
    const ch = this.peek();
    if (ch === '"') {
      const key = this.parseString();
      this.expect("]");
      return (v) => indexField(v, key);
    }
    const start = ch === ":" ? undefined : this.parseInt();
    if (this.peek() === "]") {
      this.pos++;
      if (start === undefined) throw new Unsupported();
      return (v) => indexNumber(v, start);
    }
    this.expect(":");
    const end = this.peek() === "]" ? undefined : this.parseInt();
    this.expect("]");
    if (start === undefined && end === undefined) throw new Unsupported();
    return (v) => slice(v, start, end);
  }

  private parseInt(): number {
    this.skipSpace();
    const match = /^-?[0-9]{1,9}(?![0-9.eE])/.exec(this.text.slice(this.pos));
    if (!match) throw new Unsupported();
    this.pos += match[0].length;
    return Number(match[0]);
  }

  private parseIdent(): string {
    this.skipSpace();
    return this.parseIdentRaw();
  }

  private parseIdentRaw(): string {
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos));
    if (!match) throw new Unsupported();
    this.pos += match[0].length;
    // `a::b` is a module reference in jq.
    if (this.text.startsWith("::", this.pos)) throw new Unsupported();
    return match[0];
  }

  private parseString(): string {
    this.skipSpace();
    const match = /^"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/.exec(this.text.slice(this.pos));
    if (!match) throw new Unsupported(); // interpolation `\(…)` and the like
    this.pos += match[0].length;
    return JSON.parse(match[0]) as string;
  }

  private expect(ch: string): void {
    if (this.peek() !== ch) throw new Unsupported();
    this.pos++;
  }

  private peek(): string | undefined {
    this.skipSpace();
    return this.text[this.pos];
  }

  private skipSpace(): void {
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos]!;
      if (ch === " " || ch === "\t" || ch === "\n" || ch === "\r") this.pos++;
      else if (ch === "#") throw new Unsupported();
      else break;
    }
  }
}
