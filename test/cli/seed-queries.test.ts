import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveLocations } from "../../packages/core/src/sources/gazetteer";
import type { WeatherRecord } from "../../packages/core/src/sources/source";
import { SyntheticWeatherSource } from "../../packages/core/src/sources/synthetic/synthetic-weather";
import { queryRows, removeLake, runWeek, tempLake, WEEK } from "./sluice";

// The Athena queries of seed 003 (workshop Task 3), as printed there: only `clean_weather_data` →
// `clean_weather`, `raw_weather_data` → `raw_weather` and the literal year/month ('2024', '11') differ.
// Expected values are computed here from the synthetic source itself (same seed → same values),
// not from the twin.

interface Reading {
  readonly city: string;
  /** ISO instant as the query port returns timestamps. */
  readonly time: string;
  readonly day: string;
  readonly temperature: number;
}

function expectedReadings(): Reading[] {
  const source = new SyntheticWeatherSource({ seed: 42 });
  const locations = resolveLocations(WEEK.locations.split(","), []);
  const start = Date.parse(`${WEEK.from}T00:00:00Z`);
  const hours = 7 * 24;
  return locations.flatMap((location) =>
    source.generate(location, start, hours, []).map((r: WeatherRecord) => ({
      city: String(r.city),
      time: new Date(String(r.measurement_time)).toISOString(),
      day: String(r.measurement_time).slice(0, 10),
      // JSON has no -0: the source's -0 reaches the lake as 0.
      temperature: Number(r.temperature) + 0,
    })),
  );
}

