import { z } from "zod";
import type { Location } from "../../pipeline/types";
import { REQUIRED_WEATHER_VARIABLE, weatherColumnOf } from "../../pipeline/weather";
import type { WeatherRecord } from "../source";

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

/** One location's part of a response, as validated. */
export interface OpenMeteoLocationData {
  readonly utc_offset_seconds: number;
  readonly hourly: { readonly time: readonly string[] } & Readonly<Record<string, readonly (number | null)[] | readonly string[]>>;
}

/** Zod schema of one location's response: `hourly.time` plus one number|null array per variable, all the same length. */
export function locationDataSchema(variables: readonly string[]) {
  const shape: Record<string, z.ZodTypeAny> = {
    time: z.array(z.string().regex(TIME, "expected a local time like 2024-11-24T13:00")),
  };
  for (const variable of variables) shape[variable] = z.array(z.number().nullable());
  return z.object({
    utc_offset_seconds: z.number().int(),
    hourly: z
      .object(shape)
      .passthrough()
      .superRefine((hourly, ctx) => {
        const hours = (hourly.time as unknown[]).length;
        for (const variable of variables) {
          const length = (hourly[variable] as unknown[]).length;
          if (length !== hours) {
            ctx.addIssue({ code: z.ZodIssueCode.custom, path: [variable], message: `has ${length} values but hourly.time has ${hours}` });
          }
        }
      }),
  }) as unknown as z.ZodType<OpenMeteoLocationData, z.ZodTypeDef, unknown>;
}

/**
 * Schema of a whole response: Open-Meteo answers one object for one coordinate pair and "a list
 * of structures" in request order for several (https://open-meteo.com/en/docs/historical-weather-api).
 */
export function responseSchema(variables: readonly string[], locationCount: number): z.ZodType<OpenMeteoLocationData[], z.ZodTypeDef, unknown> {
  const one = locationDataSchema(variables);
  if (locationCount === 1) return one.transform((data) => [data]);
  return z.array(one).length(locationCount, `expected one entry per requested location (${locationCount})`);
}

/** Weather records of one location, one per hour, values kept as sent (`null` stays `null`). */
export function toWeatherRecords(
  location: Location,
  data: OpenMeteoLocationData,
  variables: readonly string[],
  collectionTime: string,
): WeatherRecord[] {
  const offsetMs = data.utc_offset_seconds * 1000;
  const temperatures = data.hourly[REQUIRED_WEATHER_VARIABLE] as readonly (number | null)[];
  const extras = variables
    .filter((v) => v !== REQUIRED_WEATHER_VARIABLE)
    .map((v) => ({ column: weatherColumnOf(v), values: data.hourly[v] as readonly (number | null)[] }));
  return data.hourly.time.map((localTime, i) => {
    const extraValues: Record<string, number | null> = {};
    for (const extra of extras) extraValues[extra.column] = extra.values[i] ?? null;
    // Key order matches the record schema: fixed columns, extra variables, then provenance.
    return {
      city: location.name,
      latitude: location.latitude,
      longitude: location.longitude,
      measurement_time: toUtcIso(localTime, offsetMs),
      temperature: temperatures[i] ?? null,
      ...extraValues,
      collection_time: collectionTime,
      source: "open-meteo",
    };
  });
}

/** `2024-11-24T14:00` at offset +1 h → `2024-11-24T13:00:00Z`. */
function toUtcIso(localTime: string, offsetMs: number): string {
  const wallMs = Date.parse(`${localTime.length === 16 ? `${localTime}:00` : localTime}Z`);
  return new Date(wallMs - offsetMs).toISOString().slice(0, 19) + "Z";
}
