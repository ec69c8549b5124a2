import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UnsupportedSqlError } from "../../packages/core/src/sql";
import { athenaWording } from "../../packages/core/src/twin/twin-warehouse";
import { createRawWeather, openAthenaDuckDb, trinoType, type AthenaDuckDb } from "./athena-duckdb";

/**
 * Queries an analyst writes against a weather table, run through the twin's query path on seed
 * 003's raw_weather (10 January readings of London and Paris, with repeated collections, and one
 * February row). Each expects the rows Trino's documentation defines for them (cited), or the
 * twin's refusal by name. Values are DuckDB's JSON rows: BIGINT as strings, DOUBLE as numbers.
 */
interface AnalystQuery {
  readonly name: string;
  readonly sql: string;
  /** Every row, in order (the queries sort their output). */
  readonly rows?: readonly (readonly unknown[])[];
  /** Trino's column types, in Trino's names. */
  readonly types?: readonly string[];
  /** Trino's error, as the twin words it (athenaWording). */
  readonly error?: string;
  /** The construct the twin refuses: `unsupported Athena <refused>`. */
  readonly refused?: string;
  readonly source: string;
}

const WINDOW = "https://trino.io/docs/current/functions/window.html";
const DATETIME = "https://trino.io/docs/current/functions/datetime.html";
const AGGREGATE = "https://trino.io/docs/current/functions/aggregate.html";
const SELECT = "https://trino.io/docs/current/sql/select.html";
const STRING = "https://trino.io/docs/current/functions/string.html";
const REGEXP = "https://trino.io/docs/current/functions/regexp.html";
const CONVERSION = "https://trino.io/docs/current/functions/conversion.html";
const JANUARY = "FROM raw_weather WHERE month = '01'";

