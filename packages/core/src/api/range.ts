import { InvalidInputError } from "./errors";

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A time range as the routes use it: `[start, end)` in UTC and the month partitions it touches. */
export interface TimeRange {
  readonly start: Date;
  readonly end: Date;
  /** `YYYY-MM` values of `yr_mo_partition` the range reads. */
  readonly months: readonly string[];
}

/** Days in a month of a (proleptic Gregorian) year. */
function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Why text is not a calendar date `YYYY-MM-DD` or an ISO-8601 date-time with a zone, or undefined
 * when it is one. Checked field by field: `Date` rolls `2023-02-29` over to March 1st and turns
 * `2024-13-45` into an Invalid Date whose `toISOString()` throws a RangeError.
 */
export function dateOrDateTimeProblem(text: string): string | undefined {
  const dateOnly = DATE_RE.test(text);
  if (!dateOnly && !DATETIME_RE.test(text)) return "expected YYYY-MM-DD or an ISO-8601 date-time with a zone (2024-11-24T00:00:00Z)";
  const year = Number(text.slice(0, 4));
  const month = Number(text.slice(5, 7));
  const day = Number(text.slice(8, 10));
  if (month < 1 || month > 12) return `month ${text.slice(5, 7)} is not 01–12`;
  const days = daysInMonth(year, month);
  if (day < 1 || day > days) return `day ${text.slice(8, 10)} is not in ${text.slice(0, 7)} (01–${days})`;
  if (dateOnly) return undefined;
  const [hours, minutes, seconds] = [text.slice(11, 13), text.slice(14, 16), text.slice(17, 19)].map(Number) as [number, number, number];
  if (hours > 23) return `hour ${text.slice(11, 13)} is not 00–23`;
  if (minutes > 59) return `minute ${text.slice(14, 16)} is not 00–59`;
  if (text[16] === ":" && seconds > 59) return `second ${text.slice(17, 19)} is not 00–59`;
  const zone = /([+-])(\d{2}):(\d{2})$/.exec(text);
  if (zone && (Number(zone[2]) > 23 || Number(zone[3]) > 59)) return `offset ${zone[0]} is not -23:59–+23:59`;
  return Number.isNaN(Date.parse(text)) ? "not a valid date-time" : undefined;
}

/** Whether text is a calendar date `YYYY-MM-DD` or an ISO-8601 date-time with a zone. */
export function isDateOrDateTime(text: string): boolean {
  return dateOrDateTimeProblem(text) === undefined;
}

/**
 * `from`/`to` as dates (whole UTC days, `to` inclusive) or date-times (`to` exclusive), at most
 * `maxDays` long. Errors name the field.
 */
export function parseRange(from: string, to: string, maxDays: number): TimeRange {
  for (const [field, text] of [["from", from], ["to", to]] as const) {
    const problem = dateOrDateTimeProblem(text);
    if (problem) throw new InvalidInputError(field, problem);
  }
  const start = DATE_RE.test(from) ? new Date(`${from}T00:00:00Z`) : new Date(from);
  const end = DATE_RE.test(to) ? new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000) : new Date(to);
  if (end <= start) throw new InvalidInputError("to", `must be after from (${from})`);
  if (end.getTime() - start.getTime() > maxDays * 86_400_000) throw new InvalidInputError("to", `the range is longer than ${maxDays} days`);
  return { start, end, months: monthsBetween(start, end) };
}

/** `YYYY-MM` of every month with an instant in `[start, end)`. */
export function monthsBetween(start: Date, end: Date): string[] {
  const months: string[] = [];
  const last = new Date(end.getTime() - 1);
  for (let y = start.getUTCFullYear(), m = start.getUTCMonth(); y < last.getUTCFullYear() || (y === last.getUTCFullYear() && m <= last.getUTCMonth()); m === 11 ? (y++, (m = 0)) : m++) {
    months.push(`${String(y).padStart(4, "0")}-${String(m + 1).padStart(2, "0")}`);
  }
  return months;
}
