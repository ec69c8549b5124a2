import { z } from "zod";
import type { Location } from "../../pipeline/types";
import { REQUIRED_WEATHER_VARIABLE, weatherColumnOf } from "../../pipeline/weather";
import type { IngestMode, WeatherRecord } from "../source";

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

/** The time-series block a mode answers in: `hourly` or `minutely_15` arrays, or the `current` object. */
type Block = IngestMode;

/** One location's part of a response, as validated: the block of the mode asked for. */
export interface OpenMeteoLocationData {
  readonly utc_offset_seconds: number;
  readonly hourly?: { readonly time: readonly string[] } & Readonly<Record<string, readonly (number | null)[] | readonly string[]>>;
  readonly minutely_15?: { readonly time: readonly string[] } & Readonly<Record<string, readonly (number | null)[] | readonly string[]>>;
  /** `{ time: "2024-11-24T13:15", interval: 900, temperature_2m: 7.1 }` (https://open-meteo.com/en/docs, "current"). */
  readonly current?: { readonly time: string; readonly interval: number } & Readonly<Record<string, number | string | null>>;
}

/** `time` plus one number|null array per variable, all the same length. */
function seriesSchema(variables: readonly string[], block: string) {
  const shape: Record<string, z.ZodTypeAny> = {
    time: z.array(z.string().regex(TIME, "expected a local time like 2024-11-24T13:00")),
  };
  for (const variable of variables) shape[variable] = z.array(z.number().nullable());
  return z
    .object(shape)
    .passthrough()
    .superRefine((series, ctx) => {
      const times = (series.time as unknown[]).length;
      for (const variable of variables) {
        const length = (series[variable] as unknown[]).length;
        if (length !== times) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, path: [variable], message: `has ${length} values but ${block}.time has ${times}` });
        }
      }
    });
}

/** `current`: one reading, its time and the interval it stands for, one number|null per variable. */
function currentSchema(variables: readonly string[]) {
  const shape: Record<string, z.ZodTypeAny> = {
    time: z.string().regex(TIME, "expected a local time like 2024-11-24T13:15"),
    interval: z.number().int().positive(),
  };
  for (const variable of variables) shape[variable] = z.number().nullable();
  return z.object(shape).passthrough();
}

/** Zod schema of one location's response: the mode's block (`hourly` by default) with every variable. */
export function locationDataSchema(variables: readonly string[], mode: Block = "hourly") {
  return z.object({
    utc_offset_seconds: z.number().int(),
    [mode]: mode === "current" ? currentSchema(variables) : seriesSchema(variables, mode),
  }) as unknown as z.ZodType<OpenMeteoLocationData, z.ZodTypeDef, unknown>;
}

/**
 * Schema of a whole response: Open-Meteo answers one object for one coordinate pair and "a list
 * of structures" in request order for several (https://open-meteo.com/en/docs/historical-weather-api).
 */
export function responseSchema(variables: readonly string[], locationCount: number, mode: Block = "hourly"): z.ZodType<OpenMeteoLocationData[], z.ZodTypeDef, unknown> {
  const one = locationDataSchema(variables, mode);
  if (locationCount === 1) return one.transform((data) => [data]);
  return z.array(one).length(locationCount, `expected one entry per requested location (${locationCount})`);
}

/**
 * Weather records of one location, values kept as sent (`null` stays `null`): one per hour or
 * quarter hour of the series, or, for `current`, one record of the reading, its
 * `measurement_time` the response's `current.time` (so collecting the same reading twice gives the
 * same key, which the clean view dedups).
 */
export function toWeatherRecords(
  location: Location,
  data: OpenMeteoLocationData,
  variables: readonly string[],
  collectionTime: string,
): WeatherRecord[] {
  const offsetMs = data.utc_offset_seconds * 1000;
  const extras = variables.filter((v) => v !== REQUIRED_WEATHER_VARIABLE).map((v) => ({ variable: v, column: weatherColumnOf(v) }));
  const record = (localTime: string, value: (variable: string) => number | null): WeatherRecord => {
    const extraValues: Record<string, number | null> = {};
    for (const extra of extras) extraValues[extra.column] = value(extra.variable);
    // Key order matches the record schema: fixed columns, extra variables, then provenance.
    return {
      city: location.name,
      latitude: location.latitude,
      longitude: location.longitude,
      measurement_time: toUtcIso(localTime, offsetMs),
      temperature: value(REQUIRED_WEATHER_VARIABLE),
      ...extraValues,
      collection_time: collectionTime,
      source: "open-meteo",
    };
  };
  if (data.current) {
    const current = data.current;
    return [record(current.time, (v) => (current[v] as number | null | undefined) ?? null)];
  }
  const series = data.minutely_15 ?? data.hourly;
  if (!series) return [];
  return series.time.map((localTime, i) => record(localTime, (v) => (series[v] as readonly (number | null)[])[i] ?? null));
}

/** `2024-11-24T14:00` at offset +1 h → `2024-11-24T13:00:00Z`. */
function toUtcIso(localTime: string, offsetMs: number): string {
  const wallMs = Date.parse(`${localTime.length === 16 ? `${localTime}:00` : localTime}Z`);
  return new Date(wallMs - offsetMs).toISOString().slice(0, 19) + "Z";
}
