import { GetQueryResultsCommand, StartQueryExecutionCommand } from "@aws-sdk/client-athena";
import { afterEach, describe, expect, it } from "vitest";
import { athenaBilledBytes, athenaQueryCostUsd } from "../../packages/core/src/aws/athena-cost";
import { toPositional } from "../../packages/core/src/aws/athena-parameters";
import { AthenaWarehouse } from "../../packages/core/src/aws/athena-warehouse";
import { ManualClock } from "../../packages/core/src/lake/clock";
import { QueryError } from "../../packages/core/src/query/query-engine";
import type { AthenaAnswer } from "./fake-athena";
import { FakeAthena } from "./fake-athena";

// Athena: GetQueryResults pages ≤ 1,000 rows and page 1 of a SELECT starts with a header row
// (https://docs.aws.amazon.com/athena/latest/APIReference/API_GetQueryResults.html); execution
// parameters are positional `?` (https://docs.aws.amazon.com/athena/latest/ug/querying-with-prepared-statements.html);
// pricing $5/TB, rounded up to 1 MB, 10 MB minimum (https://aws.amazon.com/athena/pricing/).

describe("AthenaWarehouse against Athena's documented protocol", () => {
  let athena: FakeAthena;
  afterEach(() => athena.mock.restore());

  function warehouse(answer: (sql: string, parameters: readonly string[]) => AthenaAnswer, options: { sleeps?: number[]; clock?: ManualClock; timeoutMs?: number } = {}) {
    athena = new FakeAthena(answer);
    return new AthenaWarehouse(athena.client, {
      workgroup: "sluice-prod",
      database: "sluice_prod",
      sleep: async (ms) => {
        options.sleeps?.push(ms);
        options.clock?.advance(ms);
      },
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
  }

  it("starts the query in the workgroup with Catalog AwsDataCatalog and the database, and `?` with quoted ExecutionParameters", async () => {
    // Prepare
    const wh = warehouse(() => ({ state: "SUCCEEDED", columns: [{ name: "n", type: "bigint" }], rows: [["1"]] }));
    // Act
    await wh.query(`SELECT count(*) AS n FROM "weather_prod" WHERE city = $city AND temperature > $t AND city <> 'costs $5' AND "$path" <> $city`, { city: "Côte d'Ivoire", t: -2.5 });
    // Assess
    const input = athena.mock.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      WorkGroup: "sluice-prod",
      QueryExecutionContext: { Catalog: "AwsDataCatalog", Database: "sluice_prod" },
      QueryString: `SELECT count(*) AS n FROM "weather_prod" WHERE city = ? AND temperature > ? AND city <> 'costs $5' AND "$path" <> ?`,
      ExecutionParameters: ["'Côte d''Ivoire'", "-2.5", "'Côte d''Ivoire'"],
    });
  });

  it("sends booleans, nulls, bigints and dates as Athena literals, and refuses a parameter with no value", () => {
    // Act
    const out = toPositional("SELECT 1 WHERE a = $a AND b = $b AND c = $c AND d = $d", { a: true, b: null, c: 2n ** 60n, d: new Date("2024-11-24T13:00:00Z") });
    // Assess
    expect(out.parameters).toEqual(["true", "NULL", "1152921504606846976", "TIMESTAMP '2024-11-24 13:00:00.000'"]);
    expect(() => toPositional("SELECT 1 WHERE a = $missing", {})).toThrow(QueryError);
  });

  it("skips the header row of page 1 only, across 2,500 rows in pages of 1,000", async () => {
    // Prepare
    const rows = Array.from({ length: 2500 }, (_, i) => [String(i)]);
    const wh = warehouse(() => ({ state: "SUCCEEDED", columns: [{ name: "i", type: "integer" }], rows }));
    // Act
    const result = await wh.query("SELECT i FROM t");
    // Assess
    const pages = athena.mock.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input);
    expect(pages.map((p) => [p.MaxResults, p.NextToken])).toEqual([[1000, undefined], [1000, "1000"], [1000, "2000"]]);
    expect(result.rows).toHaveLength(2500);
    expect(result.rows[0]).toEqual({ i: 0 });
    expect(result.rows[2499]).toEqual({ i: 2499 });
  });

  it("types values from ColumnInfo: numbers, booleans, ISO timestamps and dates, NULL for a missing VarCharValue", async () => {
    // Prepare
    const columns = ["bigint", "integer", "double", "decimal(10,2)", "boolean", "varchar", "timestamp", "date", "double", "bigint", "array(varchar)"].map((type, i) => ({ name: `c${i}`, type }));
    const wh = warehouse(() => ({
      state: "SUCCEEDED",
      columns,
      rows: [["42", "-7", "7.25", "1234.50", "true", "Paris", "2024-11-24 13:00:00.000", "2024-11-24", null, "9223372036854775807", "[a, b]"]],
      bytesScanned: 12_345_678,
    }));
    // Act
    const result = await wh.query("SELECT * FROM t");
    // Assess
    expect(result.rows[0]).toEqual({ c0: 42, c1: -7, c2: 7.25, c3: 1234.5, c4: true, c5: "Paris", c6: "2024-11-24T13:00:00.000Z", c7: "2024-11-24T00:00:00.000Z", c8: null, c9: "9223372036854775807", c10: "[a, b]" });
    expect(result.columns[3]).toEqual({ name: "c3", type: "decimal(10,2)" });
    expect(result.bytesScanned).toBe(12_345_678);
  });

  it("reads no header from a DDL statement's results", async () => {
    // Prepare: SHOW-like utility output has no header either
    const wh = warehouse(() => ({ state: "SUCCEEDED", statementType: "UTILITY", substatementType: "SHOW_TABLES", columns: [{ name: "tab_name", type: "varchar" }], rows: [["raw_weather"], ["weather_parquet"]] }));
    // Act
    const result = await wh.query("WITH x AS (SELECT 1) SELECT * FROM x");
    // Assess
    expect(result.rows).toEqual([{ tab_name: "raw_weather" }, { tab_name: "weather_parquet" }]);
  });

  it("rejects a FAILED query with QueryError naming the state, StateChangeReason and AthenaError message", async () => {
    // Prepare
    const wh = warehouse(() => ({
      state: "FAILED",
      reason: "HIVE_TOO_MANY_OPEN_PARTITIONS: Exceeded limit of 100 open writers for partitions/buckets",
      errorMessage: "HIVE_TOO_MANY_OPEN_PARTITIONS: Exceeded limit of 100 open writers for partitions/buckets. This query ran against the \"sluice\" database.",
    }));
    // Act
    const error = await wh.execute("CREATE TABLE x WITH (format = 'PARQUET') AS SELECT 1").catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(QueryError);
    expect((error as Error).message).toBe(
      'Athena query qe-1 FAILED: HIVE_TOO_MANY_OPEN_PARTITIONS: Exceeded limit of 100 open writers for partitions/buckets — HIVE_TOO_MANY_OPEN_PARTITIONS: Exceeded limit of 100 open writers for partitions/buckets. This query ran against the "sluice" database.',
    );
  });

  it("rejects a CANCELLED query with QueryError naming the state and reason", async () => {
    // Prepare
    const wh = warehouse(() => ({ state: "CANCELLED", reason: "Query was cancelled by user" }));
    // Act / Assess
    await expect(wh.query("SELECT 1")).rejects.toThrow("Athena query qe-1 CANCELLED: Query was cancelled by user");
  });

  it("polls with exponential back-off and stops a query that outlives the timeout", async () => {
    // Prepare
    const sleeps: number[] = [];
    const clock = new ManualClock(0);
    const wh = warehouse(() => ({ state: "SUCCEEDED" }), { sleeps, clock, timeoutMs: 10_000 });
    athena.runningPolls = 1000;
    // Act
    const error = await wh.query("SELECT 1").catch((e: unknown) => e);
    // Assess
    expect(sleeps).toEqual([250, 500, 1000, 2000, 4000, 5000]);
    expect((error as Error).message).toBe("Athena query qe-1 was still RUNNING after 10 s and was stopped");
    expect(athena.stopped).toEqual(["qe-1"]);
  });

  it("reports rows written by a CTAS from runtime statistics, and by an INSERT from UpdateCount when statistics are missing", async () => {
    // Prepare
    const wh = warehouse((sql) =>
      sql.startsWith("CREATE")
        ? { state: "SUCCEEDED", statementType: "DDL", substatementType: "CREATE_TABLE_AS_SELECT", bytesScanned: 5000, outputRows: 504 }
        : sql.startsWith("INSERT")
          ? { state: "SUCCEEDED", statementType: "DML", substatementType: "INSERT", bytesScanned: 7000, updateCount: 96 }
          : { state: "SUCCEEDED", statementType: "DDL", substatementType: "DROP_TABLE" },
    );
    // Act
    const ctas = await wh.execute(`CREATE TABLE "weather_parquet" WITH (format = 'PARQUET') AS SELECT 1`);
    const insert = await wh.execute(`INSERT INTO "weather_parquet" SELECT 1`);
    const drop = await wh.execute(`DROP TABLE IF EXISTS "weather_parquet"`);
    // Assess
    expect([ctas, insert, drop]).toEqual([{ bytesScanned: 5000, rowsWritten: 504 }, { bytesScanned: 7000, rowsWritten: 96 }, { bytesScanned: 0 }]);
  });

  it("prices a query at $5/TB, rounded up to the megabyte, 10 MB minimum", () => {
    // Assess
    expect(athenaBilledBytes(0)).toBe(10 * 2 ** 20);
    expect(athenaBilledBytes(10 * 2 ** 20 + 1)).toBe(11 * 2 ** 20);
    expect(athenaQueryCostUsd(2 ** 40)).toBe(5);
    expect(athenaQueryCostUsd(1)).toBeCloseTo((10 / 2 ** 20) * 5, 12);
  });
});
