/**
 * What the translator needs to know about a literal regular expression to give Trino's answers on
 * DuckDB's RE2: its capturing groups (numbered as both engines number them), their names, and
 * whether a group can be left out of a successful match (Trino then returns NULL where DuckDB's
 * regexp_extract gives '').
 */
export interface RegexGroups {
  /** Number of capturing groups. */
  readonly count: number;
  /** Named groups → their number. */
  readonly names: ReadonlyMap<string, number>;
  /** For group n (1-based, index n - 1): true if a match can succeed without it. */
  readonly optional: readonly boolean[];
  /** For group n: its source text between the parentheses (after any `?<name>`). */
  readonly bodies: readonly string[];
  /**
   * For group n: true if it sits inside a repeated group (`(a|(b))+`, `(x(y)?)*`): which
   * iteration's capture it reports when the last iteration skipped it is the engine's choice
   * (Trino's Joni and DuckDB's RE2 are not documented to agree).
   */
  readonly insideRepetition: readonly boolean[];
}

interface OpenGroup {
  /** Group number, or 0 for a non-capturing group. */
  readonly number: number;
  readonly parent: OpenGroup | undefined;
  /** Index in the pattern of the first character of the group's body. */
  readonly bodyStart: number;
  alternation: boolean;
  zeroable: boolean;
  repeated: boolean;
}

/** True if a quantifier allowing zero repetitions starts at `pattern[i]`. */
function zeroQuantifier(pattern: string, i: number): boolean {
  const ch = pattern[i];
  if (ch === "?" || ch === "*") return true;
  return ch === "{" && /^\{(0*,|0+\}|0+,)/.test(pattern.slice(i));
}

/** True if a quantifier allowing more than one repetition starts at `pattern[i]`. */
function repeatQuantifier(pattern: string, i: number): boolean {
  const ch = pattern[i];
  if (ch === "+" || ch === "*") return true;
  const bounds = ch === "{" ? /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i)) : null;
  if (bounds === null) return false;
  const max = bounds[2] === undefined ? Number(bounds[1]) : bounds[3] === "" ? Number.POSITIVE_INFINITY : Number(bounds[3]);
  return max > 1;
}

/** Reads the capturing groups of a regex (RE2/Java syntax: escapes, classes, `(?:`, `(?<name>`, `(?P<name>`). */
export function regexGroups(pattern: string): RegexGroups {
  const names = new Map<string, number>();
  const groups: OpenGroup[] = [];
  const bodies: string[] = [];
  let open: OpenGroup | undefined;
  const top: OpenGroup = { number: 0, parent: undefined, bodyStart: 0, alternation: false, zeroable: false, repeated: false };
  open = top;
  let count = 0;
  for (let i = 0; i < pattern.length; i += 1) {
    const ch = pattern[i]!;
    if (ch === "\\") {
      i += 1;
    } else if (ch === "[") {
      // A character class: `]` first (or after `^`) is literal; escapes skip a character.
      let j = i + 1;
      if (pattern[j] === "^") j += 1;
      if (pattern[j] === "]") j += 1;
      while (j < pattern.length && pattern[j] !== "]") j += pattern[j] === "\\" ? 2 : 1;
      i = j;
    } else if (ch === "(") {
      let number = 0;
      let bodyStart = i + 1;
      const named = /^\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(pattern.slice(i));
      if (named) {
        count += 1;
        number = count;
        names.set(named[1]!, number);
        bodyStart = i + named[0].length;
      } else if (pattern[i + 1] !== "?") {
        count += 1;
        number = count;
      }
      const group: OpenGroup = { number, parent: open, bodyStart, alternation: false, zeroable: false, repeated: false };
      if (number > 0) groups[number - 1] = group;
      open = group;
      i = bodyStart - 1;
    } else if (ch === ")") {
      if (open === top || open === undefined) continue;
      if (open.number > 0) bodies[open.number - 1] = pattern.slice(open.bodyStart, i);
      open.zeroable = zeroQuantifier(pattern, i + 1);
      open.repeated = repeatQuantifier(pattern, i + 1);
      open = open.parent;
    } else if (ch === "|") {
      open!.alternation = true;
    }
  }
  const optional = groups.map((group) => {
    if (group.zeroable) return true;
    for (let at = group.parent; at !== undefined; at = at.parent) if (at.zeroable || at.alternation) return true;
    return false;
  });
  const insideRepetition = groups.map((group) => {
    for (let at = group.parent; at !== undefined; at = at.parent) if (at.repeated) return true;
    return false;
  });
  return { count, names, optional, bodies, insideRepetition };
}

