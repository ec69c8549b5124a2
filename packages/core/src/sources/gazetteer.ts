import type { Location } from "../pipeline/types";
import { GAZETTEER_CITIES } from "./gazetteer-cities";

export { GAZETTEER_CITIES } from "./gazetteer-cities";

/** A city name the gazetteer does not know; `suggestions` are the closest known names. */
export class UnknownLocationError extends Error {
  override readonly name = "UnknownLocationError";
  constructor(
    readonly query: string,
    readonly suggestions: readonly string[],
  ) {
    super(
      `unknown city "${query}"` +
        (suggestions.length > 0 ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(", ")}?` : ".") +
        ` Use a custom location Name=lat,lon for places not in the built-in list.`,
    );
  }
}

/** A custom location `Name=lat,lon` that cannot be used; the message names the bad part. */
export class InvalidLocationError extends Error {
  override readonly name = "InvalidLocationError";
  constructor(
    readonly input: string,
    reason: string,
  ) {
    super(`invalid location "${input}": ${reason} (expected Name=latitude,longitude, e.g. "Home=48.85,2.35")`);
  }
}

/** Folds case and accents so "sao paulo" finds "São Paulo". */
function normalise(name: string): string {
  return name
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
}

const byKey = new Map(GAZETTEER_CITIES.map((city) => [normalise(city.name), city]));

/** The built-in city of that name (case- and accent-insensitive), or an error listing close names. */
export function lookupCity(name: string): Location {
  const city = byKey.get(normalise(name));
  if (!city) throw new UnknownLocationError(name, closeMatches(name));
  return city;
}

/** Up to `max` known names nearest to `query`: prefix or substring matches first, then small edit distance. */
export function closeMatches(query: string, max = 5): string[] {
  const q = normalise(query);
  if (q === "") return [];
  const scored = GAZETTEER_CITIES.map((city) => {
    const key = normalise(city.name);
    const contains = key.startsWith(q) || q.startsWith(key) || key.includes(q) ? 0 : 1;
    return { name: city.name, contains, distance: editDistance(q, key) };
  });
  const threshold = Math.max(2, Math.floor(q.length / 3));
  return scored
    .filter((s) => s.contains === 0 || s.distance <= threshold)
    .sort((a, b) => a.contains - b.contains || a.distance - b.distance || a.name.localeCompare(b.name))
    .slice(0, max)
    .map((s) => s.name);
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** Parses `Name=lat,lon` (latitude −90..90, longitude −180..180, a name without `/`). */
export function parseCustomLocation(input: string): Location {
  const eq = input.indexOf("=");
  if (eq < 0) throw new InvalidLocationError(input, `missing "=" between the name and the coordinates`);
  const name = input.slice(0, eq).trim();
  const coords = input.slice(eq + 1).split(",").map((part) => part.trim());
  if (name === "") throw new InvalidLocationError(input, "the name is empty");
  // The name becomes a partition path segment (location=<name>/), so it must not split the path.
  if (name.includes("/")) throw new InvalidLocationError(input, `the name "${name}" contains "/"`);
  if (/\p{Cc}/u.test(name)) throw new InvalidLocationError(input, `the name contains a control character`);
  if (coords.length !== 2) {
    throw new InvalidLocationError(input, `expected two coordinates "latitude,longitude", got ${coords.length} value(s)`);
  }
  const [latText, lonText] = coords as [string, string];
  const latitude = parseCoordinate(input, "latitude", latText, 90);
  const longitude = parseCoordinate(input, "longitude", lonText, 180);
  return { name, latitude, longitude };
}

function parseCoordinate(input: string, field: string, text: string, limit: number): number {
  if (!NUMBER.test(text)) throw new InvalidLocationError(input, `${field} "${text}" is not a decimal number`);
  const value = Number(text);
  if (value < -limit || value > limit) {
    throw new InvalidLocationError(input, `${field} ${value} is outside −${limit}..${limit}`);
  }
  return value;
}

/**
 * Gazetteer names then custom `Name=lat,lon` entries, as locations in that order; a name seen
 * twice (case-insensitive) keeps its first occurrence.
 */
export function resolveLocations(names: readonly string[], custom: readonly string[]): Location[] {
  const resolved = [...names.map(lookupCity), ...custom.map(parseCustomLocation)];
  const seen = new Set<string>();
  return resolved.filter((location) => {
    const key = normalise(location.name);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Levenshtein distance, two rows. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}