const QUERIES: readonly AnalystQuery[] = [
  {
    name: "change since the previous reading per city (lag)",
    sql: `SELECT city, temperature - lag(temperature) OVER (PARTITION BY city ORDER BY measurement_time, collection_time) AS delta ${JANUARY} ORDER BY city, measurement_time, collection_time`,
    rows: [["London", null], ["London", 0], ["London", 2], ["London", 2], ["London", 0], ["London", 0], ["London", -5], ["Paris", null], ["Paris", 2], ["Paris", 0]],
    types: ["varchar", "double"],
    source: `${WINDOW}#lag`,
  },
  {
    name: "ratio to the previous reading (a division by a window function)",
    sql: `SELECT temperature / lag(temperature) OVER (PARTITION BY city ORDER BY measurement_time, collection_time) AS ratio ${JANUARY} AND city = 'Paris' ORDER BY measurement_time, collection_time`,
    rows: [[null], [1.2], [1]],
    source: `${WINDOW}#lag; https://trino.io/docs/current/functions/math.html#mathematical-operators`,
  },
  {
    name: "next reading with a default (lead)",
    sql: `SELECT temperature, lead(temperature, 1, -1) OVER (PARTITION BY city ORDER BY measurement_time, collection_time) AS nxt ${JANUARY} AND city = 'Paris' ORDER BY measurement_time, collection_time`,
    rows: [[10, 12], [12, 12], [12, -1]],
    source: `${WINDOW}#lead`,
  },
  {
    name: "rank, dense_rank and row_number over partitions",
    sql: `SELECT city, temperature, rank() OVER w AS r, dense_rank() OVER w AS dr, row_number() OVER (PARTITION BY city ORDER BY temperature DESC, collection_time) AS rn ${JANUARY} WINDOW w AS (PARTITION BY city ORDER BY temperature DESC) ORDER BY city, rn`,
    rows: [
      ["London", 9, "1", "1", "1"], ["London", 9, "1", "1", "2"], ["London", 9, "1", "1", "3"], ["London", 7, "4", "2", "4"], ["London", 5, "5", "3", "5"],
      ["London", 5, "5", "3", "6"], ["London", 4, "7", "4", "7"], ["Paris", 12, "1", "1", "1"], ["Paris", 12, "1", "1", "2"], ["Paris", 10, "3", "2", "3"],
    ],
    types: ["varchar", "double", "bigint", "bigint", "bigint"],
    source: `${WINDOW}#ranking-functions`,
  },
  {
    name: "readings per hour (date_trunc, GROUP BY ordinal)",
    sql: "SELECT date_trunc('hour', measurement_time) AS h, count(*) AS n FROM raw_weather GROUP BY 1 ORDER BY 1",
    rows: [["2025-01-10 10:00:00", "4"], ["2025-01-10 11:00:00", "3"], ["2025-01-10 12:00:00", "2"], ["2025-01-11 09:00:00", "1"], ["2025-02-01 00:00:00", "1"]],
    types: ["timestamp", "bigint"],
    source: `${DATETIME}#date_trunc`,
  },
  {
    name: "day of the last reading (date_trunc of an aggregate)",
    sql: `SELECT city, date_trunc('day', max(measurement_time)) AS last_day ${JANUARY} GROUP BY city ORDER BY city`,
    rows: [["London", "2025-01-11 00:00:00"], ["Paris", "2025-01-10 00:00:00"]],
    source: `${DATETIME}#date_trunc`,
  },
  {
    name: "date_add keeps the type and clamps to the month end",
    sql: "SELECT date_add('day', 1, DATE '2025-01-31'), date_add('month', 1, DATE '2025-01-31'), date_add('hour', -3, TIMESTAMP '2025-01-10 01:00:00')",
    rows: [["2025-02-01", "2025-02-28", "2025-01-09 22:00:00"]],
    types: ["date", "date", "timestamp"],
    source: `${DATETIME}#date_add`,
  },
  {
    name: "span of readings per city (date_diff over aggregates)",
    sql: `SELECT city, date_diff('minute', min(measurement_time), max(measurement_time)) AS span, date_diff('hour', TIMESTAMP '2025-01-10 09:30:00', min(measurement_time)) AS h ${JANUARY} GROUP BY city ORDER BY city`,
    rows: [["London", "1380", "0"], ["Paris", "120", "0"]],
    types: ["varchar", "bigint", "bigint"],
    source: `${DATETIME}#date_diff (whole units elapsed)`,
  },
  {
    name: "median temperature (approx_percentile)",
    sql: `SELECT approx_percentile(temperature, 0.5) AS p50, approx_percentile(CAST(temperature AS BIGINT), 0.9) AS p90 ${JANUARY}`,
    rows: [[9, "12"]],
    types: ["double", "bigint"],
    source: `${AGGREGATE}#approx_percentile (the value at rank floor(p·n) of the 10 readings)`,
  },
  {
    name: "per-city averages over de-duplicated readings (CTEs)",
    sql: `WITH readings AS (SELECT DISTINCT city, temperature, measurement_time ${JANUARY}),
      per_city AS (SELECT city, avg(temperature) AS avg_t, count(*) AS n FROM readings GROUP BY city)
      SELECT city, avg_t, n FROM per_city ORDER BY city`,
    rows: [["London", 6.25, "4"], ["Paris", 11, "2"]],
    types: ["varchar", "double", "bigint"],
    source: `${SELECT}#with-clause; ${AGGREGATE}#avg`,
  },
  {
    name: "counts by city and day with subtotals (GROUPING SETS)",
    sql: `SELECT city, day, count(*) AS n ${JANUARY} GROUP BY GROUPING SETS ((city, day), (city), ()) ORDER BY city NULLS LAST, day NULLS LAST`,
    rows: [["London", "10", "6"], ["London", "11", "1"], ["London", null, "7"], ["Paris", "10", "3"], ["Paris", null, "3"], [null, null, "10"]],
    source: `${SELECT}#grouping-sets`,
  },
  {
    name: "ROLLUP with grouping()",
    sql: `SELECT city, day, count(*) AS n, grouping(city, day) AS g ${JANUARY} GROUP BY ROLLUP (city, day) ORDER BY city NULLS LAST, day NULLS LAST`,
    rows: [["London", "10", "6", "0"], ["London", "11", "1", "0"], ["London", null, "7", "1"], ["Paris", "10", "3", "0"], ["Paris", null, "3", "1"], [null, null, "10", "3"]],
    source: `${SELECT}#rollup; ${AGGREGATE}#grouping`,
  },
  {
    name: "bands with CASE, COALESCE and NULLIF",
    sql: `SELECT coalesce(nullif(city, 'London'), 'LDN') AS c, CASE WHEN max(temperature) >= 12 THEN 'warm' WHEN max(temperature) >= 9 THEN 'mild' ELSE 'cold' END AS band ${JANUARY} GROUP BY 1 ORDER BY 1`,
    rows: [["LDN", "mild"], ["Paris", "warm"]],
    source: "https://trino.io/docs/current/functions/conditional.html",
  },
  {
    name: "regexp_like, regexp_extract and regexp_replace with $n",
    sql: `SELECT city, regexp_like(city, '^L'), regexp_extract(city, '^(.)(.)', 2), regexp_replace(city, '[aeiou]', '*'), lower(regexp_replace(city, '(\\w)(\\w*)', '$2$1ay')) ${JANUARY} GROUP BY city ORDER BY city`,
    rows: [["London", true, "o", "L*nd*n", "ondonlay"], ["Paris", false, "a", "P*r*s", "arispay"]],
    source: REGEXP,
  },
  {
    name: "string functions",
    sql: `SELECT upper(city), length(city), substr(city, 2, 3), concat(city, '-', year), lpad(day, 4, '0'), split_part(location, 'o', 2), replace(city, 'o', '0'), strpos(city, 'o'), split(location, 'd')[1], concat_ws('/', city, year, month, day) ${JANUARY} AND city = 'London' AND day = '11'`,
    rows: [["LONDON", "6", "ond", "London-2025", "0011", "nd", "L0nd0n", "2", "Lon", "London/2025/01/11"]],
    types: ["varchar", "bigint", "varchar", "varchar", "varchar", "varchar", "varchar", "bigint", "varchar", "varchar"],
    source: STRING,
  },
  {
    name: "casts of a string partition, a double and a timestamp",
    sql: `SELECT CAST(year AS INTEGER) + 1, CAST(temperature AS VARCHAR), CAST(temperature AS DECIMAL(5,1)), CAST(measurement_time AS DATE) ${JANUARY} AND day = '11'`,
    rows: [[2026, "4.0E0", "4.0", "2025-01-11"]],
    types: ["integer", "varchar", "decimal(5,1)", "date"],
    source: `${CONVERSION}#cast (a double's text is 4.0E0)`,
  },
  {
    name: "a partition value that is not a number fails the cast",
    sql: "SELECT CAST(city AS INTEGER) FROM raw_weather",
    error: "INVALID_CAST_ARGUMENT: Cannot cast 'London' to INT",
    source: `${CONVERSION}#cast (Cannot cast 'London' to INT)`,
  },
  {
    name: "a string partition compared with a number fails as on Athena",
    sql: "SELECT count(*) FROM raw_weather WHERE year = 2025",
    error: "TYPE_MISMATCH: Cannot apply operator: varchar = integer",
    source: "https://trino.io/docs/current/functions/comparison.html (no implicit cast from varchar to integer; DuckDB casts and answers 11)",
  },
  {
    name: "a string partition in a list of numbers fails too",
    sql: "SELECT count(*) FROM raw_weather w WHERE w.month NOT IN (1, 2)",
    error: "TYPE_MISMATCH: Cannot apply operator: varchar IN integer",
    source: "https://trino.io/docs/current/functions/comparison.html#in",
  },
  {
    name: "a timestamp column compared with a string fails as on Athena",
    sql: "SELECT count(*) FROM raw_weather WHERE measurement_time >= '2025-01-10'",
    error: "TYPE_MISMATCH: Cannot apply operator: timestamp >= varchar(10)",
    source: "https://trino.io/docs/current/functions/comparison.html (no implicit cast from varchar to timestamp; DuckDB casts the text)",
  },
  {
    name: "the same filter with a TIMESTAMP literal",
    sql: "SELECT count(*) FROM raw_weather WHERE measurement_time >= TIMESTAMP '2025-01-10 00:00:00' AND city = 'London'",
    rows: [["8"]],
    source: `${DATETIME} (TIMESTAMP literals)`,
  },
  {
    name: "the same filter written with strings, as Athena wants it",
    sql: "SELECT count(*) FROM raw_weather WHERE year = '2025' AND month IN ('01') AND temperature > 8",
    rows: [["6"]],
    source: "https://trino.io/docs/current/functions/comparison.html",
  },
  {
    name: "a label built with || from a double fails as on Athena",
    sql: "SELECT 'Temp: ' || temperature FROM raw_weather",
    error: "TYPE_MISMATCH: Cannot apply operator: || to double",
    source: `${STRING}#concat (|| and concat take varchar; DuckDB casts the double)`,
  },
  {
    name: "the same label with a cast",
    sql: `SELECT 'Temp: ' || CAST(temperature AS VARCHAR), concat(city, ' ', CAST(round(temperature) AS VARCHAR)) ${JANUARY} AND day = '11'`,
    rows: [["Temp: 4.0E0", "London 4.0E0"]],
    source: `${STRING}#concat; ${CONVERSION}#cast`,
  },
  {
    name: "timestamps formatted with Joda and MySQL patterns",
    sql: `SELECT format_datetime(measurement_time, 'yyyy-MM-dd HH:mm'), date_format(measurement_time, '%Y-%m-%d %H:%i'), format_datetime(measurement_time, 'EEE, dd MMM yyyy'), format_datetime(measurement_time, 'yyyy-MM-dd''T''HH:mm:ss') ${JANUARY} AND day = '11'`,
    rows: [["2025-01-11 09:00", "2025-01-11 09:00", "Sat, 11 Jan 2025", "2025-01-11T09:00:00"]],
    source: `${DATETIME}#format_datetime; ${DATETIME}#date_format`,
  },
  {
    name: "date parts (ISO day of week and week)",
    sql: `SELECT day_of_week(measurement_time), hour(measurement_time), EXTRACT(MINUTE FROM measurement_time), day_of_year(measurement_time), week(measurement_time), quarter(measurement_time) ${JANUARY} AND day = '11'`,
    rows: [["6", "9", "0", "11", "2", "1"]],
    types: ["bigint", "bigint", "bigint", "bigint", "bigint", "bigint"],
    source: `${DATETIME}#convenience-extraction-functions`,
  },
  {
    name: "distinct cities, warm readings and share of warm readings",
    sql: `SELECT count(DISTINCT city), count_if(temperature > 8), count(*) FILTER (WHERE temperature > 8), round(100.0 * count_if(temperature > 8) / count(*), 1) ${JANUARY}`,
    rows: [["2", "6", "6", "60.0"]],
    source: `${AGGREGATE}#count_if; ${AGGREGATE}#filtering-during-aggregation`,
  },
  {
    name: "share of each city in the readings (an aggregate over a window)",
    sql: `SELECT city, count(*) AS n, 100.0 * count(*) / sum(count(*)) OVER () AS pct ${JANUARY} GROUP BY city ORDER BY city`,
    rows: [["London", "7", "70.0"], ["Paris", "3", "30.0"]],
    source: `${WINDOW}#aggregate-functions`,
  },
  {
    name: "rounded averages and sample standard deviation",
    sql: `SELECT city, round(avg(temperature), 1), round(stddev(temperature), 3), sum(CAST(temperature AS INTEGER)) / count(*) ${JANUARY} GROUP BY city ORDER BY city`,
    rows: [["London", 6.9, 2.193, "6"], ["Paris", 11.3, 1.155, "11"]],
    types: ["varchar", "double", "double", "bigint"],
    source: `${AGGREGATE}#stddev (the sample deviation); bigint / bigint divides as integers`,
  },
  {
    name: "moving average of three readings (ROWS frame)",
    sql: `SELECT avg(temperature) OVER (PARTITION BY city ORDER BY measurement_time, collection_time ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) ${JANUARY} AND city = 'London' ORDER BY measurement_time, collection_time`,
    rows: [[5], [5], [17 / 3], [7], [25 / 3], [9], [22 / 3]],
    source: `${WINDOW} (frame ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)`,
  },
  {
    name: "first and last reading (named window), latest and coldest (max_by/min_by)",
    sql: `SELECT city, first_value(temperature) OVER w, last_value(temperature) OVER w ${JANUARY} WINDOW w AS (PARTITION BY city ORDER BY measurement_time, collection_time ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) ORDER BY city, measurement_time LIMIT 1`,
    rows: [["London", 5, 4]],
    source: `${WINDOW}#first_value`,
  },
  {
    name: "latest and coldest reading per city (max_by, min_by)",
    sql: `SELECT city, max_by(temperature, measurement_time), min_by(measurement_time, temperature) ${JANUARY} GROUP BY city ORDER BY city`,
    rows: [["London", 4, "2025-01-11 09:00:00"], ["Paris", 12, "2025-01-10 10:00:00"]],
    source: `${AGGREGATE}#max_by`,
  },
  {
    name: "readings as an ordered array and a joined list",
    sql: `SELECT city, array_agg(temperature ORDER BY measurement_time DESC, collection_time), array_join(array_sort(array_agg(DISTINCT day)), ',') ${JANUARY} GROUP BY city ORDER BY city`,
    rows: [["London", [4, 9, 9, 9, 7, 5, 5], "10,11"], ["Paris", [12, 12, 10], "10"]],
    source: `${AGGREGATE}#ordering-during-aggregation; https://trino.io/docs/current/functions/array.html#array_join`,
  },
  {
    name: "running count per hour (a window over a GROUP BY)",
    sql: `SELECT hour(measurement_time) AS h, count(*) AS n, sum(count(*)) OVER (ORDER BY hour(measurement_time)) AS running ${JANUARY} GROUP BY hour(measurement_time) ORDER BY 1`,
    rows: [["9", "1", "1"], ["10", "4", "5"], ["11", "3", "8"], ["12", "2", "10"]],
    types: ["bigint", "bigint", "bigint"],
    source: `${WINDOW}#aggregate-functions (sum of a bigint is a bigint)`,
  },
  {
    name: "halves and relative ranks (ntile, percent_rank, cume_dist)",
    sql: `SELECT ntile(2) OVER (ORDER BY temperature, collection_time), percent_rank() OVER (ORDER BY temperature), cume_dist() OVER (ORDER BY temperature) ${JANUARY} AND city = 'Paris' ORDER BY temperature, collection_time`,
    rows: [["1", 0, 1 / 3], ["1", 0.5, 1], ["2", 0.5, 1]],
    source: `${WINDOW}#ntile; ${WINDOW}#percent_rank; ${WINDOW}#cume_dist`,
  },
  {
    name: "a day's range with DATE ± INTERVAL and BETWEEN",
    sql: `SELECT date(measurement_time) - INTERVAL '1' DAY AS day_before, max(temperature) - min(temperature) ${JANUARY} AND measurement_time BETWEEN TIMESTAMP '2025-01-10 00:00:00' AND TIMESTAMP '2025-01-11 23:59:59' GROUP BY date(measurement_time) ORDER BY 1`,
    rows: [["2025-01-09", 7], ["2025-01-10", 0]],
    types: ["date", "double"],
    source: `${DATETIME}#date-and-time-operators (a DATE minus days is a DATE)`,
  },
  {
    name: "epoch seconds and ISO text",
    sql: "SELECT to_unixtime(TIMESTAMP '2025-01-10 10:00:00'), from_unixtime(1736503200), to_iso8601(DATE '2025-01-10')",
    rows: [[1736503200, "2025-01-10 10:00:00+00", "2025-01-10"]],
    types: ["double", "timestamp with time zone", "varchar"],
    source: `${DATETIME}#to_unixtime; ${DATETIME}#from_unixtime; ${DATETIME}#to_iso8601`,
  },
  { name: "a local time with AT TIME ZONE", sql: "SELECT measurement_time AT TIME ZONE 'Europe/Paris' FROM raw_weather", refused: 'syntax "AT TIME ZONE"', source: `${DATETIME}#time-zone-conversion` },
  { name: "with_timezone", sql: "SELECT with_timezone(measurement_time, 'Europe/Paris') FROM raw_weather", refused: 'function "with_timezone"', source: `${DATETIME}#with_timezone` },
  { name: "format_datetime with a zone letter", sql: "SELECT format_datetime(measurement_time, 'yyyy-MM-dd HH:mm Z') FROM raw_weather", refused: "format specifier", source: `${DATETIME}#format_datetime` },
];

