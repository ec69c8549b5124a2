import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { StartQueryExecutionCommand } from "@aws-sdk/client-athena";
import { analyticsViewsOf } from "../../packages/core/src/analytics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileRuleset, parseRuleset } from "../../packages/core/src/dq";
import { weatherDataset } from "../../packages/core/src/pipeline/weather";
import { cleanViewSql, ctasSql, insertSql, mergeSelectSql, monthsSql } from "../../packages/core/src/transform/athena-sql";
import { fakeAws } from "../aws/fake-aws";

/**
 * The Athena SQL sluice runs on AWS, as files a reviewer can read. The run's statements are taken
 * from the StartQueryExecution calls of a whole run on the AWS adapters (physical names included);
 * the batched CTAS/INSERT and the DQ plan come from the same builders the engine calls.
 * `UPDATE_GOLDEN=1 npx vitest run test/golden` rewrites the files.
 */
const DIR = join(import.meta.dirname, "athena");
const update = process.env.UPDATE_GOLDEN === "1";
const FACTS = { locationCount: 3, from: "2024-11-24", to: "2024-11-24" };

function golden(name: string, sql: string): void {
  const path = join(DIR, name);
  const text = sql.trimEnd() + "\n";
  if (update) writeFileSync(path, text);
  // A missing golden file is a failure: only UPDATE_GOLDEN=1 writes one.
  expect(existsSync(path), `${name} is missing; create it with UPDATE_GOLDEN=1 npx vitest run test/golden`).toBe(true);
  expect(text, `${name} differs from the golden file; rerun with UPDATE_GOLDEN=1 if the change is intended`).toBe(readFileSync(path, "utf8"));
}

