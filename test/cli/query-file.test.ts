import { spawnSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { splitSqlStatements } from "../../packages/core/src/query/sql-script";
import { removeLake, runWeek, sluice, tempLake } from "./sluice";

const ROOT = join(__dirname, "..", "..");

describe("splitSqlStatements", () => {
  it("splits at each ; outside strings, quoted names and comments, and drops empty statements", () => {
    // Prepare
    const script = [
      "-- a header; not a statement",
      "SELECT 'a;b' AS \"x;y\"; /* c; d */",
      "",
      "SELECT 'it''s; fine' -- trailing; comment",
      ";;",
      "  SELECT 3",
    ].join("\n");

    // Act
    const statements = splitSqlStatements(script);

    // Assess
    expect(statements).toEqual([
      { sql: `SELECT 'a;b' AS "x;y"`, line: 2 },
      { sql: "SELECT 'it''s; fine' -- trailing; comment", line: 4 },
      { sql: "SELECT 3", line: 6 },
    ]);
  });

  it("keeps an unterminated string to the end, as one statement that will fail alone", () => {
    expect(splitSqlStatements("SELECT 1; SELECT 'open; SELECT 2")).toEqual([
      { sql: "SELECT 1", line: 1 },
      { sql: "SELECT 'open; SELECT 2", line: 1 },
    ]);
  });

  it("finds no statement in comments and whitespace only", () => {
    expect(splitSqlStatements("-- nothing\n/* here; */\n ; \n")).toEqual([]);
  });
});

describe("sluice query --file", () => {
  let lake: string;
  let file: string;
  const script = [
    "-- checks over the seed week",
    "SELECT count(*) AS n, min(measurement_time) AS first FROM weather_prod;",
    "SELECT * FROM no_such_table;",
    "SELECT 'a;b' AS s, 37.7E0 AS d, DECIMAL '1.50' AS m, DATE '2024-11-24' AS day, true AS ok, CAST(NULL AS varchar) AS nothing;",
    "SELECT 17 / 0 AS boom;",
    "SELECT ARRAY[1, 2] AS a /* last; */",
  ].join("\n");

  beforeAll(async () => {
    lake = await tempLake("query-file");
    const run = await runWeek(lake);
    if (run.code !== 0) throw new Error(run.out + run.err);
    file = join(lake, "checks.sql");
    await writeFile(file, script);
  });
  afterAll(() => removeLake(lake));

  it("prints one JSON line per statement with Athena's types and text, goes on after a failure, and exits 2", async () => {
    // Act
    const result = await sluice("query", "--lake", lake, "--file", file, "--format", "jsonl");

    // Assess
    expect(result.code, result.err).toBe(2);
    const lines = result.out.trimEnd().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      {
        sql: "SELECT count(*) AS n, min(measurement_time) AS first FROM weather_prod",
        columns: [
          { name: "n", type: "bigint" },
          { name: "first", type: "timestamp" },
        ],
        rows: [["504", "2024-11-24 00:00:00.000"]],
      },
      {
        sql: "SELECT * FROM no_such_table",
        error: { code: "TABLE_NOT_FOUND", message: expect.stringMatching(/^TABLE_NOT_FOUND: Table 'awsdatacatalog\.sluice\.no_such_table' does not exist/) },
      },
      {
        sql: "SELECT 'a;b' AS s, 37.7E0 AS d, DECIMAL '1.50' AS m, DATE '2024-11-24' AS day, true AS ok, CAST(NULL AS varchar) AS nothing",
        columns: [
          { name: "s", type: "varchar" },
          { name: "d", type: "double" },
          { name: "m", type: "decimal(3,2)" },
          { name: "day", type: "date" },
          { name: "ok", type: "boolean" },
          { name: "nothing", type: "varchar" },
        ],
        rows: [["a;b", "37.7", "1.50", "2024-11-24", "true", null]],
      },
      // Trino: "Division by zero" with the error name DIVISION_BY_ZERO (TestIntegerOperators testDivide)
      { sql: "SELECT 17 / 0 AS boom", error: { code: "DIVISION_BY_ZERO", message: "DIVISION_BY_ZERO: Division by zero" } },
      { sql: "SELECT ARRAY[1, 2] AS a /* last; */", columns: [{ name: "a", type: "array(integer)" }], rows: [["[1, 2]"]] },
    ]);
    expect(result.err).toMatch(/^5 statements, 2 failed; data scanned: [\d.]+ (B|KB)\n$/);
  });

  it("refuses a statement that is not a read-only query, and SQL the twin does not support, each by name", async () => {
    // Prepare
    const path = join(lake, "refused.sql");
    await writeFile(path, "CREATE VIEW v AS SELECT 1; SELECT strftime(now(), '%Y'); SELECT 1 AS one");

    // Act
    const result = await sluice("query", "--lake", lake, "--file", path, "--format", "jsonl");

    // Assess
    const lines = result.out.trimEnd().split("\n").map((line) => JSON.parse(line) as { error?: { code: string; message: string } });
    expect(result.code).toBe(2);
    expect(lines[0]!.error).toEqual({ code: "NOT_SUPPORTED", message: "only SELECT and WITH queries are read-only; this is a create view statement" });
    expect(lines[1]!.error).toMatchObject({ code: "NOT_SUPPORTED", message: expect.stringContaining('unsupported Athena function "strftime"') });
    expect(lines[2]).toEqual({ sql: "SELECT 1 AS one", columns: [{ name: "one", type: "integer" }], rows: [["1"]] });
  });

  it("exits 0 when every statement succeeds", async () => {
    // Prepare
    const path = join(lake, "ok.sql");
    await writeFile(path, "SELECT 1 AS a; SELECT count(DISTINCT city) AS cities FROM weather_prod;");

    // Act
    const result = await sluice("query", "--lake", lake, "--file", path, "--format", "jsonl");

    // Assess
    expect(result.code, result.err).toBe(0);
    expect(result.out.trimEnd().split("\n").map((line) => (JSON.parse(line) as { rows: unknown }).rows)).toEqual([[["1"]], [["3"]]]);
  });

  it("prints each result in turn in the table format, and each failure on stderr with its statement and line", async () => {
    // Act
    const result = await sluice("query", "--lake", lake, "--file", file);

    // Assess
    expect(result.code).toBe(2);
    expect(result.out).toMatch(/^\s*n\s+first\n[- ]+\n504\s+2024-11-24T00:00:00\.000Z\n1 row; data scanned: .*\n\ns\s+d\s+m/);
    expect(result.out).toMatch(/\n\na\n-+\n\[1,2\]\n1 row;/);
    expect(result.err).toContain("sluice: statement 2 (line 3): TABLE_NOT_FOUND:");
    expect(result.err).toContain("sluice: statement 4 (line 5): DIVISION_BY_ZERO: Division by zero");
  });

  it("prints each result in turn as JSON arrays with --format json", async () => {
    // Prepare
    const path = join(lake, "two.sql");
    await writeFile(path, "SELECT 1 AS a; SELECT 'x' AS b");

    // Act
    const result = await sluice("query", "--lake", lake, "--file", path, "--format", "json");

    // Assess
    expect(result.code, result.err).toBe(0);
    expect(result.out).toBe(`${JSON.stringify([{ a: 1 }], null, 2)}\n${JSON.stringify([{ b: "x" }], null, 2)}\n`);
  });

  it("prints one JSON line for a query given on the command line with --format jsonl", async () => {
    // Act
    const result = await sluice("query", "--lake", lake, "--format", "jsonl", "SELECT count(*) AS n FROM weather_prod");

    // Assess
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toEqual({ sql: "SELECT count(*) AS n FROM weather_prod", columns: [{ name: "n", type: "bigint" }], rows: [["504"]] });
  });

  it.each([
    { what: "both a query and --file", args: (f: string) => ["SELECT 1", "--file", f], message: /give either a SQL query or --file FILE \(not both\)/ },
    { what: "neither a query nor --file", args: () => [], message: /give either a SQL query or --file FILE/ },
    { what: "a --file that does not exist", args: (f: string) => ["--file", `${f}.missing`], message: /cannot read --file .*checks\.sql\.missing: ENOENT/ },
  ])("exits 2 on $what", async ({ args, message }) => {
    // Act
    const result = await sluice("query", "--lake", lake, ...args(file));

    // Assess
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
    expect(result.out).toBe("");
  });

  it("exits 2 on a file without any statement", async () => {
    // Prepare
    const path = join(lake, "empty.sql");
    await writeFile(path, "-- nothing to run\n");

    // Act
    const result = await sluice("query", "--lake", lake, "--file", path);

    // Assess
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/empty\.sql holds no SQL statement/);
  });

  it("reads the statements from standard input with --file - (a real process)", () => {
    // Act
    const child = spawnSync(process.execPath, [join(ROOT, "bin", "sluice.js"), "query", "--lake", lake, "--file", "-", "--format", "jsonl"], {
      input: "SELECT count(*) AS n FROM weather_prod;\nSELECT nope FROM weather_prod;\n",
      encoding: "utf8",
      env: { ...process.env, SLUICE_LOG_LEVEL: "silent" },
      timeout: 60_000,
    });

    // Assess
    expect(child.status, child.stderr).toBe(2);
    const lines = child.stdout.trimEnd().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]).toEqual({ sql: "SELECT count(*) AS n FROM weather_prod", columns: [{ name: "n", type: "bigint" }], rows: [["504"]] });
    expect(lines[1]).toEqual({ sql: "SELECT nope FROM weather_prod", error: { code: "COLUMN_NOT_FOUND", message: "COLUMN_NOT_FOUND: Column 'nope' cannot be resolved" } });
    expect(child.stderr).toContain("2 statements, 1 failed");
  });

  it("documents --file, jsonl and the exit codes in its --help", async () => {
    // Act
    const result = await sluice("query", "--help");

    // Assess
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^Usage: sluice query \[options\] \[sql\]/);
    expect(result.out).toContain("--file <path>");
    expect(result.out).toContain('choices: "table", "json", "csv", "jsonl"');
    expect(result.out).toContain('{"sql": "…", "error": {"code": "TABLE_NOT_FOUND", "message": "…"}}');
    expect(result.out).toContain("2  bad arguments or input");
    expect(result.out).toContain("2 also when any statement of the query or the file failed");
  });
});