describe("analyst queries on the twin give Trino's rows or a refusal by name", () => {
  let db: AthenaDuckDb;
  beforeAll(async () => {
    db = await openAthenaDuckDb();
    await createRawWeather(db);
  });
  afterAll(() => db.close());

  it.each(QUERIES.map((q) => [q.name, q] as const))("%s", async (_name, q) => {
    // Act
    const outcome = await db.athenaTyped(q.sql).then(
      (result) => ({ ok: true as const, ...result }),
      (error: unknown) => ({ ok: false as const, error: error as Error }),
    );

    // Assess
    if (q.refused !== undefined) {
      expect(outcome.ok ? outcome : outcome.error, q.source).toBeInstanceOf(UnsupportedSqlError);
      expect((outcome as { error: Error }).error.message).toContain(`unsupported Athena ${q.refused}`);
      return;
    }
    if (q.error !== undefined) {
      expect(outcome.ok, `${q.source}: expected the query to fail`).toBe(false);
      expect(athenaWording((outcome as { error: Error }).error.message)).toContain(q.error);
      return;
    }
    if (!outcome.ok) throw outcome.error;
    expect(outcome.rows.length, q.source).toBe(q.rows!.length);
    outcome.rows.forEach((row, i) => {
      row.forEach((value, j) => {
        const expected = q.rows![i]![j];
        if (typeof expected === "number" && typeof value === "number") expect(value, `${q.source}: row ${i}, column ${j}`).toBeCloseTo(expected, 9);
        else expect(value, `${q.source}: row ${i}, column ${j}`).toEqual(expected);
      });
    });
    if (q.types !== undefined) expect(outcome.types.map(trinoType), q.source).toEqual(q.types);
  });
});
