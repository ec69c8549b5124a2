import { describe, expect, it } from "vitest";
import {
  GAZETTEER_CITIES,
  InvalidLocationError,
  UnknownLocationError,
  lookupCity,
  parseCustomLocation,
  resolveLocations,
} from "../../packages/core/src/sources/index";

describe("gazetteer", () => {
  it("knows about sixty well-known cities with valid, distinct entries", () => {
    // Assess
    expect(GAZETTEER_CITIES.length).toBeGreaterThanOrEqual(60);
    const names = GAZETTEER_CITIES.map((c) => c.name.toLowerCase());
    expect(new Set(names).size).toBe(names.length);
    for (const city of GAZETTEER_CITIES) {
      expect(Math.abs(city.latitude)).toBeLessThanOrEqual(90);
      expect(Math.abs(city.longitude)).toBeLessThanOrEqual(180);
      expect(city.name).not.toContain("/");
    }
    for (const required of ["Paris", "London", "Berlin", "Madrid", "Rome", "New York", "Tokyo", "Sydney", "São Paulo", "Cairo", "Mumbai", "Manchester", "Edinburgh"]) {
      expect(names).toContain(required.toLowerCase());
    }
  });

  it("has coordinates within 0.01° of reference values", () => {
    // Reference: the seed's Paris call (48.86, 2.34 grid cell) and the Open-Meteo docs' Berlin example (52.52, 13.41).
    const near = (name: string, lat: number, lon: number) => {
      const city = lookupCity(name);
      return Math.abs(city.latitude - lat) <= 0.01 && Math.abs(city.longitude - lon) <= 0.01;
    };
    expect(near("Paris", 48.86, 2.35)).toBe(true);
    expect(near("Berlin", 52.52, 13.41)).toBe(true);
    expect(near("Tokyo", 35.68, 139.65)).toBe(true);
    expect(lookupCity("Sydney").latitude).toBeLessThan(0);
    expect(lookupCity("New York").longitude).toBeLessThan(0);
  });

  it("looks names up ignoring case and accents", () => {
    expect(lookupCity("paris").name).toBe("Paris");
    expect(lookupCity("  NEW   york ").name).toBe("New York");
    expect(lookupCity("sao paulo").name).toBe("São Paulo");
  });

  it("suggests close names for an unknown city", () => {
    // Act
    const error = (() => {
      try {
        lookupCity("Pariss");
      } catch (e) {
        return e;
      }
      return undefined;
    })();

    // Assess
    expect(error).toBeInstanceOf(UnknownLocationError);
    expect((error as UnknownLocationError).suggestions[0]).toBe("Paris");
    expect((error as Error).message).toMatch(/^unknown city "Pariss"; did you mean "Paris"/);
    expect(() => lookupCity("Manchestr")).toThrow(/did you mean "Manchester"/);
    expect(() => lookupCity("Qwxyzzy")).toThrow(/^unknown city "Qwxyzzy". Use a custom location/);
  });

  it("parses custom Name=lat,lon locations", () => {
    expect(parseCustomLocation("Home=48.1,-1.5")).toEqual({ name: "Home", latitude: 48.1, longitude: -1.5 });
    expect(parseCustomLocation(" Base Camp = -85 , 179.99 ")).toEqual({ name: "Base Camp", latitude: -85, longitude: 179.99 });
  });

  it.each([
    ["Home", /missing "="/],
    ["=1,2", /the name is empty/],
    ["A/B=1,2", /the name "A\/B" contains "\/"/],
    ["Home=1", /expected two coordinates/],
    ["Home=91,0", /latitude 91 is outside −90..90/],
    ["Home=0,-180.5", /longitude -180.5 is outside −180..180/],
    ["Home=abc,1", /latitude "abc" is not a decimal number/],
    ["Home=1,2,3", /got 3 value/],
  ])("rejects %s with a clear error", (input, message) => {
    expect(() => parseCustomLocation(input)).toThrow(InvalidLocationError);
    expect(() => parseCustomLocation(input)).toThrow(message);
    expect(() => parseCustomLocation(input)).toThrow(`invalid location "${input}"`);
  });

  it("resolves names then custom locations, in order", () => {
    // Act
    const locations = resolveLocations(["Tokyo", "paris"], ["Home=1,2"]);

    // Assess
    expect(locations.map((l) => l.name)).toEqual(["Tokyo", "Paris", "Home"]);
    expect(locations[2]).toEqual({ name: "Home", latitude: 1, longitude: 2 });
  });

  it("refuses a location given twice, naming both spellings (one location= partition cannot hold two places)", () => {
    expect(() => resolveLocations(["Tokyo", "paris"], ["PARIS=3,4"])).toThrow('invalid location "PARIS": given twice ("paris" and "PARIS=3,4"); name each location once');
    expect(() => resolveLocations(["Tokyo", "tokyo"], [])).toThrow(InvalidLocationError);
  });
});