/** Trino's round: half away from zero. */
function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return (Math.sign(value) * Math.round(Math.abs(value) * f)) / f;
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Athena's STDDEV is the sample standard deviation. */
function stddevSamp(values: readonly number[]): number {
  const m = mean(values);
  return Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1));
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe("seed 003's Athena queries on the twin, checked against the synthetic source", () => {
  let lake: string;
  const readings = expectedReadings();
  const cities = [...new Set(readings.map((r) => r.city))].sort(byString);

  beforeAll(async () => {
    lake = await tempLake("seed");
    const run = await runWeek(lake);
    if (run.code !== 0) throw new Error(`setup run failed: ${run.out}${run.err}`);
  });
  afterAll(() => removeLake(lake));

  it("reads the raw table ordered by city and time (the duplication check of the seed)", async () => {
    // Act
    const rows = await queryRows(lake, `SELECT *\nFROM raw_weather\nORDER BY city, measurement_time\nLIMIT 30;`);

    // Assess: raw keeps the ISO strings the source sent
    const expected = readings.filter((r) => r.city === cities[0]).slice(0, 30);
    expect(rows.map((r) => [r.city, r.measurement_time, r.temperature])).toEqual(
      expected.map((r) => [r.city, r.time.replace(".000Z", "Z"), r.temperature]),
    );
  });

  it("verifies the clean view: newest ten readings of the first city with their partition columns", async () => {
    // Act
    const rows = await queryRows(lake, `SELECT *\nFROM clean_weather\nORDER BY city, measurement_time DESC\nLIMIT 10;`);

    // Assess
    const expected = readings.filter((r) => r.city === cities[0]).reverse().slice(0, 10);
    expect(rows.map((r) => [r.city, r.measurement_time, r.temperature, r.collection_count, r.location, r.year, r.month, r.day])).toEqual(
      expected.map((r) => [r.city, r.time, r.temperature, 1, r.city, "2024", "11", r.day.slice(8)]),
    );
  });

  it("computes hourly temperature trends with DATE_TRUNC", async () => {
    // Act
    const rows = await queryRows(
      lake,
      `SELECT 
    city,
    DATE_TRUNC('hour', measurement_time) as hour,
    AVG(temperature) as avg_temp,
    COUNT(*) as readings_per_hour
FROM clean_weather
WHERE year = '2024' -- Change to current year
    AND month = '11' -- Change to current month
GROUP BY 
    city,
    DATE_TRUNC('hour', measurement_time)
ORDER BY 
    city, 
    hour DESC;`,
    );

    // Assess
    const expected = [...readings].sort((a, b) => byString(a.city, b.city) || byString(b.time, a.time));
    expect(rows).toEqual(expected.map((r) => ({ city: r.city, hour: r.time, avg_temp: r.temperature, readings_per_hour: 1 })));
  });

  it("compares cities with ROUND and STDDEV, warmest first", async () => {
    // Act
    const rows = await queryRows(
      lake,
      `SELECT 
    city,
    COUNT(*) as total_readings,
    ROUND(AVG(temperature), 1) as avg_temp,
    ROUND(MIN(temperature), 1) as min_temp,
    ROUND(MAX(temperature), 1) as max_temp,
    ROUND(STDDEV(temperature), 2) as temp_variation
FROM clean_weather
WHERE year = '2024'
    AND month = '11'
GROUP BY city
ORDER BY avg_temp DESC;`,
    );

    // Assess
    const expected = [...groupBy(readings, (r) => r.city)]
      .map(([city, rs]) => {
        const t = rs.map((r) => r.temperature);
        return { city, total_readings: t.length, avg_temp: round(mean(t), 1), min_temp: round(Math.min(...t), 1), max_temp: round(Math.max(...t), 1), temp_variation: round(stddevSamp(t), 2) };
      })
      .sort((a, b) => b.avg_temp - a.avg_temp);
    expect(rows).toEqual(expected);
    expect(rows.map((r) => r.total_readings)).toEqual([168, 168, 168]);
  });

  it("monitors collections per city and day (AVG/MAX of collection_count)", async () => {
    // Act
    const rows = await queryRows(
      lake,
      `SELECT 
    city,
    DATE(measurement_time) as date,
    COUNT(*) as readings,
    AVG(collection_count) as avg_collections_per_reading,
    MAX(collection_count) as max_collections_per_reading
FROM clean_weather
WHERE year = '2024'
    AND month = '11'
GROUP BY 
    city,
    DATE(measurement_time)
ORDER BY 
    date DESC,
    city;`,
    );

    // Assess: one collection per reading after a single run
    const days = [...new Set(readings.map((r) => r.day))].sort(byString).reverse();
    const expected = days.flatMap((day) =>
      cities.map((city) => ({ city, date: `${day}T00:00:00.000Z`, readings: 24, avg_collections_per_reading: 1, max_collections_per_reading: 1 })),
    );
    expect(rows).toEqual(expected);
  });

  it("filters on the location partition column (London only), newest day first", async () => {
    // Act
    const rows = await queryRows(
      lake,
      `SELECT 
    city,
    AVG(temperature) as avg_temp,
    MIN(temperature) as min_temp,
    MAX(temperature) as max_temp,
    DATE(measurement_time) as date
FROM clean_weather
WHERE location = 'London'
    AND year = '2024' -- Change this to the current year
    AND month = '11'  -- Change this to the current month
GROUP BY city, DATE(measurement_time)
ORDER BY date DESC;`,
    );

    // Assess
    const london = groupBy(
      readings.filter((r) => r.city === "London"),
      (r) => r.day,
    );
    const expected = [...london].sort(([a], [b]) => byString(b, a));
    expect(rows).toHaveLength(7);
    for (const [i, [day, rs]] of expected.entries()) {
      const t = rs.map((r) => r.temperature);
      expect(rows[i]).toMatchObject({ city: "London", min_temp: Math.min(...t), max_temp: Math.max(...t), date: `${day}T00:00:00.000Z` });
      expect(rows[i]!.avg_temp as number).toBeCloseTo(mean(t), 9);
    }
  });

  it("runs the city comparison analysis (two-decimal rounding)", async () => {
    // Act
    const rows = await queryRows(
      lake,
      `SELECT 
    city,
    COUNT(*) as measurements,
    ROUND(AVG(temperature), 2) as avg_temp,
    ROUND(STDDEV(temperature), 2) as temp_stddev
FROM clean_weather
WHERE year = '2024'
    AND month = '11'
GROUP BY city
ORDER BY avg_temp DESC;`,
    );

    // Assess
    const expected = [...groupBy(readings, (r) => r.city)]
      .map(([city, rs]) => {
        const t = rs.map((r) => r.temperature);
        return { city, measurements: 168, avg_temp: round(mean(t), 2), temp_stddev: round(stddevSamp(t), 2) };
      })
      .sort((a, b) => b.avg_temp - a.avg_temp);
    expect(rows).toEqual(expected);
  });

  it("computes hour-to-hour temperature changes with LAG over a CTE", async () => {
    // Act
    const rows = await queryRows(
      lake,
      `WITH hourly_temps AS (
    SELECT 
        city,
        DATE_TRUNC('hour', measurement_time) as hour,
        AVG(temperature) as avg_temp
    FROM clean_weather
    WHERE year = '2024' AND month = '11'
    GROUP BY city, DATE_TRUNC('hour', measurement_time)
)
SELECT 
    city,
    hour,
    avg_temp,
    LAG(avg_temp) OVER (PARTITION BY city ORDER BY hour) as prev_hour_temp,
    ROUND(avg_temp - LAG(avg_temp) OVER (PARTITION BY city ORDER BY hour), 2) as temp_change
FROM hourly_temps
ORDER BY city, hour DESC;`,
    );

    // Assess
    const expected = cities.flatMap((city) => {
      const series = readings.filter((r) => r.city === city);
      return series
        .map((r, i) => {
          const prev = i > 0 ? series[i - 1]!.temperature : null;
          return { city, hour: r.time, avg_temp: r.temperature, prev_hour_temp: prev, temp_change: prev === null ? null : round(r.temperature - prev, 2) };
        })
        .reverse();
    });
    expect(rows).toEqual(expected);
    expect(rows.filter((r) => r.prev_hour_temp === null)).toHaveLength(3);
  });

  it("runs the data-quality check: 24 distinct hours per location and day", async () => {
    // Act
    const rows = await queryRows(
      lake,
      `SELECT 
    location,
    year,
    month,
    day,
    COUNT(*) as record_count,
    COUNT(DISTINCT EXTRACT(hour FROM measurement_time)) as unique_hours,
    MIN(measurement_time) as first_record,
    MAX(measurement_time) as last_record
FROM clean_weather
WHERE year = '2024' AND month = '11'
GROUP BY location, year, month, day
ORDER BY location, year, month, day DESC;`,
    );

    // Assess
    const days = [...new Set(readings.map((r) => r.day))].sort(byString).reverse();
    const expected = cities.flatMap((city) =>
      days.map((day) => ({
        location: city,
        year: "2024",
        month: "11",
        day: day.slice(8),
        record_count: 24,
        unique_hours: 24,
        first_record: `${day}T00:00:00.000Z`,
        last_record: `${day}T23:00:00.000Z`,
      })),
    );
    expect(rows).toEqual(expected);
  });
});
