import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PROD_FINGERPRINT_SQL, prodSnapshot, queryRows, removeLake, runWeek, sluice, tempLake, WEEK } from "../cli/sluice";
import { deliver, syntheticRecords } from "./plant";

interface ReportView {
  gate: string;
  RuleResults: { Name: string; Description: string; Result: string; severity: string; blocking: boolean; EvaluationMessage?: string; EvaluatedMetrics: Record<string, number> }[];
}

describe("the DQ gate of sluice run", () => {
  let lake: string;
  beforeEach(async () => {
    lake = await tempLake("dq");
    const good = await runWeek(lake);
    if (good.code !== 0) throw new Error(`setup run failed: ${good.out}${good.err}`);
  });
  afterEach(() => removeLake(lake));

  it("exits 3 on a blocking failure, names the rule and its metric, and leaves production byte for byte as it was", async () => {
    // Prepare: a valid raw object for a new city whose temperature is out of any physical range
    const before = await prodSnapshot(lake);
    const answerBefore = await queryRows(lake, PROD_FINGERPRINT_SQL);
    const [template] = syntheticRecords("Paris", "2024-11-27", 1);
    const planted = { ...template!, city: "Atlantis", latitude: 0, longitude: -30, measurement_time: "2024-11-27T12:00:00Z", temperature: 999 };
    expect(await deliver(lake, [planted])).toBe(1);

    // Act
    const run = await runWeek(lake, "--skip-ingest");

    // Assess: exit code, the rule and its metric in the output
    expect(run.code, run.out + run.err).toBe(3);
    expect(run.out).toMatch(/DQ_FAILED/);
    expect(run.out).toContain(`✗ ColumnValues "temperature" between -90 and 60`);
    expect(run.out).toMatch(/Production unchanged \(still weather_prod_v0001\)/);
    const id = /Run (r\S+):/.exec(run.out)![1]!;
    const report = await sluice("dq", id, "--lake", lake, "--json");
    expect(report.code).toBe(0);
    const rule = (JSON.parse(report.out) as ReportView).RuleResults.find((r) => r.Description === `ColumnValues "temperature" between -90 and 60`)!;
    expect(rule).toMatchObject({ Result: "FAIL", severity: "error", blocking: true, EvaluationMessage: "99.80 % of rows passed the threshold" });
    // 505 rows, one outside the range
    expect(rule.EvaluatedMetrics["Column.temperature.ColumnValues.Compliance"]).toBeCloseTo(504 / 505, 9);
    expect(run.out).toMatch(/^ {6}metrics: Column\.temperature\.ColumnValues\.Compliance = 0\.998\d*$/m);
    const text = await sluice("dq", id, "--lake", lake);
    expect(text.out).toMatch(/FAIL\s+error\s+ColumnValues "temperature" between -90 and 60/);
    expect(text.out).toContain("999");

    // Assess: production files, its catalog entries and its answer did not change
    expect(await prodSnapshot(lake)).toEqual(before);
    expect(Object.keys(before).length).toBeGreaterThan(3);
    expect(await queryRows(lake, PROD_FINGERPRINT_SQL)).toEqual(answerBefore);
    const runs = JSON.parse((await sluice("runs", "--lake", lake, "--json")).out) as { id: string; status: string; steps: { name: string; status: string }[] }[];
    expect(runs[0]).toMatchObject({ id, status: "dq_failed" });
    expect(runs[0]!.steps.find((s) => s.name === "publish")!.status).toBe("skipped");
  });

  it("publishes when only a warning rule fails, and reports it as FAIL with severity warning", async () => {
    // Prepare: Paris's week delivered three more times → each Paris reading collected 4 times
    const paris = syntheticRecords("Paris", WEEK.from, 7);
    expect(await deliver(lake, [...paris, ...paris, ...paris])).toBe(3 * 168);

    // Act
    const run = await runWeek(lake, "--skip-ingest", "--json");

    // Assess
    expect(run.code, run.out + run.err).toBe(0);
    const record = JSON.parse(run.out) as { id: string; status: string; prodVersion: string; dq: { gate: string; failedRules: string[] } };
    expect(record).toMatchObject({ status: "succeeded", prodVersion: "weather_prod_v0002", dq: { gate: "PASS", failedRules: [] } });
    const report = JSON.parse((await sluice("dq", record.id, "--lake", lake, "--json")).out) as ReportView;
    const warning = report.RuleResults.find((r) => r.Description.startsWith(`ColumnValues "collection_count" <= 3`))!;
    expect(warning).toMatchObject({ Result: "FAIL", severity: "warning", blocking: false });
    expect(report.gate).toBe("PASS");
    expect(await queryRows(lake, "SELECT city, max(collection_count) AS cc, count(*) AS n FROM weather_prod GROUP BY city ORDER BY city")).toEqual([
      { city: "Berlin", cc: 1, n: 168 },
      { city: "London", cc: 1, n: 168 },
      { city: "Paris", cc: 4, n: 168 },
    ]);
    const text = await sluice("dq", record.id, "--lake", lake);
    expect(text.out).toMatch(/FAIL\s+warning\s+ColumnValues "collection_count" <= 3/);
  });
});