describe("golden Athena SQL of the weather pipeline", () => {
  const aws = fakeAws();
  let statements: string[] = [];
  /** The statements of a second run, incremental: one new object merged into production's month. */
  let merge: string[] = [];
  const parameters = { dataset: "weather", source: "synthetic", from: FACTS.from, to: FACTS.to, locations: [{ name: "Paris", latitude: 48.8566, longitude: 2.3522 }, { name: "London", latitude: 51.5074, longitude: -0.1278 }, { name: "Berlin", latitude: 52.52, longitude: 13.405 }], variables: ["temperature_2m"], skipIngest: true };

  beforeAll(async () => {
    const run = await (await aws.runtime.runEngine()).run(parameters);
    if (run.status !== "succeeded") throw new Error(`the scripted run did not succeed: ${JSON.stringify(run.failure)}`);
    statements = aws.athena.mock.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input.QueryString!);
    aws.deliverMore("11");
    const second = await (await aws.runtime.runEngine()).run(parameters);
    if (second.status !== "succeeded" || second.mode !== "incremental") throw new Error(`the second run did not merge: ${JSON.stringify(second)}`);
    merge = aws.athena.mock.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input.QueryString!).slice(statements.length);
  });
  afterAll(() => aws.restore());

  const find = (re: RegExp) => {
    const found = statements.find((s) => re.test(s));
    expect(found, `no statement matching ${re}`).toBeDefined();
    return found!;
  };

  it("runs the statements in the engine's order", () => {
    expect(statements.map((s) => s.split("\n")[0])).toEqual([
      'CREATE OR REPLACE VIEW "clean_weather" AS',
      'DROP TABLE IF EXISTS weather_parquet',
      `SELECT DISTINCT date_format(CAST(from_iso8601_timestamp("measurement_time") AS timestamp), '%Y-%m') AS "yr_mo_partition" FROM "stage_weather" ORDER BY 1`,
      'CREATE TABLE "weather_parquet"',
      "SELECT",
      expect.stringMatching(/^select count\(distinct city\) from "weather_parquet" where/),
      'CREATE OR REPLACE VIEW "weather_prod" AS',
      // then the analytics views over production (their SQL is golden in test/analytics/athena/)
      ...analyticsViewsOf("weather").map((v) => `CREATE OR REPLACE VIEW "${v.name}" AS`),
    ]);
  });

  it("runs no statement over all raw on the second (incremental) run: the clean view is not recreated", () => {
    expect(merge.map((s) => s.split("\n")[0])).toEqual([
      'DROP TABLE IF EXISTS weather_parquet',
      `SELECT DISTINCT date_format(CAST(from_iso8601_timestamp("measurement_time") AS timestamp), '%Y-%m') AS "yr_mo_partition" FROM "stage_weather" ORDER BY 1`,
      'CREATE TABLE "weather_parquet"',
      "SELECT",
      expect.stringMatching(/^select count\(distinct city\) from "weather_parquet" where/),
      'CREATE OR REPLACE VIEW "weather_prod" AS',
      ...analyticsViewsOf("weather").map((v) => `CREATE OR REPLACE VIEW "${v.name}" AS`),
    ]);
    expect(merge.some((s) => /FROM "raw_weather"|FROM "clean_weather"/.test(s))).toBe(false);
  });

  it("incremental CTAS: the staged objects merged with production's rows of the months they touch", () => {
    const ctas = merge.find((s) => s.startsWith('CREATE TABLE "weather_parquet"'))!;
    expect(ctas).toMatch(/external_location = 's3:\/\/sluice-prod-prod\/weather_prod\/data\/r\d{8}t\d{6}z-[0-9a-f]{4}\/'/);
    golden("10-ctas-merge.sql", ctas.replace(/data\/r\d{8}t\d{6}z-[0-9a-f]{4}\//, "data/<run id>/"));
  });

  it("clean view", () => golden("01-clean-view.sql", find(/^CREATE OR REPLACE VIEW "clean_weather"/)));
  it("drop of the Parquet table before its rewrite", () => golden("02-drop-parquet-table.sql", find(/^DROP TABLE/)));
  it("months the staged objects touch", () => golden("03-months-of-stage.sql", find(/^SELECT DISTINCT date_format/)));
  it("first CTAS (no production yet): the staged objects into the run's own folder", () =>
    golden("03-ctas.sql", find(/^CREATE TABLE/).replace(/data\/r\d{8}t\d{6}z-[0-9a-f]{4}\//, "data/<run id>/")));

  it("DQ aggregate query and CustomSql of the default weather rules (compileRuleset, dialect athena)", () => {
    // The run's relation: the weather_parquet columns as the CTAS registered them, partition key last.
    const columns = [
      { name: "city", type: "string" as const },
      { name: "measurement_time", type: "timestamp" as const },
      { name: "temperature", type: "double" as const },
      { name: "collection_count", type: "bigint" as const },
      { name: "yr_mo_partition", type: "string" as const },
    ];
    const plan = compileRuleset(parseRuleset(weatherDataset.dqRules(FACTS)), { sql: '"weather_parquet"', columns }, { dialect: "athena", now: new Date("2024-11-25T10:00:00Z") });
    golden("04-dq-aggregate.sql", plan.aggregateSql);
    golden("05-dq-custom-sql.sql", plan.customQueries.map((q) => `-- ${q.key} (Rule_${q.ruleIndex + 1})\n${q.sql}`).join("\n\n"));
    expect(statements).toContain(plan.aggregateSql);
    expect(statements).toContain(plan.customQueries[0]!.sql);
  });

  it("production view switch", () => golden("06-prod-view-switch.sql", find(/^CREATE OR REPLACE VIEW "weather_prod"/)));
  it("months of all raw (a full refresh's batching), read off the raw rows: no grouping of history", () => golden("07-months.sql", monthsSql(weatherDataset)));
  it("filters raw rows by month before the grouping only when the time column is a key", () => {
    // A dataset keyed without its time: a key's collections may fall in different months, so the
    // month is the winning collection's and is filtered after the grouping (parquetSelectSql).
    const timeIsValue = { ...weatherDataset, transform: { ...weatherDataset.transform, keyColumns: ["city"] } };
    const month = `date_format(CAST(from_iso8601_timestamp("measurement_time") AS timestamp), '%Y-%m') IN ('2024-11')`;
    expect(cleanViewSql(weatherDataset, "stage_weather", ["2024-11"])).toContain(`WHERE ${month}`);
    expect(cleanViewSql(timeIsValue, "stage_weather", ["2024-11"])).not.toContain("WHERE");
    expect(cleanViewSql(timeIsValue, "stage_weather", ["2024-11"])).toBe(cleanViewSql(timeIsValue, "stage_weather"));
    expect(monthsSql(timeIsValue, "stage_weather")).toMatch(/^SELECT DISTINCT date_format\("measurement_time", '%Y-%m'\) AS "yr_mo_partition" FROM \(\nSELECT \*/);
  });

  it("batched merge: CTAS of the first 100 months, INSERT INTO for the next", () => {
    // Each batch's staged rows are filtered to its months before they are grouped (as the engine does).
    const incoming = (months: string[]) => ({ sql: cleanViewSql(weatherDataset, weatherDataset.tables.stage, months) });
    const location = "s3://sluice-prod-prod/weather_prod/data/<run id>/";
    const first = ["2024-10", "2024-11"];
    golden("08-ctas-first-batch.sql", ctasSql(weatherDataset, location, first, mergeSelectSql(weatherDataset, first, incoming(first), "weather_prod")));
    golden("09-insert-next-batch.sql", insertSql(weatherDataset, ["2024-12"], mergeSelectSql(weatherDataset, ["2024-12"], incoming(["2024-12"]), "weather_prod")));
  });
});
