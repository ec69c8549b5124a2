import { UnsupportedSqlError, type SqlPosition } from "./errors";

// Trino's MySQL-style specifiers (date_format, date_parse) → DuckDB strftime/strptime.
// https://trino.io/docs/current/functions/datetime.html#mysql-date-functions
const MYSQL_SPECIFIERS: Readonly<Record<string, string>> = {
  a: "%a", // abbreviated weekday name
  b: "%b", // abbreviated month name
  c: "%-m", // month 1..12
  d: "%d", // day of month 01..31
  e: "%-d", // day of month 1..31
  f: "%f", // fraction of second, 6 digits
  H: "%H",
  h: "%I",
  I: "%I",
  i: "%M", // minutes
  j: "%j",
  k: "%-H",
  l: "%-I",
  M: "%B", // month name
  m: "%m",
  p: "%p",
  r: "%I:%M:%S %p",
  S: "%S",
  s: "%S",
  T: "%H:%M:%S",
  v: "%V", // ISO week, Monday first
  W: "%A", // weekday name
  x: "%G", // ISO week-year
  Y: "%Y",
  y: "%y",
  "%": "%%",
};
// Trino throws "%X not supported in date format string" for these.
const MYSQL_REJECTED = new Set(["D", "U", "u", "V", "w", "X"]);

/** Which date fields a parse format reads (what a Joda parser then defaults). */
export interface DateFields {
  readonly year: boolean;
  readonly twoDigitYear: boolean;
  /** A 12-hour clock hour (1..12). */
  readonly halfdayHour: boolean;
  /** AM/PM. */
  readonly halfday: boolean;
}

/** The fields a MySQL-style format (date_parse) reads. */
export function mysqlFields(format: string): DateFields {
  const specs = new Set<string>();
  for (let i = 0; i < format.length; i += 1) {
    if (format[i] === "%" && i + 1 < format.length) {
      specs.add(format[i + 1]!);
      i += 1;
    }
  }
  return {
    year: specs.has("Y") || specs.has("y") || specs.has("x"),
    twoDigitYear: specs.has("y") && !specs.has("Y"),
    halfdayHour: specs.has("h") || specs.has("I") || specs.has("l") || specs.has("r"),
    halfday: specs.has("p") || specs.has("r"),
  };
}

/** The fields a Joda pattern (parse_datetime) reads; quoted text is skipped. */
export function jodaFields(pattern: string): DateFields {
  const letters = new Map<string, number>();
  for (let i = 0; i < pattern.length; ) {
    const ch = pattern[i]!;
    if (ch === "'") {
      const close = pattern.indexOf("'", i + 1);
      i = close === -1 ? pattern.length : close + 1;
      continue;
    }
    let j = i;
    while (pattern[j] === ch) j += 1;
    if (/[A-Za-z]/.test(ch)) letters.set(ch, Math.max(letters.get(ch) ?? 0, j - i));
    i = j;
  }
  return {
    year: letters.has("y") || letters.has("Y") || letters.has("x"),
    twoDigitYear: letters.get("y") === 2 || letters.get("Y") === 2,
    halfdayHour: letters.has("h"),
    halfday: letters.has("a"),
  };
}

/** Translates a Trino `date_format`/`date_parse` format into a DuckDB strftime/strptime format. */
export function mysqlFormatToStrftime(format: string, at: SqlPosition): string {
  let out = "";
  for (let i = 0; i < format.length; i += 1) {
    const ch = format[i]!;
    if (ch !== "%") {
      out += ch;
      continue;
    }
    const spec = format[i + 1];
    i += 1;
    if (spec === undefined) {
      out += "%%";
    } else if (MYSQL_REJECTED.has(spec)) {
      throw new UnsupportedSqlError("format specifier", `%${spec}`, at, "Trino's date_format does not support it");
    } else {
      // Trino prints any other `%x` as `x`.
      out += MYSQL_SPECIFIERS[spec] ?? (spec === "%" ? "%%" : spec);
    }
  }
  return out;
}

// Joda-Time pattern letters (format_datetime, parse_datetime), keyed by letter then run length.
// https://www.joda.org/joda-time/apidocs/org/joda/time/format/DateTimeFormat.html
function jodaField(letter: string, count: number): string | undefined {
  switch (letter) {
    case "y":
    case "Y":
      return count === 2 ? "%y" : "%Y";
    case "x":
      return count === 2 ? undefined : "%G";
    case "w":
      return count === 1 ? "%-V" : count === 2 ? "%V" : undefined;
    case "e":
      return count === 1 ? "%u" : undefined;
    case "E":
      return count >= 4 ? "%A" : "%a";
    case "D":
      return count === 1 ? "%-j" : count === 3 ? "%j" : undefined;
    case "M":
      return count === 1 ? "%-m" : count === 2 ? "%m" : count === 3 ? "%b" : "%B";
    case "d":
      return count === 1 ? "%-d" : count === 2 ? "%d" : undefined;
    case "a":
      return "%p";
    case "h":
      return count === 1 ? "%-I" : count === 2 ? "%I" : undefined;
    case "H":
      return count === 1 ? "%-H" : count === 2 ? "%H" : undefined;
    case "m":
      return count === 1 ? "%-M" : count === 2 ? "%M" : undefined;
    case "s":
      return count === 1 ? "%-S" : count === 2 ? "%S" : undefined;
    case "S":
      return count === 3 ? "%g" : count === 6 ? "%f" : undefined;
    default:
      return undefined;
  }
}

/** Translates a Joda-Time pattern (`yyyy-MM-dd HH:mm`) into a DuckDB strftime/strptime format. */
export function jodaPatternToStrftime(pattern: string, at: SqlPosition): string {
  let out = "";
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === "'") {
      // Quoted literal text; '' is a literal quote.
      if (pattern[i + 1] === "'") {
        out += "'";
        i += 2;
        continue;
      }
      const close = pattern.indexOf("'", i + 1);
      if (close === -1) throw new UnsupportedSqlError("format specifier", pattern.slice(i), at, "unterminated quoted text");
      out += pattern.slice(i + 1, close).replaceAll("%", "%%");
      i = close + 1;
    } else if (/[A-Za-z]/.test(ch)) {
      let j = i;
      while (pattern[j] === ch) j += 1;
      const mapped = jodaField(ch, j - i);
      if (mapped === undefined) {
        throw new UnsupportedSqlError("format specifier", pattern.slice(i, j), at, "no DuckDB equivalent for this Joda pattern letter");
      }
      out += mapped;
      i = j;
    } else {
      out += ch === "%" ? "%%" : ch;
      i += 1;
    }
  }
  return out;
}