/** RE2 (and DuckDB) spell a named group `(?P<name>…)`; Java's `(?<name>…)` becomes that. */
export function javaPatternToRe2(pattern: string): string {
  let out = "";
  for (let i = 0; i < pattern.length; i += 1) {
    const ch = pattern[i]!;
    if (ch === "\\") {
      out += pattern.slice(i, i + 2);
      i += 1;
    } else if (pattern.startsWith("(?<", i) && /^\(\?<[A-Za-z_]/.test(pattern.slice(i))) {
      out += "(?P<";
      i += 2;
    } else {
      out += ch;
    }
  }
  return out;
}

/** True if `body` (a group's text) may match the empty string; unknown syntax counts as may. */
export function mayMatchEmpty(body: string): boolean {
  try {
    const js = body.replace(/\(\?[imsU-]+\)/g, "").replace(/\(\?P</g, "(?<");
    return new RegExp(`^(?:${js})$`, "u").test("");
  } catch {
    return true;
  }
}

/** A Java/Trino replacement string read against a pattern's groups: an RE2 rewrite, or Trino's error. */
export type Replacement = { readonly rewrite: string } | { readonly error: string };

/**
 * Reads a Trino regexp_replace replacement (https://trino.io/docs/current/functions/regexp.html#regexp_replace,
 * JoniRegexpFunctions.appendReplacement): `$n` takes the longest group number the pattern has
 * (`$10` is group 1 then `0` with nine groups), `${name}` a named group, `\x` is `x`. Returns the
 * RE2 rewrite (`\n`, literal `\` doubled) or the message Trino fails with; `undefined` where RE2
 * has no spelling (a group number above 9).
 */
export function javaReplacement(replacement: string, groups: RegexGroups): Replacement | undefined {
  const illegal = { error: `Illegal replacement sequence: ${replacement}` };
  let out = "";
  for (let i = 0; i < replacement.length; i += 1) {
    const ch = replacement[i]!;
    if (ch === "$") {
      i += 1;
      if (i === replacement.length) return illegal;
      let backref: number;
      if (replacement[i] === "{") {
        const close = replacement.indexOf("}", i);
        const name = replacement.slice(i + 1, close === -1 ? replacement.length : close);
        const number = groups.names.get(name);
        if (number === undefined) return { error: `Illegal replacement sequence: unknown group { ${name} }` };
        backref = number;
        i = close === -1 ? replacement.length : close;
      } else {
        backref = replacement.charCodeAt(i) - 48;
        if (backref < 0 || backref > 9) return illegal;
        if (backref > groups.count) return { error: `Illegal replacement sequence: unknown group ${backref}` };
        while (i + 1 < replacement.length && /[0-9]/.test(replacement[i + 1]!) && backref * 10 + Number(replacement[i + 1]) <= groups.count) {
          backref = backref * 10 + Number(replacement[i + 1]);
          i += 1;
        }
      }
      if (backref > 9) return undefined;
      out += `\\${backref}`;
    } else if (ch === "\\") {
      i += 1;
      if (i === replacement.length) return illegal;
      out += replacement[i] === "\\" ? "\\\\" : replacement[i];
    } else {
      out += ch;
    }
  }
  return { rewrite: out };
}
