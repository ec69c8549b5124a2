import { z } from "zod";
import type { AirQualityRecord } from "../../pipeline/air-quality";

const parameterSchema = z.object({ id: z.number().int(), name: z.string(), units: z.string(), displayName: z.string().nullish() }).passthrough();
const datetimeSchema = z.object({ utc: z.string(), local: z.string().optional() }).passthrough();
const coordinatesSchema = z.object({ latitude: z.number().nullish(), longitude: z.number().nullish() }).passthrough();
/** OpenAQ's `meta`: `found` is a number, or a string such as ">1000" when the count is large. */
const metaSchema = z
  .object({ page: z.number().int().optional(), limit: z.number().int().optional(), found: z.union([z.number(), z.string()]).nullish() })
  .passthrough();

/** `GET /v3/locations/{id}` (https://docs.openaq.org/api/operations/location_get_v3_locations__locations_id__get). */
export const locationResponseSchema = z
  .object({
    meta: metaSchema.optional(),
    results: z.array(
      z
        .object({
          id: z.number().int(),
          name: z.string().nullish(),
          coordinates: coordinatesSchema.nullish(),
          sensors: z.array(z.object({ id: z.number().int(), name: z.string().nullish(), parameter: parameterSchema }).passthrough()),
        })
        .passthrough(),
    ),
  })
  .passthrough();

/** `GET /v3/sensors/{id}/hours` (https://docs.openaq.org/resources/measurements): hourly means, `value` may be null. */
export const hoursResponseSchema = z
  .object({
    meta: metaSchema.optional(),
    results: z.array(
      z
        .object({
          value: z.number().nullable(),
          parameter: parameterSchema,
          period: z.object({ datetimeFrom: datetimeSchema.nullish(), datetimeTo: datetimeSchema.nullish() }).passthrough().nullish(),
          coordinates: coordinatesSchema.nullish(),
        })
        .passthrough(),
    ),
  })
  .passthrough();

export type OpenAqLocation = z.infer<typeof locationResponseSchema>["results"][number];
export type OpenAqSensor = OpenAqLocation["sensors"][number];
export type OpenAqHour = z.infer<typeof hoursResponseSchema>["results"][number];

const HOUR_MS = 3_600_000;

/** The end of a value's hour in ms: `period.datetimeTo.utc`, else `datetimeFrom.utc` + 1 h, else undefined. */
export function hourEndMs(hour: OpenAqHour): number | undefined {
  const to = hour.period?.datetimeTo?.utc;
  if (to !== undefined) return Date.parse(to);
  const from = hour.period?.datetimeFrom?.utc;
  return from === undefined ? undefined : Date.parse(from) + HOUR_MS;
}

/** One record per hourly value; `measurement_time` is the END of the hour, as in the dataset schema. */
export function toAirQualityRecord(location: OpenAqLocation, sensor: OpenAqSensor, hour: OpenAqHour, endMs: number, collectionTime: string): AirQualityRecord {
  return {
    location: location.name ?? String(location.id),
    location_id: location.id,
    sensor_id: sensor.id,
    latitude: location.coordinates?.latitude ?? hour.coordinates?.latitude ?? null,
    longitude: location.coordinates?.longitude ?? hour.coordinates?.longitude ?? null,
    parameter: sensor.parameter.name,
    unit: hour.parameter.units,
    value: hour.value,
    measurement_time: new Date(endMs).toISOString().slice(0, 19) + "Z",
    collection_time: collectionTime,
    source: "openaq",
  };
}
