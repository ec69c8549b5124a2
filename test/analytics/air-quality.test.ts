import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAnalyticsViews } from "../../packages/core/src/analytics";
import { airQualityDataset } from "../../packages/core/src/pipeline/air-quality";
import type { LocalRuntime } from "../../packages/core/src/runtime/local";
import { removeLake, tempLake } from "../cli/sluice";
import { airQualityRecords } from "./generators";
import * as ref from "./reference";
import { expectRows, publishRecords, readView, twinOn } from "./twin";

type Row = Record<string, unknown>;

describe("air-quality analytics views on the twin", () => {
  const state: { lake?: string; runtime?: LocalRuntime; rows: ref.Measurement[] } = { rows: [] };

  beforeAll(async () => {
    // Prepare: generated hourly values published as air_quality_prod (not yet run by the engine).
    state.lake = await tempLake("analytics-air");
    state.runtime = twinOn(state.lake);
    const warehouse = await state.runtime.warehouse();
    await publishRecords(warehouse, airQualityDataset, airQualityRecords());
    await createAnalyticsViews(warehouse, airQualityDataset);
    const rows = (await warehouse.query(`SELECT "location_id", "location", "parameter", "unit", "value", "measurement_time" FROM "air_quality_prod"`)).rows;
    state.rows = rows.map((r) => ({
      location_id: Number(r.location_id),
      location: String(r.location),
      parameter: String(r.parameter),
      unit: String(r.unit),
      value: r.value === null ? null : Number(r.value),
      time: Date.parse(String(r.measurement_time)),
    }));
  });
  afterAll(async () => {
    await state.runtime?.close();
    if (state.lake) await removeLake(state.lake);
  });

  it("air_quality_daily_mean matches the reference per station, parameter, unit and day", async () => {
    expectRows(await readView(state.runtime!, "air_quality_daily_mean"), ref.airQualityDailyMean(state.rows), (r: Row) => `${String(r.location_id)}|${String(r.parameter)}|${String(r.unit)}|${String(r.day)}`);
  });

  it("air_quality_who_exceedances matches the reference 24-h means and o3 daily max 8-h means", async () => {
    // Act
    const rows = await readView(state.runtime!, "air_quality_who_exceedances");
    // Assess: the data reaches every branch (exceeding, not exceeding, incomplete, o3) and agrees.
    expect(rows.some((r) => r.exceeds === true && r.parameter === "o3")).toBe(true);
    expect(rows.some((r) => r.exceeds === true && r.parameter !== "o3")).toBe(true);
    expect(rows.some((r) => r.exceeds === false && r.complete === true)).toBe(true);
    expect(rows.some((r) => r.complete === false)).toBe(true);
    expect(rows.some((r) => r.parameter === "co")).toBe(false);
    expectRows(rows, ref.airQualityExceedances(state.rows), (r: Row) => `${String(r.location_id)}|${String(r.parameter)}|${String(r.day)}`);
  });
});
