import { describe, expect, it } from "vitest";
import { compileRuleset, parseRuleset, type DqRelation } from "../../packages/core/src/dq";

// What would run on Athena (Trino SQL) for a representative ruleset, kept as golden text so a
// reviewer reads exactly the statements. FILTER on aggregates is Trino syntax too
// (https://trino.io/docs/current/functions/aggregate.html#filtering-during-aggregation);
// `regexp_like` is Trino's regex function (https://trino.io/docs/current/functions/regexp.html).
const RELATION: DqRelation = {
  sql: '"sluice"."weather_parquet"',
  columns: [
    { name: "city", type: "string" },
    { name: "measurement_time", type: "timestamp" },
    { name: "temperature", type: "double" },
    { name: "collection_count", type: "bigint" },
  ],
};

const RULES = parseRuleset(`Rules = [
    RowCount > 0,
    IsComplete "city",
    ColumnValues "temperature" between -90 and 60,
    IsPrimaryKey "city" "measurement_time",
    DistinctValuesCount "city" >= 3 where "measurement_time >= TIMESTAMP '2024-01-01 00:00:00'",
    Completeness "temperature" >= 0.95 where "measurement_time >= TIMESTAMP '2024-01-01 00:00:00'",
    ColumnValues "city" matches "[A-Z][a-z]+",
    DataFreshness "measurement_time" <= 24 hours,
    Mean "temperature" between -10 and 40,
    ColumnValues "collection_count" <= 3 labels=["severity"="warning"],
    CustomSql "select count(*) from primary where temperature > 60" = 0
]`);

describe("Athena SQL of a ruleset", () => {
  const plan = compileRuleset(RULES, RELATION, { dialect: "athena", now: new Date("2024-01-08T00:00:00Z") });

  it("puts every aggregate metric into one statement", () => {
    expect(plan.aggregateSql).toMatchInlineSnapshot(`
      "SELECT
        count(*) AS "m0",
        count(*) FILTER (WHERE "city" IS NOT NULL) AS "m1",
        count(*) FILTER (WHERE "temperature" > -90 AND "temperature" < 60) AS "m2",
        count(DISTINCT ("city", "measurement_time")) AS "m3",
        count(*) FILTER (WHERE "measurement_time" IS NOT NULL) AS "m4",
        count(*) FILTER (WHERE measurement_time >= TIMESTAMP '2024-01-01 00:00:00') AS "m5",
        count(DISTINCT CASE WHEN measurement_time >= TIMESTAMP '2024-01-01 00:00:00' THEN "city" END) AS "m6",
        count(*) FILTER (WHERE (measurement_time >= TIMESTAMP '2024-01-01 00:00:00') AND ("temperature" IS NOT NULL)) AS "m7",
        count(*) FILTER (WHERE regexp_like("city", '^(?:[A-Z][a-z]+)$')) AS "m8",
        count(*) FILTER (WHERE "measurement_time" >= TIMESTAMP '2024-01-07 00:00:00') AS "m9",
        avg("temperature") AS "m10",
        count(*) FILTER (WHERE "collection_count" <= 3) AS "m11",
        count(*) FILTER (WHERE (NOT coalesce("city" IS NOT NULL, false)) OR (NOT coalesce("temperature" > -90 AND "temperature" < 60, false)) OR ((measurement_time >= TIMESTAMP '2024-01-01 00:00:00') AND (NOT coalesce("temperature" IS NOT NULL, false))) OR (NOT coalesce(regexp_like("city", '^(?:[A-Z][a-z]+)$'), false)) OR (NOT coalesce("measurement_time" >= TIMESTAMP '2024-01-07 00:00:00', false)) OR (NOT coalesce("collection_count" <= 3, false))) AS "m12"
      FROM "sluice"."weather_parquet""
    `);
  });

  it("runs CustomSql on the relation in place of primary", () => {
    expect(plan.customQueries.map((q) => q.sql)).toMatchInlineSnapshot(`
      [
        "select count(*) from "sluice"."weather_parquet" where temperature > 60",
      ]
    `);
  });

  it("fetches sample failing rows and duplicate keys with small follow-up statements", () => {
    expect([3, 4].map((i) => plan.rules[i - 1]!.sampleSql(5))).toMatchInlineSnapshot(`
      [
        "SELECT * FROM "sluice"."weather_parquet" WHERE NOT coalesce("temperature" > -90 AND "temperature" < 60, false) LIMIT 5",
        "SELECT "city", "measurement_time", count(*) AS "duplicate_count" FROM "sluice"."weather_parquet" GROUP BY "city", "measurement_time" HAVING count(*) > 1 OR "city" IS NULL OR "measurement_time" IS NULL ORDER BY count(*) DESC LIMIT 5",
      ]
    `);
  });

  it("differs from the DuckDB text only where the engines differ (regular expressions)", () => {
    const duck = compileRuleset(RULES, RELATION, { dialect: "duckdb", now: new Date("2024-01-08T00:00:00Z") });

    expect(duck.aggregateSql).toContain(`regexp_full_match("city", '[A-Z][a-z]+')`);
    expect(duck.aggregateSql.replaceAll(`regexp_full_match("city", '[A-Z][a-z]+')`, () => `regexp_like("city", '^(?:[A-Z][a-z]+)$')`)).toBe(plan.aggregateSql);
  });
});
