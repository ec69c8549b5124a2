import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { StartQueryExecutionCommand } from "@aws-sdk/client-athena";
import { analyticsViewsOf } from "../../packages/core/src/analytics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileRuleset, parseRuleset } from "../../packages/core/src/dq";
import { weatherDataset } from "../../packages/core/src/pipeline/weather";
import { ctasSql, insertSql, monthsSql } from "../../packages/core/src/transform/athena-sql";
import { runPipeline } from "../../packages/functions/src/runner";
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
  if (update || !existsSync(path)) writeFileSync(path, text);
  expect(text, `${name} differs from the golden file; rerun with UPDATE_GOLDEN=1 if the change is intended`).toBe(readFileSync(path, "utf8"));
}

describe("golden Athena SQL of the weather pipeline", () => {
  const aws = fakeAws();
  let statements: string[] = [];

  beforeAll(async () => {
    const run = await runPipeline(aws.runtime, {
      parameters: { dataset: "weather", source: "synthetic", from: FACTS.from, to: FACTS.to, locations: [{ name: "Paris", latitude: 48.8566, longitude: 2.3522 }, { name: "London", latitude: 51.5074, longitude: -0.1278 }, { name: "Berlin", latitude: 52.52, longitude: 13.405 }], skipIngest: true },
    });
    if (run.status !== "succeeded") throw new Error(`the scripted run did not succeed: ${JSON.stringify(run.failure)}`);
    statements = aws.athena.mock.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input.QueryString!);
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
      'CREATE TABLE "weather_parquet"',
      "SELECT",
      expect.stringMatching(/^select count\(distinct city\) from "weather_parquet" where/),
      'CREATE OR REPLACE VIEW "weather_prod" AS',
      // then the analytics views over production (their SQL is golden in test/analytics/athena/)
      ...analyticsViewsOf("weather").map((v) => `CREATE OR REPLACE VIEW "${v.name}" AS`),
    ]);
  });

  it("clean view", () => golden("01-clean-view.sql", find(/^CREATE OR REPLACE VIEW "clean_weather"/)));
  it("drop of the Parquet table before its rewrite", () => golden("02-drop-parquet-table.sql", find(/^DROP TABLE/)));
  it("CTAS into the processed bucket", () => golden("03-ctas.sql", find(/^CREATE TABLE/)));

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
  it("months of the clean view (for batching past 100 partitions)", () => golden("07-months.sql", monthsSql(weatherDataset)));
  it("batched CTAS and INSERT INTO", () => {
    golden("08-ctas-first-batch.sql", ctasSql(weatherDataset, "s3://sluice-prod-processed/weather_parquet/", ["2024-10", "2024-11"]));
    golden("09-insert-next-batch.sql", insertSql(weatherDataset, ["2024-12"]));
  });
});
