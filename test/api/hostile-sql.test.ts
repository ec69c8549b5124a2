import { homedir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ErrorBody } from "../../packages/core/src/api/errors";
import type { LocalRuntime } from "../../packages/core/src/runtime/local";
import { authJson, disposeRuntime, localApp, publishDemoWeek, tempRuntime } from "./lake";

/**
 * POST /query under hostile SQL: the read-only check is an allow-list (catalog tables and views,
 * CTEs, Athena functions), so every DuckDB way of reaching files, settings or its own catalogs is
 * a 400 naming what was refused.
 */
describe("POST /query refuses SQL that reaches past the catalog", () => {
  let runtime: LocalRuntime;
  let app: Awaited<ReturnType<typeof localApp>>["app"];
  let lake: string;
  let database: string;

  beforeAll(async () => {
    runtime = await tempRuntime("hostile");
    await publishDemoWeek(runtime);
    ({ app } = await localApp(runtime));
    lake = runtime.options.lake;
    database = runtime.options.pipeline.glueDatabase;
  });
  afterAll(() => disposeRuntime(runtime));

  async function post(sql: string): Promise<{ status: number; text: string }> {
    const res = await app.request("/query", { method: "POST", headers: authJson(), body: JSON.stringify({ sql }) });
    return { status: res.status, text: await res.text() };
  }

  // [sql, a word the 400 must name]; <lake> is the lake's absolute path.
  const HOSTILE: readonly (readonly [string, string])[] = [
    ["SELECT * FROM system.main.read_text('<lake>/_catalog/*')", "read_text"],
    ["SELECT * FROM system.main.read_json_auto('<lake>/_catalog/*')", "read_json_auto"],
    ["SELECT * FROM system.main.read_csv('<lake>/raw/**/*.gz')", "read_csv"],
    ["SELECT * FROM main.glob('<lake>/**')", "glob"],
    ["SELECT * FROM system.main.duckdb_settings()", "duckdb_settings"],
    ["SELECT * FROM duckdb_settings()", "duckdb_settings"],
    ["SELECT * FROM read_text('<lake>/_catalog/*')", "read_text"],
    ['SELECT * FROM "system"."main"."read_text"(\'<lake>/_catalog/*\')', "read_text"],
    ["select * from SYSTEM.MAIN.READ_TEXT('<lake>/_catalog/*')", "read_text"],
    ["SELECT * FROM system /* a */ . /* b */ main -- c\n . read_text ('<lake>/_catalog/*')", "read_text"],
    ["SELECT * FROM weather_prod, read_csv('<lake>/raw/**/*.gz')", "read_csv"],
    ["SELECT * FROM weather_prod w JOIN read_csv('<lake>/raw/**/*.gz') r ON true", "read_csv"],
    ["SELECT main.glob('<lake>/**')", "glob"],
    ['SELECT "system"."main"."read_text"(\'<lake>/x\')', "read_text"],
    ["SELECT 'x'.upper()", "upper"],
    ["SELECT current_setting('home_directory')", "current_setting"],
    ["SELECT getenv('HOME')", "getenv"],
    ["SELECT * FROM information_schema.tables", "information_schema.tables"],
    ["SELECT * FROM pg_catalog.pg_class", "pg_catalog.pg_class"],
    ["SELECT * FROM pg_class", "pg_class"],
    ["SELECT * FROM duckdb_tables", "duckdb_tables"],
    ["SELECT * FROM temp.main.weather_prod", "temp.main.weather_prod"],
    ["SELECT * FROM memory.main.weather_prod", "memory.main.weather_prod"],
    ["SELECT * FROM (SUMMARIZE pg_class)", "SUMMARIZE"],
    ["SELECT * FROM (SHOW TABLES)", "SHOW"],
    ["SELECT * FROM (FROM pg_class)", "FROM"],
    ["SELECT * FROM (DESCRIBE weather_prod)", "DESCRIBE"],
    ["SELECT 1 WHERE 1 IN (PRAGMA database_list)", "PRAGMA"],
    // A CTE's own name inside its body is the outer relation (not recursive): still checked.
    ["WITH pg_class AS (SELECT * FROM pg_class) SELECT * FROM pg_class", "pg_class"],
    ["WITH RECURSIVE pg_class AS (SELECT * FROM pg_class) SELECT * FROM pg_class", "pg_class"],
    // A CTE is in scope only in its own query.
    ["SELECT * FROM (WITH pg_class AS (SELECT 1 AS x) SELECT * FROM pg_class) a, pg_class", "pg_class"],
    ["SELECT * FROM '<lake>/raw/x.gz'", "string"],
    ['SELECT * FROM "<lake>/raw/x.parquet"', "file path"],
    // Trino's unicode escapes are not understood by the tokenizer: refused, not passed through.
    ["SELECT * FROM U&\"read\\005ftext\"('<lake>/x')", "&"],
    ["SELECT U&'\\0041'", "&"],
  ];

  it.each(HOSTILE)("refuses %s with 400 naming %s", async (template, named) => {
    // Act
    const { status, text } = await post(template.replaceAll("<lake>", lake));

    // Assess
    expect(status).toBe(400);
    const error = (JSON.parse(text) as ErrorBody).error;
    expect(error.field).toBe("sql");
    expect(["invalid_query", "invalid_input"]).toContain(error.code);
    expect(error.message).toContain(named);
    expect(text).not.toContain(lake);
  });

  it("still answers catalog tables by bare, database-qualified and fully qualified name, CTEs and recursive CTEs", async () => {
    for (const sql of [
      "SELECT count(*) AS n FROM weather_prod",
      `SELECT count(*) AS n FROM ${database}.weather_prod`,
      `SELECT count(*) AS n FROM "awsdatacatalog"."${database}"."weather_prod"`,
      "WITH w AS (SELECT city FROM weather_prod) SELECT count(*) AS n FROM w",
      "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 504) SELECT max(n) AS n FROM r",
      "SELECT count(*) AS n FROM (SELECT * FROM weather_prod) t",
    ]) {
      // Act
      const { status, text } = await post(sql);

      // Assess
      expect(status, `${sql}: ${text}`).toBe(200);
      expect((JSON.parse(text) as { rows: { n: number }[] }).rows, sql).toEqual([{ n: 504 }]);
    }
  });

  it("says DuckDB's errors in Athena's words: no LINE excerpt of the wrapper SQL, no absolute path", async () => {
    for (const [sql, name] of [
      ["SELECT CAST('x' AS integer) AS v FROM weather_prod", "INVALID_CAST_ARGUMENT"],
      ["SELECT temperature + 'x' AS v FROM weather_prod", "INVALID_CAST_ARGUMENT"],
      ["SELECT city FROM weather_prod GROUP BY 1 HAVING temperature > 1", "SYNTAX_ERROR"],
    ] as const) {
      // Act
      const { status, text } = await post(sql);

      // Assess
      expect(status, text).toBe(400);
      expect(text, sql).toContain(name);
      expect(text, sql).not.toMatch(/LINE \d+:/);
      expect(text, sql).not.toContain(homedir());
      expect(text, sql).not.toContain(lake);
    }
  });

  it("never returns the lake's absolute path in rows or errors", async () => {
    for (const sql of ["SELECT * FROM weather_prod LIMIT 50", "SELECT * FROM weather_prod WHERE no_such_column = 1", "SELECT CAST('x' AS integer)"]) {
      // Act
      const { text } = await post(sql);

      // Assess
      expect(text, sql).not.toContain(lake);
    }
  });
});
