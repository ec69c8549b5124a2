import { App, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { describe, expect, it } from "vitest";
import { ScheduleExpressionError, runSchedules, scheduledRunInput } from "../../stacks/schedule";
import { runInputSchema, runParametersOf } from "../../packages/functions/src/step";
import type { RunRange } from "../../packages/core/src/pipeline/types";

const MACHINE = "arn:aws:states:eu-west-1:123456789012:stateMachine:test-sluice-RunStateMachine";

/** The rules `runSchedules` adds to a small stack of their own (no SST app, nothing bundled). */
function synth(datasets: { name: string; runSchedule?: string; runRange?: RunRange }[]) {
  const stack = new Stack(new App(), "Schedules", { env: { account: "123456789012", region: "eu-west-1" } });
  runSchedules(stack, sfn.StateMachine.fromStateMachineArn(stack, "Runs", MACHINE), datasets);
  return Template.fromStack(stack);
}

describe("runSchedules: the config's runSchedule starts the run state machine", () => {
  it("adds one rule per dataset with a runSchedule, targeting the state machine with the scheduled run's input", () => {
    // Act
    const template = synth([{ name: "weather", runSchedule: "cron(15 * * * ? *)" }, { name: "stocks" }, { name: "air_quality", runSchedule: "rate(1 day)" }]);
    // Assess
    const rules = Object.values(template.findResources("AWS::Events::Rule")) as { Properties: Record<string, any> }[];
    expect(rules.map((r) => r.Properties.ScheduleExpression)).toEqual(["cron(15 * * * ? *)", "rate(1 day)"]);
    for (const [i, rule] of rules.entries()) {
      const [target] = rule.Properties.Targets;
      expect(target.Arn).toBe(MACHINE);
      expect(JSON.parse(target.Input)).toEqual({ dataset: ["weather", "air_quality"][i], mode: "incremental", skipIngest: true });
    }
    // EventBridge starts executions through a role allowed states:StartExecution on this state machine only.
    template.hasResourceProperties("AWS::IAM::Policy", { PolicyDocument: { Statement: [{ Action: "states:StartExecution", Effect: "Allow", Resource: MACHINE }] } });
  });

  it("sends an input the step runner accepts", () => {
    expect(runInputSchema.parse(scheduledRunInput("weather"))).toEqual({ dataset: "weather", mode: "incremental", skipIngest: true });
  });

  it("carries the config's runRange in the input: the last N days through the execution's day, or fixed days (seed 000)", () => {
    // Act
    const template = synth([
      { name: "weather", runSchedule: "rate(1 day)", runRange: { days: 7 } },
      { name: "stocks", runSchedule: "rate(1 day)", runRange: { from: "2024-11-24", to: "2024-11-30" } },
    ]);
    // Assess
    const inputs = (Object.values(template.findResources("AWS::Events::Rule")) as { Properties: Record<string, any> }[]).map((r) => JSON.parse(r.Properties.Targets[0].Input));
    expect(inputs).toEqual([
      { dataset: "weather", mode: "incremental", skipIngest: true, days: 7 },
      { dataset: "stocks", mode: "incremental", skipIngest: true, from: "2024-11-24", to: "2024-11-30" },
    ]);
    // The step runner turns them into the run's days, from the execution's start (2024-12-04T06:00Z).
    const started = "2024-12-04T06:00:00.000Z";
    const daysOf = (input: unknown) => {
      const { from, to } = runParametersOf(runInputSchema.parse(input), started, { name: "weather" });
      return `${from}..${to}`;
    };
    expect(inputs.map(daysOf)).toEqual(["2024-11-28..2024-12-04", "2024-11-24..2024-11-30"]);
    expect(daysOf(scheduledRunInput("weather"))).toBe("2024-12-03..2024-12-04");
  });

  it("fails synthesis on an invalid schedule, naming the dataset", () => {
    // Act
    let error: unknown;
    try {
      synth([{ name: "weather", runSchedule: "rate(0 minutes)" }]);
    } catch (e) {
      error = e;
    }
    // Assess
    expect(error).toBeInstanceOf(ScheduleExpressionError);
    expect((error as Error).message).toMatch(/^dataset "weather": schedule "rate\(0 minutes\)"/);
  });
});
