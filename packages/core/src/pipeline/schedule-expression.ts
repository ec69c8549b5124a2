/**
 * EventBridge schedule expressions, checked as EventBridge checks them, so that a bad schedule fails
 * synthesis (naming the dataset) instead of the deploy:
 * - rate: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rate-expressions.html
 *   `rate(value unit)`, a positive whole value, unit minute(s)/hour(s)/day(s), singular for 1 and
 *   plural above it (`rate(1 hours)` and `rate(5 hour)` are invalid).
 * - cron: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html
 *   six fields `minutes hours day-of-month month day-of-week year`, each with its range and
 *   wildcards; one of day-of-month and day-of-week must be `?`; `#` allows one expression only.
 */

/** An EventBridge schedule expression as SST's `Cron` types it. */
export type ScheduleExpression = `rate(${string})` | `cron(${string})`;

interface Field {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** The wildcards the field takes besides digits (`,` `-` `*` `/` `?` `L` `W` `#`). */
  readonly wildcards: string;
  readonly names?: readonly string[];
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

const FIELDS: readonly Field[] = [
  { name: "minutes", min: 0, max: 59, wildcards: ",-*/" },
  { name: "hours", min: 0, max: 23, wildcards: ",-*/" },
  { name: "day-of-month", min: 1, max: 31, wildcards: ",-*?/LW" },
  { name: "month", min: 1, max: 12, wildcards: ",-*/", names: MONTHS },
  { name: "day-of-week", min: 1, max: 7, wildcards: ",-*?L#", names: DAYS },
  { name: "year", min: 1970, max: 2199, wildcards: ",-*/" },
];

/** Why EventBridge would refuse `expression`, or undefined when it is a valid schedule. */
export function scheduleProblem(expression: string): string | undefined {
  const rate = /^rate\((.*)\)$/.exec(expression);
  if (rate) return rateProblem(rate[1]!);
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (cron) return cronProblem(cron[1]!);
  return "is neither rate(value unit) nor cron(minutes hours day-of-month month day-of-week year)";
}

function rateProblem(body: string): string | undefined {
  const match = /^(\S+) (\S+)$/.exec(body);
  if (!match) return "is not rate(value unit)";
  const [, value, unit] = match as unknown as [string, string, string];
  if (!/^\d+$/.test(value) || Number(value) < 1) return `the rate value ${JSON.stringify(value)} is not a positive whole number`;
  const singular = ["minute", "hour", "day"];
  const plural = singular.map((u) => `${u}s`);
  if (![...singular, ...plural].includes(unit)) return `the rate unit ${JSON.stringify(unit)} is not minute(s), hour(s) or day(s)`;
  if (Number(value) === 1 && !singular.includes(unit)) return `a rate of 1 takes the singular unit (rate(1 ${unit.slice(0, -1)}))`;
  if (Number(value) > 1 && !plural.includes(unit)) return `a rate above 1 takes the plural unit (rate(${value} ${unit}s))`;
  return undefined;
}

function cronProblem(body: string): string | undefined {
  const parts = body.trim().split(/\s+/);
  if (parts.length !== 6) return `has ${parts.length} field(s); EventBridge takes six: minutes hours day-of-month month day-of-week year`;
  for (const [index, field] of FIELDS.entries()) {
    const problem = fieldProblem(field, parts[index]!);
    if (problem) return `the ${field.name} field ${JSON.stringify(parts[index])} ${problem}`;
  }
  const [dayOfMonth, dayOfWeek] = [parts[2]!, parts[4]!];
  if ((dayOfMonth === "?") === (dayOfWeek === "?")) return "needs ? in exactly one of day-of-month and day-of-week (a value or * in one, ? in the other)";
  return undefined;
}

function fieldProblem(field: Field, text: string): string | undefined {
  if (text === "?") return field.wildcards.includes("?") ? undefined : "cannot be ?";
  const items = text.split(",");
  if (items.length > 1 && !field.wildcards.includes(",")) return "cannot list values";
  if (text.includes("#") && items.length > 1) return "can hold one expression only when it uses #";
  for (const item of items) {
    const problem = itemProblem(field, item);
    if (problem) return problem;
  }
  return undefined;
}

function itemProblem(field: Field, item: string): string | undefined {
  const upper = item.toUpperCase();
  if (field.name === "day-of-month" && /^(L|LW|\d{1,2}W)$/.test(upper)) return upper.endsWith("W") && upper !== "LW" ? valueProblem(field, upper.slice(0, -1)) : undefined;
  if (field.name === "day-of-week") {
    if (upper === "L") return undefined;
    const last = /^(\w+)L$/.exec(upper);
    if (last) return valueProblem(field, last[1]!);
    const nth = /^(\w+)#(\d)$/.exec(upper);
    if (nth) return valueProblem(field, nth[1]!) ?? (Number(nth[2]) >= 1 && Number(nth[2]) <= 5 ? undefined : `has #${nth[2]} (the nth weekday of a month is 1 to 5)`);
  }
  const [range, step, extra] = upper.split("/");
  if (extra !== undefined) return "has more than one /";
  if (step !== undefined) {
    if (!field.wildcards.includes("/")) return "cannot take an increment (/)";
    if (!/^\d+$/.test(step) || Number(step) < 1) return `has the increment ${JSON.stringify(step)} (a positive whole number)`;
  }
  if (range === "*") return undefined;
  const bounds = range!.split("-");
  if (bounds.length > 2) return `has the range ${JSON.stringify(range)}`;
  for (const bound of bounds) {
    const problem = valueProblem(field, bound);
    if (problem) return problem;
  }
  return undefined;
}

function valueProblem(field: Field, text: string): string | undefined {
  if (field.names?.includes(text)) return undefined;
  if (!/^\d+$/.test(text)) return `has ${JSON.stringify(text)}, which is not a value of ${field.min}-${field.max}${field.names ? ` or ${field.names[0]}-${field.names.at(-1)}` : ""}`;
  const value = Number(text);
  if (value < field.min || value > field.max) return `has ${value}, outside ${field.min}-${field.max}`;
  return undefined;
}

/** A dataset schedule that EventBridge would refuse. */
export class ScheduleExpressionError extends Error {
  override readonly name = "ScheduleExpressionError";
  constructor(
    readonly dataset: string,
    readonly expression: string,
    readonly problem: string,
  ) {
    super(`dataset "${dataset}": schedule ${JSON.stringify(expression)} ${problem} (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html)`);
  }
}

/** The schedule, checked at synthesis instead of at deploy time. */
export function checkedSchedule(dataset: string, expression: string): ScheduleExpression {
  const problem = scheduleProblem(expression);
  if (problem) throw new ScheduleExpressionError(dataset, expression, problem);
  return expression as ScheduleExpression;
}
