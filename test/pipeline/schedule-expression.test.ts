import { describe, expect, it } from "vitest";
import { checkedSchedule, ScheduleExpressionError, scheduleProblem } from "../../packages/core/src/pipeline/schedule-expression";

// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rate-expressions.html
describe("EventBridge rate expressions", () => {
  it.each(["rate(1 minute)", "rate(5 minutes)", "rate(1 hour)", "rate(12 hours)", "rate(1 day)", "rate(7 days)"])("accepts %s", (expression) => {
    expect(scheduleProblem(expression)).toBeUndefined();
  });

  it.each([
    ["rate(0 minutes)", "not a positive whole number"],
    ["rate(1 hours)", "singular"],
    ["rate(5 hour)", "plural"],
    ["rate(1.5 hours)", "not a positive whole number"],
    ["rate(2 weeks)", "not minute(s), hour(s) or day(s)"],
    ["rate(hour)", "not rate(value unit)"],
  ])("refuses %s (%s)", (expression, reason) => {
    expect(scheduleProblem(expression)).toContain(reason);
  });
});

// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html (its examples table first)
describe("EventBridge cron expressions", () => {
  it.each([
    "cron(0 10 * * ? *)",
    "cron(15 12 * * ? *)",
    "cron(0 18 ? * MON-FRI *)",
    "cron(0 8 1 * ? *)",
    "cron(0/15 * * * ? *)",
    "cron(0/10 * ? * MON-FRI *)",
    "cron(0/5 8-17 ? * MON-FRI *)",
    "cron(0 9 ? * 2#1 *)",
    "cron(0 0 L * ? *)",
    "cron(0 0 3W * ? *)",
    "cron(0 0 ? * 6L *)",
    "cron(30 2 ? JAN,JUL SUN 2030-2035)",
  ])("accepts %s", (expression) => {
    expect(scheduleProblem(expression)).toBeUndefined();
  });

  it.each([
    ["cron(0 * * * *)", "has 5 field(s)"],
    ["cron(0 10 * * * *)", "exactly one of day-of-month and day-of-week"],
    ["cron(0 10 ? * ? *)", "exactly one of day-of-month and day-of-week"],
    ["cron(60 10 * * ? *)", "minutes field \"60\" has 60, outside 0-59"],
    ["cron(0 24 * * ? *)", "hours field"],
    ["cron(0 10 32 * ? *)", "day-of-month field"],
    ["cron(0 10 ? 13 MON *)", "month field"],
    ["cron(0 10 ? * 8 *)", "day-of-week field"],
    ["cron(0 10 ? * 3#1,6#3 *)", "one expression only"],
    ["cron(0 10 ? * 2#6 *)", "1 to 5"],
    ["cron(0 10 * * ? 1969)", "year field"],
    ["cron(0 10 L * ? *)".replace("L", "?L"), "day-of-month field"],
    ["cron(0/0 * * * ? *)", "increment"],
    ["cron(0 10 ? * MON/2 *)", "cannot take an increment"],
  ])("refuses %s (%s)", (expression, reason) => {
    expect(scheduleProblem(expression)).toContain(reason);
  });

  it("refuses what is neither, and names the dataset when synthesis checks it", () => {
    expect(scheduleProblem("every hour")).toContain("neither rate");
    expect(() => checkedSchedule("weather", "rate(0 minutes)")).toThrow(ScheduleExpressionError);
    expect(() => checkedSchedule("weather", "cron(0 * * * *)")).toThrow(/dataset "weather": schedule "cron\(0 \* \* \* \*\)" has 5 field/);
  });
});
