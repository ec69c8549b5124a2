import { dayProblem } from "../day";
import { SourceError } from "../source";

const DAY_MS = 86_400_000;

/** Milliseconds of a `YYYY-MM-DD` day at 00:00 UTC, or an error naming the bad field. */
export function parseDay(text: string, field: string): number {
  const day = dayProblem(text);
  if (day.problem !== undefined) throw new SourceError(`${field} ${day.problem}`);
  return day.ms;
}

/** Start of the range and the number of hours in it (both days inclusive). */
export function validateRange(from: string, to: string): { startMs: number; hours: number } {
  const startMs = parseDay(from, "from");
  const endMs = parseDay(to, "to");
  if (endMs < startMs) throw new SourceError(`from (${from}) is after to (${to})`);
  return { startMs, hours: hoursOf(startMs, endMs) };
}

/** Hours from the start of the first day to the end of the last day. */
export function hoursOf(startMs: number, endMs: number): number {
  return ((endMs - startMs) / DAY_MS + 1) * 24;
}
