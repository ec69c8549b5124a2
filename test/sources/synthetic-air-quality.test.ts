import { describe, expect, it } from "vitest";
import { ManualClock } from "../../packages/core/src/lake/clock";
import { airQualityDataset } from "../../packages/core/src/pipeline/air-quality";
import type { AirQualityRecord } from "../../packages/core/src/pipeline/air-quality";
import type { Location } from "../../packages/core/src/pipeline/types";
import { SourceError } from "../../packages/core/src/sources/source";
import type { FetchRequest } from "../../packages/core/src/sources/source";
import { SyntheticAirQualitySource } from "../../packages/core/src/sources/synthetic/air-quality";

const clock = new ManualClock(Date.parse("2024-12-01T10:00:00.000Z"));
const stations: Location[] = [
  { name: "2178", latitude: 35.1353, longitude: -106.5847 },
  { name: "Paris Centre", latitude: 48.8566, longitude: 2.3522 },
  { name: "Delhi ITO", latitude: 28.6289, longitude: 77.2411 },
];

async function records(source: SyntheticAirQualitySource, request: Omit<FetchRequest, "locations">, locations = stations): Promise<AirQualityRecord[]> {
  const out: AirQualityRecord[] = [];
  for await (const outcome of source.fetch({ ...request, locations })) out.push(...outcome.records!);
  return out;
}

const key = (r: AirQualityRecord) => `${r.location_id}|${r.parameter}|${r.measurement_time}`;

describe("SyntheticAirQualitySource", () => {
  it("is deterministic and range-independent", async () => {
    // Prepare
    const source = new SyntheticAirQualitySource({ seed: 3, clock });

    // Act
    const day = await records(source, { from: "2024-11-26", to: "2024-11-26", variables: [] });
    const again = await records(new SyntheticAirQualitySource({ seed: 3, clock }), { from: "2024-11-26", to: "2024-11-26", variables: [] });
    const week = await records(source, { from: "2024-11-22", to: "2024-11-28", variables: [] });
    const otherSeed = await records(new SyntheticAirQualitySource({ seed: 4, clock }), { from: "2024-11-26", to: "2024-11-26", variables: [] });

    // Assess
    expect(again).toEqual(day);
    const byKey = new Map(week.map((r) => [key(r), r]));
    for (const r of day) expect(byKey.get(key(r))).toEqual(r);
    expect(otherSeed.map((r) => r.value)).not.toEqual(day.map((r) => r.value));
  });

  it("gives 24 end-of-hour values per day, station and default parameter, in the dataset's column order", async () => {
    // Prepare
    const source = new SyntheticAirQualitySource({ clock });

    // Act
    const out = await records(source, { from: "2024-11-26", to: "2024-11-27", variables: [] }, [stations[0]!]);

    // Assess
    expect(out).toHaveLength(4 * 48);
    expect(new Set(out.map(key)).size).toBe(out.length);
    expect(out[0]).toMatchObject({ location: "2178", location_id: 2178, parameter: "pm25", unit: "µg/m³", measurement_time: "2024-11-26T01:00:00Z", source: "synthetic" });
    expect(out[47]!.measurement_time).toBe("2024-11-28T00:00:00Z");
    expect(Object.keys(out[0]!)).toEqual(airQualityDataset.recordSchema.map((c) => c.name));
  });

  it("has plausible levels, a rush-hour NO2 peak, an afternoon ozone peak and a few nulls", async () => {
    // Prepare
    const source = new SyntheticAirQualitySource({ clock });

    // Act: two months at three stations.
    const out = await records(source, { from: "2024-05-01", to: "2024-06-30", variables: [] });

    // Assess
    const values = (parameter: string, filter: (r: AirQualityRecord) => boolean = () => true) =>
      out.filter((r) => r.parameter === parameter && r.value !== null && filter(r)).map((r) => r.value!);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(out.every((r) => r.value === null || r.value >= 0)).toBe(true);
    expect(mean(values("pm25"))).toBeGreaterThan(4);
    expect(mean(values("pm25"))).toBeLessThan(30);
    expect(mean(values("pm10"))).toBeGreaterThan(mean(values("pm25")));
    expect(mean(values("o3"))).toBeGreaterThan(20);
    expect(mean(values("o3"))).toBeLessThan(120);
    // Paris (UTC+0:09 solar): weekday 08:00–09:00 vs 03:00–04:00, hours named by their end.
    const paris = (hours: string[]) => (r: AirQualityRecord) =>
      r.location === "Paris Centre" && hours.includes(r.measurement_time.slice(11, 13)) && ![0, 6].includes(new Date(r.measurement_time).getUTCDay());
    expect(mean(values("no2", paris(["09"])))).toBeGreaterThan(1.3 * mean(values("no2", paris(["04"]))));
    expect(mean(values("o3", paris(["15", "16"])))).toBeGreaterThan(1.3 * mean(values("o3", paris(["04"]))));
    const nullShare = out.filter((r) => r.value === null).length / out.length;
    expect(nullShare).toBeGreaterThan(0.005);
    expect(nullShare).toBeLessThan(0.05);
  });

  it("honours the requested parameters and refuses unknown ones", async () => {
    // Prepare
    const source = new SyntheticAirQualitySource({ clock, nullRate: 0 });

    // Act
    const out = await records(source, { from: "2024-11-26", to: "2024-11-26", variables: ["o3"] });
    const refused = records(source, { from: "2024-11-26", to: "2024-11-26", variables: ["so2"] });

    // Assess
    expect(new Set(out.map((r) => r.parameter))).toEqual(new Set(["o3"]));
    expect(out.every((r) => r.value !== null)).toBe(true);
    await expect(refused).rejects.toThrow(SourceError);
    await expect(refused).rejects.toThrow(/does not model "so2"; it models: pm25, pm10, no2, o3/);
  });
});
