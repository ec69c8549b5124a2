import { checkedSchedule, type ScheduleExpression } from "../packages/core/src/pipeline/schedule-expression";

export { ScheduleExpressionError, type ScheduleExpression } from "../packages/core/src/pipeline/schedule-expression";

/** The definition's schedule, checked as EventBridge checks it, at synthesis instead of at deploy time. */
export function scheduleOf(dataset: { readonly name: string; readonly schedule: string }): ScheduleExpression {
  return checkedSchedule(dataset.name, dataset.schedule);
}
