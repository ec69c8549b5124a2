import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { translateAthenaSql } from "../../packages/core/src/sql";
import { createRawWeather, openAthenaDuckDb, type AthenaDuckDb } from "./athena-duckdb";

// The queries of seed 003 (workshop Task 3), typed as on Athena; only the table names and the
// literal year/month differ. Expected values are computed by hand from the rows in athena-duckdb.ts.
const CLEAN_VIEW = `CREATE OR REPLACE VIEW clean_weather AS
SELECT
    city,
    temperature,
    measurement_time,
    MIN(collection_time) as first_collection_time,
    COUNT(*) as collection_count,
    location,
    year,
    month,
    day
FROM raw_weather
GROUP BY
    city,
    temperature,
    measurement_time,
    location,
    year,
    month,
    day;`;

describe("seed 003 Athena queries on the twin", () => {
  let db: AthenaDuckDb;

  beforeAll(async () => {
    db = await openAthenaDuckDb();
    await createRawWeather(db);
    await db.athena(CLEAN_VIEW);
  });
  afterAll(() => db.close());

  it("creates the clean view that keeps one row per reading with its first collection and count", async () => {
    // Prepare: the view was created from raw_weather in beforeAll.
    // Act
    const rows = await db.athena(`SELECT * FROM clean_weather ORDER BY city, measurement_time DESC LIMIT 10;`);
    // Assess: 7 distinct readings; London 11:00 was collected three times, first at 11:01.
    expect(rows).toHaveLength(7);
    expect(rows[0]).toMatchObject({ city: "London", temperature: 100, collection_count: "1" });
    expect(rows[1]).toMatchObject({
      city: "London",
      measurement_time: "2025-01-11 09:00:00",
      first_collection_time: "2025-01-11 09:01:00",
    });
    expect(rows[2]).toMatchObject({
      measurement_time: "2025-01-10 11:00:00",
      first_collection_time: "2025-01-10 11:01:00",
      collection_count: "3",
    });
  });

  it("reports the tables a query reads so the engine binds only those", () => {
    // Act
    const view = translateAthenaSql(CLEAN_VIEW);
    // Assess
    expect(view.tables).toEqual(["raw_weather"]);
    expect(view.statement).toMatchObject({ kind: "create_view", name: "clean_weather", orReplace: true });
  });

  it("averages temperatures per city and hour with DATE_TRUNC, filtering on string partitions", async () => {
    // Act
    const rows = await db.athena(`SELECT
    city,
    DATE_TRUNC('hour', measurement_time) as hour,
    AVG(temperature) as avg_temp,
    COUNT(*) as readings_per_hour
FROM clean_weather
WHERE year = '2025' -- Change to current year
    AND month = '01' -- Change to current month
GROUP BY
    city,
    DATE_TRUNC('hour', measurement_time)
ORDER BY
    city,
    hour DESC;`);
    // Assess: London 10:00 holds the 5.0 and 7.0 readings.
    expect(rows).toEqual([
      { city: "London", hour: "2025-01-11 09:00:00", avg_temp: 4, readings_per_hour: "1" },
      { city: "London", hour: "2025-01-10 11:00:00", avg_temp: 9, readings_per_hour: "1" },
      { city: "London", hour: "2025-01-10 10:00:00", avg_temp: 6, readings_per_hour: "2" },
      { city: "Paris", hour: "2025-01-10 12:00:00", avg_temp: 12, readings_per_hour: "1" },
      { city: "Paris", hour: "2025-01-10 10:00:00", avg_temp: 10, readings_per_hour: "1" },
    ]);
  });

  it("compares cities with ROUND half away from zero and sample STDDEV", async () => {
    // Act
    const rows = await db.athena(`SELECT
    city,
    COUNT(*) as total_readings,
    ROUND(AVG(temperature), 1) as avg_temp,
    ROUND(MIN(temperature), 1) as min_temp,
    ROUND(MAX(temperature), 1) as max_temp,
    ROUND(STDDEV(temperature), 2) as temp_variation
FROM clean_weather
WHERE year = '2025'
    AND month = '01'
GROUP BY city
ORDER BY avg_temp DESC;`);
    // Assess: London [5, 7, 9, 4]: mean 6.25 → 6.3 (not 6.2); sample variance 14.75 / 3 → sd 2.2174.
    // Paris [10, 12]: sd sqrt(2) = 1.414.
    expect(rows).toEqual([
      { city: "Paris", total_readings: "2", avg_temp: 11, min_temp: 10, max_temp: 12, temp_variation: 1.41 },
      { city: "London", total_readings: "4", avg_temp: 6.3, min_temp: 4, max_temp: 9, temp_variation: 2.22 },
    ]);
  });

  it("monitors collections per reading by city and DATE()", async () => {
    // Act
    const rows = await db.athena(`SELECT
    city,
    DATE(measurement_time) as date,
    COUNT(*) as readings,
    AVG(collection_count) as avg_collections_per_reading,
    MAX(collection_count) as max_collections_per_reading
FROM clean_weather
WHERE year = '2025'
    AND month = '01'
GROUP BY
    city,
    DATE(measurement_time)
ORDER BY
    date DESC,
    city;`);
    // Assess: London on the 10th has counts 2, 1, 3.
    expect(rows).toEqual([
      { city: "London", date: "2025-01-11", readings: "1", avg_collections_per_reading: 1, max_collections_per_reading: "1" },
      { city: "London", date: "2025-01-10", readings: "3", avg_collections_per_reading: 2, max_collections_per_reading: "3" },
      { city: "Paris", date: "2025-01-10", readings: "2", avg_collections_per_reading: 1.5, max_collections_per_reading: "2" },
    ]);
  });

  it("filters on the location partition", async () => {
    // Act
    const rows = await db.athena(`SELECT
    city,
    AVG(temperature) as avg_temp,
    MIN(temperature) as min_temp,
    MAX(temperature) as max_temp,
    DATE(measurement_time) as date
FROM clean_weather
WHERE location = 'London'
    AND year = '2025' -- Change this to the current year
    AND month = '01'  -- Change this to the current month
GROUP BY city, DATE(measurement_time)
ORDER BY date DESC;`);
    // Assess
    expect(rows).toEqual([
      { city: "London", avg_temp: 4, min_temp: 4, max_temp: 4, date: "2025-01-11" },
      { city: "London", avg_temp: 7, min_temp: 5, max_temp: 9, date: "2025-01-10" },
    ]);
  });

  it("rounds averages and standard deviations to two places", async () => {
    // Act
    const rows = await db.athena(`SELECT
    city,
    COUNT(*) as measurements,
    ROUND(AVG(temperature), 2) as avg_temp,
    ROUND(STDDEV(temperature), 2) as temp_stddev
FROM clean_weather
WHERE year = '2025'
    AND month = '01'
GROUP BY city
ORDER BY avg_temp DESC;`);
    // Assess
    expect(rows).toEqual([
      { city: "Paris", measurements: "2", avg_temp: 11, temp_stddev: 1.41 },
      { city: "London", measurements: "4", avg_temp: 6.25, temp_stddev: 2.22 },
    ]);
  });

  it("computes the hour-over-hour change with LAG in a CTE", async () => {
    // Act
    const rows = await db.athena(`WITH hourly_temps AS (
    SELECT
        city,
        DATE_TRUNC('hour', measurement_time) as hour,
        AVG(temperature) as avg_temp
    FROM clean_weather
    WHERE year = '2025' AND month = '01'
    GROUP BY city, DATE_TRUNC('hour', measurement_time)
)
SELECT
    city,
    hour,
    avg_temp,
    LAG(avg_temp) OVER (PARTITION BY city ORDER BY hour) as prev_hour_temp,
    ROUND(avg_temp - LAG(avg_temp) OVER (PARTITION BY city ORDER BY hour), 2) as temp_change
FROM hourly_temps
ORDER BY city, hour DESC;`);
    // Assess: London 6 → 9 → 4; Paris 10 → 12.
    expect(rows).toEqual([
      { city: "London", hour: "2025-01-11 09:00:00", avg_temp: 4, prev_hour_temp: 9, temp_change: -5 },
      { city: "London", hour: "2025-01-10 11:00:00", avg_temp: 9, prev_hour_temp: 6, temp_change: 3 },
      { city: "London", hour: "2025-01-10 10:00:00", avg_temp: 6, prev_hour_temp: null, temp_change: null },
      { city: "Paris", hour: "2025-01-10 12:00:00", avg_temp: 12, prev_hour_temp: 10, temp_change: 2 },
      { city: "Paris", hour: "2025-01-10 10:00:00", avg_temp: 10, prev_hour_temp: null, temp_change: null },
    ]);
  });

  it("checks data quality per partition with COUNT(DISTINCT EXTRACT(hour FROM …))", async () => {
    // Act
    const rows = await db.athena(`SELECT
    location,
    year,
    month,
    day,
    COUNT(*) as record_count,
    COUNT(DISTINCT EXTRACT(hour FROM measurement_time)) as unique_hours,
    MIN(measurement_time) as first_record,
    MAX(measurement_time) as last_record
FROM clean_weather
WHERE year = '2025' AND month = '01'
GROUP BY location, year, month, day
ORDER BY location, year, month, day DESC;`);
    // Assess: London's 10th has readings at 10:00, 10:15 and 11:00 → 2 distinct hours.
    expect(rows).toEqual([
      { location: "London", year: "2025", month: "01", day: "11", record_count: "1", unique_hours: "1", first_record: "2025-01-11 09:00:00", last_record: "2025-01-11 09:00:00" },
      { location: "London", year: "2025", month: "01", day: "10", record_count: "3", unique_hours: "2", first_record: "2025-01-10 10:00:00", last_record: "2025-01-10 11:00:00" },
      { location: "Paris", year: "2025", month: "01", day: "10", record_count: "2", unique_hours: "2", first_record: "2025-01-10 10:00:00", last_record: "2025-01-10 12:00:00" },
    ]);
  });

  it("answers the rolling 3-reading average challenge with a ROWS frame", async () => {
    // Act
    const rows = await db.athena(`SELECT city, measurement_time,
    AVG(temperature) OVER (PARTITION BY city ORDER BY measurement_time ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS rolling
FROM clean_weather
WHERE city = 'London' AND year = '2025' AND month = '01'
ORDER BY measurement_time`);
    // Assess: 5 → (5+7)/2 → (5+7+9)/3 → (7+9+4)/3.
    expect(rows.map((row) => row.rolling)).toEqual([5, 6, 7, 20 / 3]);
  });
});
