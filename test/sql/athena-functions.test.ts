import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openAthenaDuckDb, type AthenaDuckDb } from "./athena-duckdb";

// Each expectation is Trino's documented result: https://trino.io/docs/current/functions.html
describe("Athena function semantics on DuckDB", () => {
  let db: AthenaDuckDb;
  const one = async (expression: string): Promise<unknown> => {
    const [row] = await db.athena(`SELECT ${expression} AS v`);
    return row!.v;
  };

  beforeAll(async () => {
    db = await openAthenaDuckDb();
  });
  afterAll(() => db.close());

  it("divides integers as integers, truncating toward zero, and decimals/doubles exactly", async () => {
    // Act / Assess: https://trino.io/docs/current/functions/math.html#mathematical-operators
    expect(await one("5 / 2")).toBe(2);
    expect(await one("-5 / 2")).toBe(-2);
    expect(await one("5 / 2.0")).toBe("2.5"); // a DECIMAL, as in Trino
    expect(await one("CAST(5 AS DOUBLE) / 2")).toBe(2.5);
    expect(await one("mod(-5, 2)")).toBe(-1);
  });

  it("rounds half away from zero in ROUND and in casts of doubles to integers", async () => {
    // Act / Assess
    expect(await one("ROUND(2.5)")).toBe("3");
    expect(await one("ROUND(-2.5)")).toBe("-3");
    expect(await one("ROUND(CAST(0.125 AS DOUBLE), 2)")).toBe(0.13);
    expect(await one("CAST(CAST(2.5 AS DOUBLE) AS BIGINT)")).toBe("3");
    expect(await one("CAST(CAST(-2.5 AS DOUBLE) AS INTEGER)")).toBe(-3);
    expect(await one("TRY_CAST('x' AS BIGINT)")).toBeNull();
    expect(await one("CAST(9007199254740993 AS BIGINT)")).toBe("9007199254740993");
  });

  it("counts date_diff as whole units from the first to the second argument", async () => {
    // Act / Assess: 00:30 → 01:29 is 59 minutes, so 0 hours (DuckDB's own date_diff says 1).
    expect(await one("date_diff('hour', TIMESTAMP '2025-01-01 00:30:00', TIMESTAMP '2025-01-01 01:29:00')")).toBe("0");
    expect(await one("date_diff('day', DATE '2025-01-05', DATE '2025-01-01')")).toBe("-4");
    expect(await one("date_diff('day', DATE '2025-01-01', DATE '2025-01-05')")).toBe("4");
  });

  it("numbers day_of_week from 1 = Monday to 7 = Sunday", async () => {
    // Act / Assess: 2025-01-05 was a Sunday, 2025-01-06 a Monday.
    expect(await one("day_of_week(DATE '2025-01-05')")).toBe("7");
    expect(await one("dow(DATE '2025-01-06')")).toBe("1");
    expect(await one("EXTRACT(DAY_OF_WEEK FROM DATE '2025-01-05')")).toBe("7");
  });

  it("keeps the input type in date_trunc and date_add", async () => {
    // Act
    const [row] = await db.athena(`SELECT date_trunc('month', DATE '2025-01-15') AS d,
      date_trunc('hour', TIMESTAMP '2025-01-15 10:11:12') AS t,
      date_add('month', 1, DATE '2025-01-31') AS m,
      date_add('hour', -3, TIMESTAMP '2025-01-01 01:00:00') AS h`);
    // Assess: a DATE stays a DATE (no time part); month arithmetic clamps to the month's end.
    expect(row).toEqual({ d: "2025-01-01", t: "2025-01-15 10:00:00", m: "2025-02-28", h: "2024-12-31 22:00:00" });
  });

  it("formats with Trino's MySQL-style and Joda specifiers", async () => {
    // Act / Assess
    expect(await one("date_format(TIMESTAMP '2025-01-05 13:04:05', '%Y-%m-%d %H:%i:%s %W %M %b %a %j %p %T %e %c')"))
      .toBe("2025-01-05 13:04:05 Sunday January Jan Sun 005 PM 13:04:05 5 1");
    expect(await one("format_datetime(TIMESTAMP '2025-01-05 13:04:05', 'yyyy-MM-dd''T''HH:mm')")).toBe("2025-01-05T13:04");
    expect(await one("date_parse('2025/01/05 13', '%Y/%m/%d %H')")).toBe("2025-01-05 13:00:00");
  });

  it("converts ISO-8601 text and unix time in UTC", async () => {
    // Act / Assess
    expect(await one("to_unixtime(from_iso8601_timestamp('2025-01-01T00:00:00Z'))")).toBe(1735689600);
    // Trino keeps +02:00 as the value's zone (hour() = 2); the twin's TIMESTAMPTZ is UTC only.
    await expect(one("to_unixtime(from_iso8601_timestamp('2025-01-01T02:00:00+02:00'))")).rejects.toThrow(/UTC offset other than Z/);
    expect(await one("to_iso8601(from_unixtime(0))")).toBe("1970-01-01T00:00:00.000Z");
    expect(await one("to_iso8601(from_iso8601_date('2025-03-04'))")).toBe("2025-03-04");
    expect(await one("hour(from_unixtime(3600))")).toBe("1");
    expect(await one("millisecond(TIMESTAMP '2025-01-01 00:00:07.123')")).toBe("123");
  });

  it("adds interval literals and compares with current_date/current_timestamp", async () => {
    // Act / Assess
    expect(await one("TIMESTAMP '2025-01-01 00:00:00' + INTERVAL '3' HOUR")).toBe("2025-01-01 03:00:00");
    // Trino: DATE + INTERVAL is a DATE.
    expect(await one("DATE '2025-01-01' + INTERVAL '1' DAY")).toBe("2025-01-02");
    expect(await one("current_date > DATE '2020-01-01' AND now() <= current_timestamp + INTERVAL '1' MINUTE")).toBe(true);
  });

  it("returns NULL where Trino does: concat, greatest, split_part, regexp_extract", async () => {
    // Act / Assess: DuckDB's own versions skip NULLs or return ''.
    expect(await one("concat('a', NULL)")).toBeNull();
    expect(await one("concat('a', 'b', 'c')")).toBe("abc");
    expect(await one("greatest(1, NULL)")).toBeNull();
    expect(await one("least(3, 1, 2)")).toBe(1);
    expect(await one("split_part('a,b', ',', 3)")).toBeNull();
    expect(await one("split_part('a,b', ',', 2)")).toBe("b");
    expect(await one("regexp_extract('abc', 'x')")).toBeNull();
    expect(await one("regexp_extract('a1b22', '[0-9]+')")).toBe("1");
  });

  it("replaces every regex match with Java-style group references", async () => {
    // Act / Assess
    expect(await one("regexp_replace('aaa', 'a', 'b')")).toBe("bbb");
    expect(await one("regexp_replace('2025-01', '(\\d+)-(\\d+)', '$2/$1')")).toBe("01/2025");
    expect(await one("regexp_like('abc', 'b')")).toBe(true);
  });

  it("runs conditionals, strings and arrays the Trino way", async () => {
    // Act / Assess
    expect(await one("if(1 > 2, 'yes', 'no')")).toBe("no");
    expect(await one("if(1 > 2, 'yes')")).toBeNull();
    expect(await one("CASE WHEN 1 = 1 THEN upper('a') || lower('B') END")).toBe("Ab");
    expect(await one("coalesce(NULLIF(1, 1), 7)")).toBe(7);
    expect(await one("element_at(ARRAY[10, 20, 30], -1)")).toBe(30);
    expect(await one("element_at(ARRAY[10, 20, 30], 5)")).toBeNull();
    expect(await one("cardinality(ARRAY[10, 20, 30])")).toBe("3");
    expect(await one("CAST('abcdef' AS VARCHAR(3))")).toBe("abc");
    expect(await one("CAST('1.5' AS DECIMAL(4,2))")).toBe("1.50");
  });

  it("runs Trino aggregates: count_if, approx_distinct, arbitrary, min_by, variance", async () => {
    // Prepare
    const values = "(VALUES (1, 'a'), (2, 'b'), (3, 'c'), (3, 'd')) AS t(x, tag)";
    // Act
    const [row] = await db.athena(`SELECT count_if(x > 1) AS c, approx_distinct(x) AS d, arbitrary(x) IS NOT NULL AS a,
      min_by(tag, x) AS lo, max_by(tag, -x) AS hi, variance(x) AS var, stddev_pop(x) AS sdp,
      approx_percentile(x, 0.5) AS median FROM ${values}`);
    // Assess: sample variance of [1,2,3,3] is 11/12 = 0.9167; population sd sqrt(0.6875).
    expect(row).toMatchObject({ c: "3", d: "3", a: true, lo: "a", hi: "a" });
    expect(row!.var).toBeCloseTo(11 / 12, 10);
    expect(row!.sdp).toBeCloseTo(Math.sqrt(0.6875), 10);
    // approx_percentile of integers is a bigint: the value at 0-based rank floor(0.5 * 4) of 1, 2, 3, 3.
    expect(row!.median).toBe("3");
  });

  it("runs ranking and offset window functions, DISTINCT, UNION ALL, GROUP BY ordinals and NULLS LAST", async () => {
    // Act
    const rows = await db.athena(`WITH t AS (SELECT 'a' AS k, 1 AS v UNION ALL SELECT 'a', 2 UNION ALL SELECT 'b', NULL)
      SELECT DISTINCT k, row_number() OVER (PARTITION BY k ORDER BY v) AS rn, rank() OVER (ORDER BY v DESC) AS r,
        first_value(v) OVER (PARTITION BY k ORDER BY v) AS fv, LEAD(v, 1, -1) OVER (PARTITION BY k ORDER BY v) AS nx, v
      FROM t ORDER BY v DESC NULLS LAST`);
    const grouped = await db.athena(`SELECT k, count(*) AS n FROM (VALUES ('a'), ('a'), ('b')) AS t(k) GROUP BY 1 ORDER BY 2 DESC LIMIT 1`);
    // Assess: Trino ranks NULL last in a descending order.
    expect(rows.map((row) => [row.k, row.v, row.rn, row.r, row.fv, row.nx])).toEqual([
      ["a", 2, "2", "1", 1, -1],
      ["a", 1, "1", "2", 1, 2],
      ["b", null, "1", "3", null, -1],
    ]);
    expect(grouped).toEqual([{ k: "a", n: "2" }]);
  });
});
