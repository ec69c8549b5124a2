/** An EventBridge schedule expression as SST's `Cron` types it. */
export type ScheduleExpression = `rate(${string})` | `cron(${string})`;

/** A dataset schedule that EventBridge would refuse. */
export class ScheduleExpressionError extends Error {
  override readonly name = "ScheduleExpressionError";
  constructor(
    readonly dataset: string,
    readonly expression: string,
  ) {
    super(`dataset "${dataset}": schedule ${JSON.stringify(expression)} is neither rate(…) nor cron(…) (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html)`);
  }
}

/** The definition's schedule, checked at synthesis instead of at deploy time. */
export function scheduleOf(dataset: { readonly name: string; readonly schedule: string }): ScheduleExpression {
  if (/^rate\(\d+ (minute|minutes|hour|hours|day|days)\)$/.test(dataset.schedule) || /^cron\(.+\)$/.test(dataset.schedule)) {
    return dataset.schedule as ScheduleExpression;
  }
  throw new ScheduleExpressionError(dataset.name, dataset.schedule);
}
