/**
 * Java's `DateTimeFormatter.ofPattern` as Firehose's `!{timestamp:…}` uses it, always in UTC (the
 * zone offset is zero). Quoted text (`'…'`) is literal and `''` is one quote; `[` `]` (optional
 * sections) print their content, as Java does when formatting. Localized fields follow Java's
 * Locale.US: English names, weeks starting on Sunday with a first week of at least one day
 * (`WeekFields.of(Locale.US)`), so `Y` (week-based year), `w` (week of week-based year), `W`
 * (week of month) and `e`/`c` (localized day of week, Sunday = 1) are US weeks, not ISO's. AWS
 * does not document the locale; Firehose was seen putting 2019-12-29 (a Sunday) under YYYY = 2020
 * (aws-samples/aws-blog-firehose-custom-prefixes-for-s3-objects issue #1), as Sunday-start weeks do.
 * https://docs.oracle.com/javase/8/docs/api/java/time/format/DateTimeFormatter.html#patterns
 * https://docs.oracle.com/javase/8/docs/api/java/time/temporal/WeekFields.html
 * https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html#timestamp-namespace
 * Refused by name: `z`, `v` and `V` (the zone's id and name: which zone object AWS formats with is
 * not documented), `F` (JDK 8–19 and 20+ give it different fields), `B` (day periods, JDK 16+) and
 * the `p` pad modifier.
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

/** Java's `WeekFields.of(Locale.US)`: weeks start on Sunday (0), week 1 needs one day of the year. */
const WEEKS = { firstDay: 0, minimalDays: 1 } as const;
const DAY_MS = 86_400_000;

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
// Letters Java knows that the twin refuses (see the header): their output is not determined by the instant alone.
const UNSUPPORTED: Readonly<Record<string, string>> = {
  z: "the zone name depends on the zone object AWS formats with, which is not documented",
  v: "the zone name depends on the zone object AWS formats with, which is not documented",
  V: "the zone id depends on the zone object AWS formats with, which is not documented",
  F: "JDK 8 to 19 read it as the aligned day of week in month, JDK 20+ as the aligned week of month",
  B: "day periods (JDK 16+) are not implemented",
  p: "the pad modifier is not implemented",
};
const QUARTER_NAMES = ["1st quarter", "2nd quarter", "3rd quarter", "4th quarter"];

function pad(value: number, width: number): string {
  const text = String(value);
  return text.length >= width ? text : "0".repeat(width - text.length) + text;
}

function dayOfYear(d: Date): number {
  return Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY_MS) + 1;
}

/** Days from the week's first day (Sunday) to `d`'s day of week. */
function weekOffset(dayOfWeek: number): number {
  return (dayOfWeek - WEEKS.firstDay + 7) % 7;
}

/** Midnight UTC of the first day of week 1 of `year`: the first week with `minimalDays` days in it. */
function weekOneStart(year: number): number {
  const jan1 = Date.UTC(year, 0, 1);
  const start = jan1 - weekOffset(new Date(jan1).getUTCDay()) * DAY_MS;
  return 7 - (jan1 - start) / DAY_MS >= WEEKS.minimalDays ? start : start + 7 * DAY_MS;
}

/** `WeekFields.weekBasedYear()` and `weekOfWeekBasedYear()` of the day of `d`. */
function weekBased(d: Date): { year: number; week: number } {
  const midnight = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  const weekStart = midnight - weekOffset(d.getUTCDay()) * DAY_MS;
  let year = d.getUTCFullYear();
  if (weekStart >= weekOneStart(year + 1)) year += 1;
  else if (weekStart < weekOneStart(year)) year -= 1;
  return { year, week: Math.round((weekStart - weekOneStart(year)) / DAY_MS / 7) + 1 };
}

/** `WeekFields.weekOfMonth()`: week 1 holds the month's first `minimalDays` days (week 0 before it). */
function weekOfMonth(d: Date): number {
  const first = weekOffset(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)).getUTCDay());
  return Math.floor((d.getUTCDate() - 1 + first) / 7) + (7 - first >= WEEKS.minimalDays ? 1 : 0);
}

