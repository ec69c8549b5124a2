/**
 * The subset of Java's `DateTimeFormatter.ofPattern` that Firehose's `!{timestamp:…}` takes,
 * always in UTC. Quoted text (`'…'`) is literal and `''` is one quote, as in Java.
 * https://docs.oracle.com/javase/8/docs/api/java/time/format/DateTimeFormatter.html
 * https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html#timestamp-namespace
 */

/** A pattern that Java would reject or that the twin does not implement. */
export class DateTimePatternError extends Error {
  override readonly name = "DateTimePatternError";
  constructor(
    readonly pattern: string,
    readonly reason: string,
  ) {
    super(`invalid timestamp pattern ${JSON.stringify(pattern)}: ${reason}`);
  }
}

/** A compiled pattern: formats an epoch-millisecond instant in UTC. */
export type DateTimeFormat = (epochMs: number) => string;

type Part = string | ((d: Date) => string);

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
// Letters Java reserves or knows but the twin does not implement (week-based fields, zones, localized forms).
const UNSUPPORTED = new Set(["G", "Y", "w", "W", "e", "c", "F", "L", "V", "z", "O", "X", "x", "Z", "A", "N", "n", "p"]);

function pad(value: number, width: number): string {
  const text = String(value);
  return text.length >= width ? text : "0".repeat(width - text.length) + text;
}

function dayOfYear(d: Date): number {
  return Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
}

function number(letter: string, count: number, max: number, get: (d: Date) => number): Part {
  if (count > max) throw new Error(`Too many pattern letters: ${letter}`);
  return (d) => pad(get(d), count);
}

function field(letter: string, count: number): Part {
  switch (letter) {
    case "y":
    case "u":
      // Java: two letters print the last two digits; otherwise at least `count` digits.
      if (count === 2) return (d) => pad(d.getUTCFullYear() % 100, 2);
      return (d) => pad(d.getUTCFullYear(), count);
    case "M":
      if (count <= 2) return (d) => pad(d.getUTCMonth() + 1, count);
      if (count === 3) return (d) => MONTHS[d.getUTCMonth()]!.slice(0, 3);
      if (count === 4) return (d) => MONTHS[d.getUTCMonth()]!;
      if (count === 5) return (d) => MONTHS[d.getUTCMonth()]!.slice(0, 1);
      throw new Error("Too many pattern letters: M");
    case "Q":
      if (count <= 2) return (d) => pad(Math.floor(d.getUTCMonth() / 3) + 1, count);
      if (count === 3) return (d) => `Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
      throw new Error("Too many pattern letters: Q");
    case "d":
      return number(letter, count, 2, (d) => d.getUTCDate());
    case "D":
      return number(letter, count, 3, dayOfYear);
    case "E":
      if (count <= 3) return (d) => DAYS[d.getUTCDay()]!.slice(0, 3);
      if (count === 4) return (d) => DAYS[d.getUTCDay()]!;
      if (count === 5) return (d) => DAYS[d.getUTCDay()]!.slice(0, 1);
      throw new Error("Too many pattern letters: E");
    case "a":
      if (count > 1) throw new Error("Too many pattern letters: a");
      return (d) => (d.getUTCHours() < 12 ? "AM" : "PM");
    case "H":
      return number(letter, count, 2, (d) => d.getUTCHours());
    case "k":
      return number(letter, count, 2, (d) => d.getUTCHours() || 24);
    case "K":
      return number(letter, count, 2, (d) => d.getUTCHours() % 12);
    case "h":
      return number(letter, count, 2, (d) => d.getUTCHours() % 12 || 12);
    case "m":
      return number(letter, count, 2, (d) => d.getUTCMinutes());
    case "s":
      return number(letter, count, 2, (d) => d.getUTCSeconds());
    case "S":
      if (count > 9) throw new Error("Too many pattern letters: S");
      // Fraction of second, truncated to `count` digits (milliseconds are all a JS Date has).
      return (d) => (pad(d.getUTCMilliseconds(), 3) + "000000").slice(0, count);
    default:
      if (UNSUPPORTED.has(letter)) throw new Error(`Pattern letter not supported by the sluice twin: ${letter}`);
      throw new Error(`Unknown pattern letter: ${letter}`);
  }
}

function isLetter(ch: string): boolean {
  return (ch >= "a" && ch <= "z") || (ch >= "A" && ch <= "Z");
}

/** Compiles a Java DateTimeFormatter pattern; throws `DateTimePatternError` naming the offending letter. */
export function compileDateTimePattern(pattern: string): DateTimeFormat {
  const parts: Part[] = [];
  let literal = "";
  try {
    for (let i = 0; i < pattern.length; ) {
      const ch = pattern[i]!;
      if (ch === "'") {
        if (pattern[i + 1] === "'") {
          literal += "'";
          i += 2;
          continue;
        }
        const end = findClosingQuote(pattern, i + 1);
        literal += pattern.slice(i + 1, end).replaceAll("''", "'");
        i = end + 1;
      } else if (isLetter(ch)) {
        let count = 1;
        while (pattern[i + count] === ch) count++;
        if (literal) parts.push(literal);
        literal = "";
        parts.push(field(ch, count));
        i += count;
      } else if (ch === "[" || ch === "]" || ch === "{" || ch === "}" || ch === "#") {
        throw new Error(`Pattern includes reserved character: '${ch}'`);
      } else {
        literal += ch;
        i++;
      }
    }
  } catch (error) {
    throw new DateTimePatternError(pattern, (error as Error).message);
  }
  if (literal) parts.push(literal);
  return (epochMs) => {
    const d = new Date(epochMs);
    let out = "";
    for (const part of parts) out += typeof part === "string" ? part : part(d);
    return out;
  };
}

function findClosingQuote(pattern: string, from: number): number {
  for (let i = from; i < pattern.length; i++) {
    if (pattern[i] !== "'") continue;
    if (pattern[i + 1] === "'") {
      i++;
      continue;
    }
    return i;
  }
  throw new Error("Pattern ends with an incomplete string literal");
}
