import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { athenaMacrosSql, translateAthenaSql } from "../../packages/core/src/sql";

// Athena (Trino) names a select item without an alias `_col<position>`:
// https://docs.aws.amazon.com/athena/latest/ug/select.html ("… the column name is _col0, _col1 …")
describe("result column names as Athena gives them", () => {
  let db: DuckDBInstance;
  let columns: (sql: string) => Promise<string[]>;
  beforeAll(async () => {
    db = await DuckDBInstance.create(":memory:");
    const conn = await db.connect();
    for (const statement of athenaMacrosSql()) await conn.run(statement);
    await conn.run("CREATE TABLE t AS SELECT 'Paris' AS city, 1.5 AS temperature, TIMESTAMP '2024-11-24 10:00:00' AS measurement_time");
    columns = async (sql) => (await conn.runAndReadAll(translateAthenaSql(sql).sql)).columnNames();
  });
  afterAll(() => db.closeSync());

  it("names unaliased expressions _col<N> by position", async () => {
    expect(await columns("SELECT count(*) FROM t")).toEqual(["_col0"]);
    expect(await columns("SELECT city, count(*), avg(temperature) AS a FROM t GROUP BY city")).toEqual(["city", "_col1", "a"]);
    expect(await columns("SELECT DISTINCT temperature + 1 FROM t")).toEqual(["_col0"]);
    expect(await columns("SELECT 1, 'x'")).toEqual(["_col0", "_col1"]);
  });

  it("keeps column references, implicit aliases, quoted aliases and stars", async () => {
    expect(await columns("SELECT t.city, temperature t2, CAST(temperature AS integer) \"Whole\" FROM t")).toEqual(["city", "t2", "Whole"]);
    expect(await columns("SELECT * FROM t")).toEqual(["city", "temperature", "measurement_time"]);
  });

  it("does not mistake keywords for aliases", async () => {
    expect(await columns("SELECT CASE WHEN temperature > 1 THEN 'warm' END, temperature IS NULL, measurement_time + INTERVAL '1' DAY FROM t")).toEqual(["_col0", "_col1", "_col2"]);
    expect(await columns("SELECT avg(temperature) OVER (PARTITION BY city) FROM t")).toEqual(["_col0"]);
    // Trino names `a IS DISTINCT FROM b` like any other expression (the FROM is not the query's).
    expect(await columns("SELECT city IS DISTINCT FROM 'Paris', temperature IS NOT DISTINCT FROM 1.5 FROM t")).toEqual(["_col0", "_col1"]);
    expect(await columns("SELECT 1 IS DISTINCT FROM 2")).toEqual(["_col0"]);
  });

  it("names the outer query of a WITH, not the CTE's", async () => {
    expect(await columns("WITH c AS (SELECT count(*) AS n FROM t) SELECT n * 2 FROM c")).toEqual(["_col0"]);
  });
});