function millisOfDay(d: Date): number {
  return d.getTime() - Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

/** A year as `y`, `u` and `Y` print it: two letters the last two digits, otherwise at least `count` digits. */
function yearField(count: number, get: (d: Date) => number): Part {
  if (count === 2) return (d) => pad(((get(d) % 100) + 100) % 100, 2);
  return (d) => pad(get(d), count);
}

/** A name in its three widths: 1–3 letters short, 4 full, 5 narrow (the first letter). */
function text(letter: string, count: number, full: (d: Date) => string): Part {
  if (count <= 3) return (d) => full(d).slice(0, 3);
  if (count === 4) return full;
  if (count === 5) return (d) => full(d).slice(0, 1);
  throw new Error(`Too many pattern letters: ${letter}`);
}

function number(letter: string, count: number, max: number, get: (d: Date) => number): Part {
  if (count > max) throw new Error(`Too many pattern letters: ${letter}`);
  return (d) => pad(get(d), count);
}

function field(letter: string, count: number): Part {
  const month = (d: Date) => MONTHS[d.getUTCMonth()]!;
  const quarter = (d: Date) => Math.floor(d.getUTCMonth() / 3) + 1;
  const localDay = (d: Date) => weekOffset(d.getUTCDay()) + 1;
  switch (letter) {
    case "G":
      if (count <= 3) return () => "AD";
      if (count === 4) return () => "Anno Domini";
      if (count === 5) return () => "A";
      throw new Error("Too many pattern letters: G");
    case "y":
    case "u":
      return yearField(count, (d) => d.getUTCFullYear());
    case "Y":
      return yearField(count, (d) => weekBased(d).year);
    case "w":
      return number(letter, count, 2, (d) => weekBased(d).week);
    case "W":
      return number(letter, count, 1, weekOfMonth);
    case "M":
    case "L":
      if (count <= 2) return (d) => pad(d.getUTCMonth() + 1, count);
      return text(letter, count, month);
    case "Q":
    case "q":
      if (count <= 2) return (d) => pad(quarter(d), count);
      if (count === 3) return (d) => `Q${quarter(d)}`;
      if (count === 4) return (d) => QUARTER_NAMES[quarter(d) - 1]!;
      if (count === 5) return (d) => String(quarter(d));
      throw new Error(`Too many pattern letters: ${letter}`);
    case "d":
      return number(letter, count, 2, (d) => d.getUTCDate());
    case "D":
      return number(letter, count, 3, dayOfYear);
    case "E":
      return text(letter, count, (d) => DAYS[d.getUTCDay()]!);
    case "e":
    case "c":
      if (count === 1 || (count === 2 && letter === "e")) return (d) => pad(localDay(d), count);
      if (count === 2) throw new Error('Invalid pattern "cc"');
      return text(letter, count, (d) => DAYS[d.getUTCDay()]!);
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
    case "A":
      return (d) => pad(millisOfDay(d), count);
    case "n":
      return (d) => pad(d.getUTCMilliseconds() * 1_000_000, count);
    case "N":
      return (d) => pad(millisOfDay(d) * 1_000_000, count);
    // Offsets, all of zero: the prefix is evaluated in UTC.
    case "X":
      if (count > 5) throw new Error("Too many pattern letters: X");
      return () => "Z";
    case "x":
      if (count > 5) throw new Error("Too many pattern letters: x");
      return () => ["+00", "+0000", "+00:00", "+0000", "+00:00"][count - 1]!;
    case "Z":
      if (count > 5) throw new Error("Too many pattern letters: Z");
      return () => (count <= 3 ? "+0000" : count === 4 ? "GMT" : "Z");
    case "O":
      if (count !== 1 && count !== 4) throw new Error("Pattern letter count must be 1 or 4: O");
      return () => "GMT";
    default: {
      const refused = UNSUPPORTED[letter];
      if (refused) throw new Error(`Pattern letter not supported by the sluice twin: ${letter} (${refused})`);
      throw new Error(`Unknown pattern letter: ${letter}`);
    }
  }
}

function isLetter(ch: string): boolean {
  return (ch >= "a" && ch <= "z") || (ch >= "A" && ch <= "Z");
}

/** Compiles a Java DateTimeFormatter pattern; throws `DateTimePatternError` naming the offending letter. */
export function compileDateTimePattern(pattern: string): DateTimeFormat {
  const parts: Part[] = [];
  let literal = "";
  let optional = 0;
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
      } else if (ch === "[" || ch === "]") {
        // An optional section: formatting an instant prints it (every field is available).
        optional += ch === "[" ? 1 : -1;
        if (optional < 0) throw new Error("Pattern invalid as it contains ] without previous [");
        i++;
      } else if (ch === "{" || ch === "}" || ch === "#") {
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
