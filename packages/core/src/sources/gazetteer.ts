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
    hint = ` (expected Name=latitude,longitude, e.g. "Home=48.85,2.35")`,
  ) {
    super(`invalid location "${input}": ${reason}${hint}`);
  }
}

/**
 * Characters a subject name (it becomes the `location=<name>/` partition folder) must not hold:
 * the ones Hive escapes in partition paths (FileUtils.escapePathName: double and single quote,
 * hash, percent, asterisk, slash, colon, equals, question mark, backslash, braces, brackets, caret,
 * DEL and control characters), so Athena reads back the name Firehose wrote; the twin's object
 * keys refuse the backslash too.
 */
const UNSAFE_NAME_RE = /["#%'*/:=?\\{}[\]^\p{Cc}]/u;

/** Why a name cannot be a subject (a partition value), or undefined. */
export function subjectNameProblem(name: string): string | undefined {
  if (name.trim() === "") return "the name is empty";
  if (name === "." || name === "..") return `the name "${name}" is not a folder name`;
  const bad = UNSAFE_NAME_RE.exec(name)?.[0];
  if (bad === undefined) return undefined;
  const shown = /\p{Cc}/u.test(bad) ? `a control character (U+${bad.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")})` : `"${bad}"`;
  const named = /\p{Cc}/u.test(name) ? JSON.stringify(name) : `"${name}"`;
  return `the name ${named} contains ${shown}, which cannot be in a partition value (none of " # % ' * / : = ? \\ { } [ ] ^ or control characters)`;
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
  // The name becomes a partition path segment (location=<name>/).
  const problem = subjectNameProblem(name);
  if (problem !== undefined) throw new InvalidLocationError(input, problem);
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
 * Gazetteer names then custom `Name=lat,lon` entries, as locations in that order. A name given
 * twice (case- and accent-insensitive) is refused: both would land in one `location=` partition,
 * and dropping one would ingest a place other than the one asked for.
 */
export function resolveLocations(names: readonly string[], custom: readonly string[]): Location[] {
  const given = [...names.map((name) => ({ text: name, location: lookupCity(name) })), ...custom.map((text) => ({ text, location: parseCustomLocation(text) }))];
  const seen = new Map<string, string>();
  for (const { text, location } of given) {
    const key = normalise(location.name);
    const first = seen.get(key);
    if (first !== undefined) throw new InvalidLocationError(location.name, `given twice ("${first}" and "${text}"); name each location once`, "");
    seen.set(key, text);
  }
  return given.map((g) => g.location);
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
