import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluateRuleset, parseRuleset, type DataQualityReport, type DqRelation } from "../../packages/core/src/dq";
import { RecordingDuckDbEngine } from "./duckdb-test-engine";

// Weather-like rows with planted faults: a NULL temperature (Paris 02:00), an impossible 75 °C
// (Paris 03:00), a duplicated key (Lyon 01:00 twice), a row collected 5 times, only two cities,
// and data that is stale relative to NOW.
const SETUP = [
  `CREATE TABLE weather (city VARCHAR, measurement_time TIMESTAMP, temperature DOUBLE, collection_count BIGINT)`,
  `INSERT INTO weather VALUES
     ('Paris', TIMESTAMP '2024-01-01 00:00:00', 5.0, 1),
     ('Paris', TIMESTAMP '2024-01-01 01:00:00', 6.0, 1),
     ('Paris', TIMESTAMP '2024-01-01 02:00:00', NULL, 1),
     ('Paris', TIMESTAMP '2024-01-01 03:00:00', 75.0, 1),
     ('Lyon',  TIMESTAMP '2024-01-01 00:00:00', 3.0, 1),
     ('Lyon',  TIMESTAMP '2024-01-01 01:00:00', 4.0, 5),
     ('Lyon',  TIMESTAMP '2024-01-01 01:00:00', 4.0, 2),
     ('Lyon',  TIMESTAMP '2024-01-01 02:00:00', 2.0, 1)`,
];

const RELATION: DqRelation = {
  sql: '"weather"',
  columns: [
    { name: "city", type: "string" },
    { name: "measurement_time", type: "timestamp" },
    { name: "temperature", type: "double" },
    { name: "collection_count", type: "bigint" },
  ],
};

/** 24 hours before NOW keeps only the rows from 01:30 on: Paris 02:00, Paris 03:00, Lyon 02:00. */
const NOW = new Date("2024-01-02T01:30:00Z");

const RULES = `Rules = [
    RowCount = 8,
    IsComplete "city",
    IsComplete "temperature",
    ColumnValues "temperature" between -90 and 60,
    ColumnValues "temperature" between -90 and 60 with threshold > 0.7,
    IsPrimaryKey "city" "measurement_time",
    DistinctValuesCount "city" >= 3,
    DataFreshness "measurement_time" <= 24 hours,
    Completeness "temperature" >= 0.8 where "city = 'Paris'",
    Mean "temperature" between 0 and 20,
    StandardDeviation "temperature" < 100,
    ColumnValues "city" in ["Paris","Lyon"],
    ColumnValues "city" matches "[A-Z][a-z]+",
    ColumnValues "collection_count" <= 3 labels=["severity"="warning"],
    IsComplete "humidity",
    Mean "city" > 0,
    CustomSql "select count(*) from primary where temperature > 60" = 0,
    CustomSql "select count(*) from no_such_table" > 0,
    (RowCount > 0) and (IsComplete "city"),
    Uniqueness "city" "measurement_time" > 0.5,
    ColumnValues "measurement_time" >= "2024-01-01",
    CustomSql "select city from primary where temperature < 60" with threshold >= 0.7
]`;

