import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import type { IStateMachine } from "aws-cdk-lib/aws-stepfunctions";
import type { Construct } from "constructs";
import type { RunRange } from "../packages/core/src/pipeline/types";
import { checkedSchedule, type ScheduleExpression } from "../packages/core/src/pipeline/schedule-expression";

export { ScheduleExpressionError, type ScheduleExpression } from "../packages/core/src/pipeline/schedule-expression";

/** The definition's schedule, checked as EventBridge checks it, at synthesis instead of at deploy time. */
export function scheduleOf(dataset: { readonly name: string; readonly schedule: string }): ScheduleExpression {
  return checkedSchedule(dataset.name, dataset.schedule);
}

/**
 * What a scheduled run's execution gets as input: the dataset, incremental, no ingest (its producer
 * ingests on its own schedule), and the config's `runRange` (`days`, or fixed `from` and `to`).
 */
export function scheduledRunInput(dataset: string, range?: RunRange): { dataset: string; mode: "incremental"; skipIngest: true } & Partial<{ days: number; from: string; to: string }> {
  return { dataset, mode: "incremental", skipIngest: true, ...range };
}

/**
 * One EventBridge rule per dataset with a `runSchedule` (from the project config), starting an
 * execution of the run state machine with the scheduled run's input; the range is the config's
 * `runRange`, by default yesterday..today of the execution's start. The schedule is checked at synthesis, naming the dataset.
 */
export function runSchedules(scope: Construct, machine: IStateMachine, datasets: readonly { readonly name: string; readonly runSchedule?: string; readonly runRange?: RunRange }[]): events.Rule[] {
  return datasets.flatMap((dataset) => {
    if (!dataset.runSchedule) return [];
    const expression = checkedSchedule(dataset.name, dataset.runSchedule);
    return [
      new events.Rule(scope, `RunSchedule-${dataset.name}`, {
        description: `sluice: the scheduled run of ${dataset.name} (${expression})`,
        schedule: events.Schedule.expression(expression),
        targets: [new targets.SfnStateMachine(machine, { input: events.RuleTargetInput.fromObject(scheduledRunInput(dataset.name, dataset.runRange)) })],
      }),
    ];
  });
}
