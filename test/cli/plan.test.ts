import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runsPerDayOf } from "../../packages/core/src/plan/plan";
import { sluice } from "./sluice";

// issue 11 item 6: `sluice plan` from the config, per dataset, against the limits that matter.
describe("sluice plan", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "sluice-plan-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("counts EventBridge schedules per day: rates, cron lists, ranges, steps and weekdays", () => {
    expect(runsPerDayOf("rate(1 hour)")).toBe(24);
    expect(runsPerDayOf("rate(5 minutes)")).toBe(288);
    expect(runsPerDayOf("rate(2 days)")).toBe(0.5);
    expect(runsPerDayOf("cron(0 * * * ? *)")).toBe(24);
    expect(runsPerDayOf("cron(15 6,18 * * ? *)")).toBe(2);
    expect(runsPerDayOf("cron(0/15 8-17 ? * MON-FRI *)")).toBeCloseTo((4 * 10 * 5) / 7, 6);
  });

  it("prints the table for the config's datasets and no limit crossed at the seeds' volumes", async () => {
    // Prepare: the seeds' volumes — weather for 3 cities hourly, run hourly; air quality for 2 stations
    const config = join(dir, "seeds.json");
    await writeFile(config, JSON.stringify({ datasets: { weather: { subjects: ["Paris", "London", "Berlin"], runSchedule: "cron(15 * * * ? *)" }, stocks: { enabled: false }, air_quality: { subjects: ["2178", "8118"], schedule: "rate(1 hour)" } } }));

    // Act
    const table = await sluice("plan", "--config", config);
    const json = await sluice("plan", "--config", config, "--json");

    // Assess
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/^dataset\s+api\s+subjects\s+schedule/);
    expect(table.out).toMatch(/weather\s+Open-Meteo\s+3\s+rate\(1 hour\)\s+24\s+72\s/);
    expect(table.out).toContain("No limit crossed.");
    const plan = JSON.parse(json.out) as { datasets: { dataset: string; callsPerDay: number; runsPerDay: number; athenaUsdPerMonth: number; activePartitionsPerBuffer: number }[] };
    const weather = plan.datasets.find((d) => d.dataset === "weather")!;
    // 24 runs a day × 30 days × 6 queries billed at least 10 MB each at $5/TB.
    expect(weather.runsPerDay).toBe(24);
    expect(weather.athenaUsdPerMonth).toBeCloseTo(24 * 30 * 6 * ((10 * 1024 * 1024) / 1e12) * 5, 6);
    expect(plan.datasets.map((d) => d.dataset)).toEqual(["weather", "air_quality"]);
    expect(plan.datasets.find((d) => d.dataset === "air_quality")!.callsPerDay).toBe(24 * 2 * 5);
  });

  it("warns for 1,000 cities: Open-Meteo's daily quota, Firehose's 500 active partitions, small files; exit 4", async () => {
    // Act
    const result = await sluice("plan", "--subjects", "1000");

    // Assess
    expect(result.code).toBe(4);
    expect(result.out).toMatch(/weather: Open-Meteo: 24000 calls a day against 10000\/day/);
    expect(result.out).toMatch(/weather: Firehose: 1000 active partitions per buffer against the default quota of 500/);
    expect(result.out).toMatch(/weather: raw: 24,000 objects a day/);
    expect(result.out).toMatch(/stocks: the producer needs ~12000 s paced under the quota, beyond its 300 s Lambda timeout/);
    // A year's back-fill as sluice backfill cuts and paces it: Open-Meteo's 140-day chunks of 10 cities (3,000 calls, 600 a minute);
    // a Polygon call a ticker at 5 a minute; OpenAQ's 41-day chunks of a station's 5 calls at 2,000 an hour.
    expect(result.out).toMatch(/weather .* 3000 calls, ~4 min\n/);
    expect(result.out).toMatch(/stocks .* 1000 calls, ~3.32 h\n/);
    expect(result.out).toMatch(/air_quality .* 45000 calls, ~22 h\n/);
  });

  it("refuses a bad --subjects", async () => {
    const result = await sluice("plan", "--subjects", "many");
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/--subjects must be a whole number/);
  });
});