describe("evaluateRuleset on DuckDB", () => {
  let engine: RecordingDuckDbEngine;
  let report: DataQualityReport;
  const result = (name: string) => report.RuleResults.find((r) => r.Name === name)!;

  beforeAll(async () => {
    engine = await RecordingDuckDbEngine.create(SETUP);
    report = await evaluateRuleset(engine, RELATION, parseRuleset(RULES), { now: NOW, sampleSize: 5 });
  });
  afterAll(() => engine.close());

  it("judges every rule PASS, FAIL or ERROR", () => {
    expect(Object.fromEntries(report.RuleResults.map((r) => [r.Name, r.Result]))).toEqual({
      Rule_1: "PASS",
      Rule_2: "PASS",
      Rule_3: "FAIL",
      Rule_4: "FAIL",
      Rule_5: "PASS",
      Rule_6: "FAIL",
      Rule_7: "FAIL",
      Rule_8: "FAIL",
      Rule_9: "FAIL",
      Rule_10: "PASS",
      Rule_11: "PASS",
      Rule_12: "PASS",
      Rule_13: "PASS",
      Rule_14: "FAIL",
      Rule_15: "ERROR",
      Rule_16: "ERROR",
      Rule_17: "FAIL",
      Rule_18: "ERROR",
      Rule_19: "PASS",
      Rule_20: "PASS",
      Rule_21: "PASS",
      Rule_22: "PASS",
    });
  });

  it("reports Glue-named metrics and Glue-worded messages", () => {
    expect(result("Rule_1").EvaluatedMetrics).toEqual({ "Dataset.*.RowCount": 8 });
    expect(result("Rule_3")).toMatchObject({
      EvaluatedMetrics: { "Column.temperature.Completeness": 0.875 },
      EvaluationMessage: "Value: 0.875 does not meet the constraint requirement!",
    });
    expect(result("Rule_4")).toMatchObject({
      EvaluatedMetrics: { "Column.temperature.ColumnValues.Compliance": 0.75 },
      EvaluationMessage: "75.00 % of rows passed the threshold",
    });
    expect(result("Rule_6")).toMatchObject({ EvaluationMessage: "Value: 0.875 does not meet the constraint requirement!" });
    expect(result("Rule_6").EvaluatedMetrics).toEqual({
      "Dataset.*.RowCount": 8,
      "Column.city,measurement_time.DistinctValuesCount": 7,
      "Column.city.Completeness": 1,
      "Column.measurement_time.Completeness": 1,
    });
    expect(result("Rule_7")).toMatchObject({
      EvaluatedMetrics: { "Column.city.DistinctValuesCount": 2 },
      EvaluationMessage: "Value: 2.0 does not meet the constraint requirement!",
    });
    expect(result("Rule_20").EvaluatedMetrics).toEqual({ "Column.city,measurement_time.Uniqueness": 0.75 });
    expect(result("Rule_8").EvaluatedMetrics).toEqual({ "Column.measurement_time.DataFreshness.Compliance": 0.375 });
    expect(result("Rule_9").EvaluatedMetrics).toEqual({ "Column.temperature.Completeness": 0.75 });
    expect(result("Rule_10").EvaluatedMetrics["Column.temperature.Mean"]).toBeCloseTo(99 / 7, 10);
    expect(result("Rule_17")).toMatchObject({ EvaluatedMetrics: { "Dataset.*.CustomSQL": 1 }, EvaluationMessage: "Value: 1.0 does not meet the constraint requirement!" });
    expect(result("Rule_22").EvaluatedMetrics).toEqual({ "Dataset.*.CustomSQL.Compliance": 0.75 });
  });

  it("turns rules it cannot evaluate into ERROR with the reason", () => {
    expect(result("Rule_15").EvaluationMessage).toBe("Input data does not include column humidity!");
    expect(result("Rule_16").EvaluationMessage).toBe('Column "city" has type string: Mean needs a numeric column');
    expect(result("Rule_18").EvaluationMessage).toMatch(/^CustomSql failed: .*no_such_table/);
  });

  it("fetches sample failing rows and duplicate keys for failed rules", () => {
    expect(result("Rule_3").sampleFailingRows).toEqual([
      { city: "Paris", measurement_time: "2024-01-01 02:00:00", temperature: null, collection_count: "1" },
    ]);
    expect(result("Rule_4").sampleFailingRows?.map((r) => r.temperature)).toEqual(expect.arrayContaining([null, 75]));
    expect(result("Rule_6").sampleFailingRows).toEqual([{ city: "Lyon", measurement_time: "2024-01-01 01:00:00", duplicate_count: "2" }]);
    expect(result("Rule_8").sampleFailingRows).toHaveLength(5);
    expect(result("Rule_7").sampleFailingRows).toBeUndefined();
  });

  it("runs every aggregate-based rule in one query and each CustomSql in its own", () => {
    const aggregate = report.queries.filter((q) => q.purpose === "aggregate");
    const custom = report.queries.filter((q) => q.purpose === "custom-sql");
    const samples = report.queries.filter((q) => q.purpose === "sample");

    expect(aggregate).toHaveLength(1);
    expect(custom.map((q) => q.rule)).toEqual(["Rule_17", "Rule_18", "Rule_22"]);
    expect(samples.map((q) => q.rule)).toEqual(["Rule_3", "Rule_4", "Rule_6", "Rule_8", "Rule_9", "Rule_14"]);
    expect(engine.statements).toHaveLength(1 + 3 + 6);
    expect(report.queryCount).toBe(engine.statements.length);
    expect(report.bytesScanned).toBe(100 * (report.queryCount - 1)); // the failing CustomSql read nothing
  });

  it("gates on blocking rules and aggregates the counts like Glue", () => {
    expect(report.gate).toBe("FAIL");
    expect(result("Rule_14")).toMatchObject({ severity: "warning", blocking: false, Labels: { severity: "warning" } });
    expect(result("Rule_3")).toMatchObject({ severity: "error", blocking: true });
    expect(report.Score).toBe(11 / 22);
    expect(report.AggregatedMetrics).toEqual({
      TotalRowsProcessed: 8,
      TotalRowsPassed: 1,
      TotalRowsFailed: 7, // all but Lyon 02:00, which is fresh, complete and in range
      TotalRulesProcessed: 22,
      TotalRulesPassed: 11,
      TotalRulesFailed: 11,
    });
  });
});

describe("evaluateRuleset gate", () => {
  let engine: RecordingDuckDbEngine;
  beforeAll(async () => {
    engine = await RecordingDuckDbEngine.create(SETUP);
  });
  afterAll(() => engine.close());

  it("passes when only warning rules fail", async () => {
    const rules = parseRuleset('Rules = [ RowCount > 0, ColumnValues "collection_count" <= 3 with severity "warning" ]');

    const report = await evaluateRuleset(engine, RELATION, rules, { now: NOW, sampleSize: 0 });

    expect(report.RuleResults.map((r) => r.Result)).toEqual(["PASS", "FAIL"]);
    expect(report.gate).toBe("PASS");
    expect(report.queryCount).toBe(1);
  });

  it("fails when a blocking rule errors, and errors every aggregate rule when the aggregate query is rejected", async () => {
    const rules = parseRuleset('Rules = [ RowCount > 0 where "no_such_column > 1", IsComplete "city" with severity "warning" ]');

    const report = await evaluateRuleset(engine, RELATION, rules, { now: NOW });

    expect(report.RuleResults.map((r) => r.Result)).toEqual(["ERROR", "ERROR"]);
    expect(report.RuleResults[0]!.EvaluationMessage).toMatch(/^The aggregate query failed: .*no_such_column/);
    expect(report.gate).toBe("FAIL");
  });

  it("passes fresh, clean data", async () => {
    const rules = parseRuleset('Rules = [ DataFreshness "measurement_time" <= 24 hours, IsUnique "city" "measurement_time" where "collection_count < 5" ]');

    const report = await evaluateRuleset(engine, RELATION, rules, { now: new Date("2024-01-01T12:00:00Z") });

    expect(report.RuleResults.map((r) => [r.Result, r.EvaluationMessage])).toEqual([
      ["PASS", undefined],
      ["PASS", undefined],
    ]);
    expect(report.gate).toBe("PASS");
  });
});
