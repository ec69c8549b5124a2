import { describe, expect, it } from "vitest";
import { ManualClock } from "../../packages/core/src/lake/clock";
import type { LocationOutcome, WeatherRecord } from "../../packages/core/src/sources/source";
import { SyntheticWeatherSource } from "../../packages/core/src/sources/synthetic/synthetic-weather";

const paris = { name: "Paris", latitude: 48.8566, longitude: 2.3522 };
const sydney = { name: "Sydney", latitude: -33.8688, longitude: 151.2093 };
const clock = new ManualClock(Date.UTC(2026, 10, 23, 12, 0, 0));

async function collect(source: SyntheticWeatherSource, from: string, to: string, variables: string[] = []) {
  const out: LocationOutcome<WeatherRecord>[] = [];
  for await (const outcome of source.fetch({ from, to, locations: [paris, sydney], variables })) out.push(outcome);
  return out;
}

describe("SyntheticWeatherSource", () => {
  it("yields 24 records per day per location, hourly in UTC, labelled synthetic", async () => {
    // Act
    const outcomes = await collect(new SyntheticWeatherSource({ clock }), "2024-11-24", "2024-11-30");

    // Assess
    expect(outcomes.map((o) => o.records?.length)).toEqual([168, 168]);
    const first = outcomes[0]!.records![0]!;
    expect(first).toMatchObject({ city: "Paris", measurement_time: "2024-11-24T00:00:00Z", source: "synthetic" });
    expect(first.collection_time).toBe("2026-11-23T12:00:00.000Z");
    expect(outcomes[0]!.records!.at(-1)!.measurement_time).toBe("2024-11-30T23:00:00Z");
  });

  it("is deterministic for a seed and independent of the requested range", async () => {
    // Act
    const week = await collect(new SyntheticWeatherSource({ seed: 7, clock }), "2024-11-24", "2024-11-30");
    const day = await collect(new SyntheticWeatherSource({ seed: 7, clock }), "2024-11-26", "2024-11-26");
    const otherSeed = await collect(new SyntheticWeatherSource({ seed: 8, clock }), "2024-11-26", "2024-11-26");

    // Assess
    const weekTemps = week[0]!.records!.slice(48, 72).map((r) => r.temperature);
    expect(day[0]!.records!.map((r) => r.temperature)).toEqual(weekTemps);
    expect(otherSeed[0]!.records!.map((r) => r.temperature)).not.toEqual(weekTemps);
  });

  it("has a plausible diurnal and seasonal shape", async () => {
    // Act
    const outcomes = await collect(new SyntheticWeatherSource({ clock }), "2024-01-01", "2024-01-28");
    const parisTemps = outcomes[0]!.records!;
    const meanAt = (hour: number) => {
      const values = parisTemps.filter((r) => r.measurement_time.slice(11, 13) === String(hour).padStart(2, "0"));
      return values.reduce((sum, r) => sum + (r.temperature ?? 0), 0) / values.length;
    };
    const mean = (records: readonly WeatherRecord[]) => records.reduce((s, r) => s + (r.temperature ?? 0), 0) / records.length;

    // Assess: afternoon warmer than before dawn; January in Paris colder than January in Sydney.
    expect(meanAt(14)).toBeGreaterThan(meanAt(4) + 3);
    expect(mean(parisTemps)).toBeLessThan(mean(outcomes[1]!.records!) - 10);
    for (const r of parisTemps) expect(r.temperature!).toBeGreaterThan(-30);
  });

  it("models the known extra variables and refuses unknown ones by name", async () => {
    // Act
    const outcomes = await collect(new SyntheticWeatherSource({ clock }), "2024-11-24", "2024-11-24", ["relative_humidity_2m", "wind_speed_10m"]);

    // Assess
    const record = outcomes[0]!.records![0]!;
    expect(record.relative_humidity_2m).toBeTypeOf("number");
    expect(record.wind_speed_10m).toBeTypeOf("number");
    await expect(collect(new SyntheticWeatherSource({ clock }), "2024-11-24", "2024-11-24", ["uv_index"])).rejects.toThrow(/does not model "uv_index"/);
  });

  it("rejects malformed and reversed date ranges naming the field", async () => {
    await expect(collect(new SyntheticWeatherSource(), "2024-13-01", "2024-12-01")).rejects.toThrow(/from must be a calendar date/);
    await expect(collect(new SyntheticWeatherSource(), "2024-11-30", "2024-11-24")).rejects.toThrow(/is after to/);
  });
});
