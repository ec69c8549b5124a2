import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeLake, runWeek, sluice, tempLake } from "./sluice";

interface StepView {
  name: string;
  status: string;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  rowsIn?: number;
  rowsOut?: number;
  bytesScanned?: number;
  detail?: Record<string, unknown>;
}

interface RunView {
  mode?: string;
  id: string;
  status: string;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  parameters: { from: string; to: string; source: string; locations: { name: string }[]; skipIngest: boolean };
  steps: StepView[];
  prodVersion: string;
  dq: { gate: string; score: number; failedRules: string[] };
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe("the run record and the DQ report", () => {
  let lake: string;
  let runId: string;
  beforeAll(async () => {
    lake = await tempLake("record");
    const run = await runWeek(lake, "--json");
    if (run.code !== 0) throw new Error(`setup run failed: ${run.out}${run.err}`);
    runId = (JSON.parse(run.out) as RunView).id;
  });
  afterAll(() => removeLake(lake));

  it("lists each step with status, start, end, duration and row counts in `sluice runs --json`", async () => {
    // Act
    const result = await sluice("runs", "--lake", lake, "--json");

    // Assess
    expect(result.code).toBe(0);
    const runs = JSON.parse(result.out) as RunView[];
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    expect(run).toMatchObject({
      id: runId,
      status: "succeeded",
      prodVersion: "weather_prod_v0001",
      parameters: { from: "2024-11-24", to: "2024-11-30", source: "synthetic", skipIngest: false },
      dq: { gate: "PASS", score: 1, failedRules: [] },
    });
    expect(run.parameters.locations.map((l) => l.name)).toEqual(["Paris", "London", "Berlin"]);
    expect(run.steps.map((s) => s.name)).toEqual(["ingest", "crawl", "drop", "ctas", "dq", "publish"]);
    for (const step of run.steps) {
      expect(step.status, step.name).toBe("succeeded");
      expect(step.startedAt, step.name).toMatch(ISO);
      expect(step.endedAt, step.name).toMatch(ISO);
      expect(step.durationMs, step.name).toBe(Date.parse(step.endedAt!) - Date.parse(step.startedAt!));
      expect(step.startedAt! >= run.startedAt && step.endedAt! <= run.endedAt, step.name).toBe(true);
    }
    const steps = Object.fromEntries(run.steps.map((s) => [s.name, s]));
    expect(steps.ingest!.rowsOut).toBe(504);
    expect(steps.ctas!.rowsOut).toBe(504);
    expect(steps.dq!.rowsIn).toBe(504);
    expect(steps.publish!.rowsOut).toBe(504);
    expect(steps.ctas!.bytesScanned).toBeGreaterThan(0);
    expect(steps.dq!.bytesScanned).toBeGreaterThan(0);
    expect(steps.crawl!.detail).toMatchObject({ partitionsAdded: 3, objectsOutsideLayout: 0, drift: [] });
    expect(run.mode).toBe("incremental");
    expect(steps.crawl!.detail).toMatchObject({ mode: "incremental", rawObjectsNew: 3, rawObjectsRead: 3, quarantined: [] });
    expect(steps.ctas!.detail).toMatchObject({ partitionsWritten: ["2024-11"], rawObjectsRead: 3, mergedFrom: null });
    expect(steps.dq!.detail).toMatchObject({ partitionsChecked: ["2024-11"] });
    expect(steps.publish!.detail).toMatchObject({
      version: "weather_prod_v0001",
      location: `s3://prod/weather_prod/data/${run.id}/`,
      partitionsWritten: 1,
      partitionsReused: 0,
      objectsCopied: 0,
    });
    expect(run.durationMs).toBe(Date.parse(run.endedAt) - Date.parse(run.startedAt));
  });

  it("shows the run in the `sluice runs` table", async () => {
    // Act
    const result = await sluice("runs", "--lake", lake);

    // Assess
    expect(result.code).toBe(0);
    expect(result.out).toMatch(new RegExp(`${runId}\\s+succeeded\\s+\\S+\\s+[\\d.]+\\s+2024-11-24\\.\\.2024-11-30\\s+3\\s+PASS\\s+weather_prod_v0001`));
  });

  it("returns the Glue-shaped DQ report from `sluice dq <id> --json`, and the latest one without an id", async () => {
    // Act
    const byId = await sluice("dq", runId, "--lake", lake, "--json");
    const latest = await sluice("dq", "--lake", lake, "--json");

    // Assess: the fields of Glue's GetDataQualityResult
    // (https://docs.aws.amazon.com/glue/latest/webapi/API_GetDataQualityResult.html)
    expect(byId.code).toBe(0);
    expect(latest.out).toBe(byId.out);
    const report = JSON.parse(byId.out) as {
      RuleResults: { Name: string; Description: string; Result: string; EvaluationMessage?: string; EvaluatedMetrics: Record<string, number> }[];
      Score: number;
      AggregatedMetrics: Record<string, number>;
      gate: string;
    };
    expect(report.RuleResults.map((r) => r.Name)).toEqual(Array.from({ length: 9 }, (_, i) => `Rule_${i + 1}`));
    for (const rule of report.RuleResults) {
      expect(rule.Result, rule.Name).toBe("PASS");
      expect(rule.Description, rule.Name).toEqual(expect.any(String));
      expect(rule.EvaluationMessage, rule.Name).toBeUndefined();
      expect(Object.keys(rule.EvaluatedMetrics).length, rule.Name).toBeGreaterThan(0);
    }
    expect(report.RuleResults[0]).toMatchObject({ Description: "RowCount > 0", EvaluatedMetrics: { "Dataset.*.RowCount": 504 } });
    expect(report.RuleResults[4]).toMatchObject({
      Description: 'IsPrimaryKey "city" "measurement_time"',
      EvaluatedMetrics: { "Column.city,measurement_time.DistinctValuesCount": 504 },
    });
    expect(report.Score).toBe(1);
    expect(report.gate).toBe("PASS");
    expect(report.AggregatedMetrics).toMatchObject({ TotalRowsProcessed: 504, TotalRulesProcessed: 9, TotalRulesPassed: 9, TotalRulesFailed: 0 });
  });

  it("prints the report as a table of results, severities and rules", async () => {
    // Act
    const result = await sluice("dq", runId, "--lake", lake);

    // Assess
    expect(result.code).toBe(0);
    expect(result.out).toContain(`DQ report of ${runId}: gate PASS, score 100.0 %`);
    expect(result.out).toMatch(/PASS\s+error\s+RowCount > 0/);
    expect(result.out).toMatch(/PASS\s+warning\s+ColumnValues "collection_count" <= 3/);
  });
});
