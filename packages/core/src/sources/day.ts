/**
 * The days a request may name. No source sluice pulls has data before 1940-01-01, the first day of
 * Open-Meteo's historical archive (ERA5); Polygon's bars and OpenAQ's measurements start later.
 * Years keep four digits (`YYYY-MM-DD`, the lake's `yr_mo_partition` text), so 9999 is the last.
 */
export const FIRST_DAY = "1940-01-01";
export const LAST_DAY = "9999-12-31";

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Why `text` is not a day sluice accepts, or undefined with its midnight UTC in `ms`. */
export function dayProblem(text: string): { problem: string; ms?: undefined } | { problem?: undefined; ms: number } {
  const match = DAY_RE.exec(text);
  if (!match) return { problem: `must be a date YYYY-MM-DD, got "${text}"` };
  // setUTCFullYear, not Date.UTC: Date.UTC maps the years 0–99 to 1900–1999.
  const ms = new Date(0).setUTCFullYear(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (new Date(ms).toISOString().slice(0, 10) !== text) return { problem: `must be a calendar date YYYY-MM-DD, got "${text}" (no such day)` };
  if (text < FIRST_DAY || text > LAST_DAY) {
    return { problem: `is ${text}, outside the days sluice accepts, ${FIRST_DAY}..${LAST_DAY}: no source has data before ${FIRST_DAY} (the first day of Open-Meteo's archive)` };
  }
  return { ms };
}
