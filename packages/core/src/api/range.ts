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

/** Whether text is a calendar date `YYYY-MM-DD` or an ISO-8601 date-time with a zone. */
export function isDateOrDateTime(text: string): boolean {
  if (DATE_RE.test(text)) return new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) === text;
  return DATETIME_RE.test(text) && !Number.isNaN(Date.parse(text));
}

/**
 * `from`/`to` as dates (whole UTC days, `to` inclusive) or date-times (`to` exclusive), at most
 * `maxDays` long. Errors name the field.
 */
export function parseRange(from: string, to: string, maxDays: number): TimeRange {
  const start = DATE_RE.test(from) ? new Date(`${from}T00:00:00Z`) : new Date(from);
  const end = DATE_RE.test(to) ? new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000) : new Date(to);
  if (Number.isNaN(start.getTime())) throw new InvalidInputError("from", "not a date YYYY-MM-DD or an ISO-8601 date-time");
  if (Number.isNaN(end.getTime())) throw new InvalidInputError("to", "not a date YYYY-MM-DD or an ISO-8601 date-time");
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
