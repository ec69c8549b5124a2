import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyticsViewsOf, createAnalyticsViews } from "../../packages/core/src/analytics";
import { weatherDataset } from "../../packages/core/src/pipeline/weather";
import type { LocalRuntime } from "../../packages/core/src/runtime/local";
import { removeLake, runWeek, tempLake } from "../cli/sluice";
import * as ref from "./reference";
import { expectRows, publishRecords, readView, twinOn } from "./twin";

type Row = Record<string, unknown>;
const readings = (rows: readonly Row[]): ref.Reading[] =>
  rows.map((r) => ({ city: String(r.city), time: Date.parse(String(r.measurement_time)), temperature: r.temperature === null ? null : Number(r.temperature) }));

/** Each weather view against its reference, on the rows of weather_prod. */
function checkWeatherViews(state: { runtime?: LocalRuntime; readings: ref.Reading[] }) {
  const view = (name: string) => readView(state.runtime!, name);
  const cityAnd = (column: string) => (r: Row) => `${String(r.city)}|${String(r[column])}`;

  it("weather_hourly_stats matches the reference per city and hour", async () => {
    expectRows(await view("weather_hourly_stats"), ref.weatherHourlyStats(state.readings), cityAnd("hour"));
  });
  it("weather_daily_stats matches the reference per city and day", async () => {
    expectRows(await view("weather_daily_stats"), ref.weatherDailyStats(state.readings), cityAnd("day"));
  });
  it("weather_hourly_change matches the reference (previous hour looked up by time)", async () => {
    expectRows(await view("weather_hourly_change"), ref.weatherHourlyChange(state.readings), cityAnd("measurement_time"));
  });
  it("weather_rolling_3h matches the reference over the current and two preceding readings", async () => {
    expectRows(await view("weather_rolling_3h"), ref.weatherRolling3h(state.readings), cityAnd("measurement_time"));
  });
  it("weather_city_stddev matches the reference sample standard deviation", async () => {
    expectRows(await view("weather_city_stddev"), ref.weatherCityStddev(state.readings), (r) => String(r.city));
  });
  it("weather_hour_of_day matches the reference per city and UTC hour of day", async () => {
    expectRows(await view("weather_hour_of_day"), ref.weatherHourOfDay(state.readings), cityAnd("hour_of_day"));
  });
}

describe("weather analytics views after a real sluice run of the synthetic week", () => {
  const state: { lake?: string; runtime?: LocalRuntime; readings: ref.Reading[]; created: string[] } = { readings: [], created: [] };

  beforeAll(async () => {
    // Prepare: a real run publishes weather_prod; the views are created over it.
    state.lake = await tempLake("analytics-weather");
    const run = await runWeek(state.lake);
    if (run.code !== 0) throw new Error(`sluice run exited ${run.code}: ${run.err}`);
    state.runtime = twinOn(state.lake);
    const warehouse = await state.runtime.warehouse();
    state.created = await createAnalyticsViews(warehouse, weatherDataset);
    state.readings = readings((await warehouse.query(`SELECT "city", "measurement_time", "temperature" FROM "weather_prod"`)).rows);
  });
  afterAll(async () => {
    await state.runtime?.close();
    if (state.lake) await removeLake(state.lake);
  });

  it("creates every weather view in the catalog, as Athena SQL", async () => {
    expect(state.created).toEqual(analyticsViewsOf("weather").map((v) => v.name));
    const stored = await state.runtime!.catalog.getTable("sluice", "weather_rolling_3h");
    expect(stored?.kind).toBe("view");
    expect(stored?.viewSql).toContain("ROWS BETWEEN 2 PRECEDING AND CURRENT ROW");
    expect(state.readings).toHaveLength(3 * 7 * 24);
  });

  checkWeatherViews(state);
});

describe("weather analytics views over gaps and missing temperatures", () => {
  const state: { lake?: string; runtime?: LocalRuntime; readings: ref.Reading[] } = { readings: [] };

  beforeAll(async () => {
    // Prepare: two cities, a missing hour (23:00 in Oslo) and NULL temperatures, published directly.
    state.lake = await tempLake("analytics-weather-gaps");
    state.runtime = twinOn(state.lake);
    const warehouse = await state.runtime.warehouse();
    const records: Row[] = [];
    for (const [city, temps] of [["Oslo", [1.5, null, -2.25, 3, 4.5, null, 6]], ["Rome", [14, 15.5, 13, null, 12, 11.75, 10]]] as const) {
      temps.forEach((temperature, h) => {
        if (city === "Oslo" && h === 2) return;
        // Hours from 21:00 on Nov 30 across midnight, so the daily views see two days.
        const at = new Date(Date.UTC(2024, 10, 30, 21 + h)).toISOString();
        records.push({ city, latitude: 0, longitude: 0, measurement_time: at, temperature, collection_time: at, source: "synthetic" });
      });
    }
    await publishRecords(warehouse, weatherDataset, records);
    await createAnalyticsViews(warehouse, weatherDataset);
    state.readings = readings((await warehouse.query(`SELECT "city", "measurement_time", "temperature" FROM "weather_prod"`)).rows);
  });
  afterAll(async () => {
    await state.runtime?.close();
    if (state.lake) await removeLake(state.lake);
  });

  it("has the gap and the NULLs the checks rely on", () => {
    expect(state.readings).toHaveLength(13);
    expect(state.readings.filter((r) => r.temperature === null)).toHaveLength(3);
  });

  checkWeatherViews(state);
});
