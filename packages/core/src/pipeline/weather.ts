import { arrivalHourFirehose, arrivalHourPartitionKeys, tablesOf } from "./conventions";
import type { ColumnSpec, DatasetDefinition, RunFacts } from "./types";

/**
 * Open-Meteo hourly variables sluice knows by type and unit. `temperature_2m` is required and
 * stored as `temperature`; any other variable is stored under its Open-Meteo name.
 */
export const WEATHER_VARIABLES: Readonly<Record<string, { column: string; unit: string; description: string }>> = {
  temperature_2m: { column: "temperature", unit: "°C", description: "Air temperature at 2 m" },
  relative_humidity_2m: { column: "relative_humidity_2m", unit: "%", description: "Relative humidity at 2 m" },
  dew_point_2m: { column: "dew_point_2m", unit: "°C", description: "Dew point at 2 m" },
  apparent_temperature: { column: "apparent_temperature", unit: "°C", description: "Felt temperature" },
  precipitation: { column: "precipitation", unit: "mm", description: "Total precipitation of the preceding hour" },
  rain: { column: "rain", unit: "mm", description: "Rain of the preceding hour" },
  snowfall: { column: "snowfall", unit: "cm", description: "Snowfall of the preceding hour" },
  weather_code: { column: "weather_code", unit: "WMO code", description: "Weather condition as a WMO code" },
  cloud_cover: { column: "cloud_cover", unit: "%", description: "Total cloud cover" },
  surface_pressure: { column: "surface_pressure", unit: "hPa", description: "Surface pressure" },
  wind_speed_10m: { column: "wind_speed_10m", unit: "km/h", description: "Wind speed at 10 m" },
  wind_direction_10m: { column: "wind_direction_10m", unit: "°", description: "Wind direction at 10 m" },
  wind_gusts_10m: { column: "wind_gusts_10m", unit: "km/h", description: "Wind gusts at 10 m" },
};

/** The variable every weather request includes. */
export const REQUIRED_WEATHER_VARIABLE = "temperature_2m";

/** Column name of an Open-Meteo hourly variable in a weather record. */
export function weatherColumnOf(variable: string): string {
  return WEATHER_VARIABLES[variable]?.column ?? variable;
}

const fixedColumns: ColumnSpec[] = [
  { name: "city", type: "string", nullable: false, description: "Location name (gazetteer or custom)" },
  { name: "latitude", type: "double", nullable: false, description: "Requested latitude, WGS84" },
  { name: "longitude", type: "double", nullable: false, description: "Requested longitude, WGS84" },
  { name: "measurement_time", type: "string", nullable: false, description: "Hour of the value, UTC ISO-8601" },
  { name: "temperature", type: "double", nullable: true, description: "Air temperature at 2 m, °C" },
];

const variableColumns: ColumnSpec[] = Object.entries(WEATHER_VARIABLES)
  .filter(([variable]) => variable !== REQUIRED_WEATHER_VARIABLE)
  .map(([, spec]) => ({ name: spec.column, type: "double", nullable: true, description: `${spec.description}, ${spec.unit}` }));

/**
 * Default weather rules (DQDL). Blocking unless marked warning: the run's range must be complete and
 * physically plausible; duplicates collected more than 3 times only warn.
 */
function weatherRules(facts: RunFacts): string {
  const inRange = `where "measurement_time >= TIMESTAMP '${facts.from} 00:00:00' and measurement_time <= TIMESTAMP '${facts.to} 23:00:00'"`;
  return `Rules = [
    RowCount > 0,
    IsComplete "city",
    IsComplete "measurement_time",
    ColumnValues "temperature" between -90 and 60,
    IsPrimaryKey "city" "measurement_time",
    DistinctValuesCount "city" >= ${facts.locationCount} ${inRange},
    CustomSql "select count(distinct city) from primary where measurement_time >= TIMESTAMP '${facts.to} 00:00:00'" >= ${facts.locationCount},
    Completeness "temperature" >= 0.95 ${inRange},
    ColumnValues "collection_count" <= 3 labels=["severity"="warning"]
]`;
}

/** The `weather` dataset: Open-Meteo hourly values per city, partitioned by place and arrival hour. */
export const weatherDataset: DatasetDefinition = {
  name: "weather",
  description: "Hourly weather per city from Open-Meteo (or the synthetic source)",
  recordSchema: [
    ...fixedColumns,
    ...variableColumns,
    { name: "collection_time", type: "string", nullable: false, description: "When sluice fetched the value, UTC ISO-8601" },
    { name: "source", type: "string", nullable: false, description: "open-meteo or synthetic" },
  ],
  rawPartitionKeys: arrivalHourPartitionKeys("location"),
  firehose: arrivalHourFirehose("weather", "location", "city"),
  tables: tablesOf("weather"),
  transform: {
    keyColumns: ["city", "measurement_time"],
    collectedAt: "collection_time",
    dedup: "latest",
    timestampColumns: ["measurement_time", "collection_time"],
    timeColumn: "measurement_time",
    // Seed 003's queries filter the clean view on location/year/month/day: here they describe the
    // measured hour (UTC), not the arrival hour of the raw partition.
    derivedColumns: {
      location: '"city"',
      year: "date_format(\"measurement_time\", '%Y')",
      month: "date_format(\"measurement_time\", '%m')",
      day: "date_format(\"measurement_time\", '%d')",
    },
    partitionBy: ["yr_mo_partition"],
    parquetCompression: "ZSTD",
  },
  dqRules: weatherRules,
  keepVersions: 3,
  schedule: "rate(1 hour)",
};
