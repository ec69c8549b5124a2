import { arrivalHourFirehose, arrivalHourPartitionKeys, tablesOf } from "./conventions";
import type { DatasetDefinition, RunFacts } from "./types";

/** Parameters sluice asks OpenAQ for by default, with WHO 2021 guideline values (µg/m³). */
export const AIR_QUALITY_PARAMETERS = ["pm25", "pm10", "no2", "o3"] as const;

/** An hourly air-quality measurement as sent to Firehose (OpenAQ v3, seed 002). */
export interface AirQualityRecord {
  /** OpenAQ location name (or the synthetic station's). */
  location: string;
  location_id: number;
  sensor_id: number | null;
  latitude: number | null;
  longitude: number | null;
  /** pm25, pm10, no2, o3, … */
  parameter: string;
  unit: string;
  value: number | null;
  /** End of the hourly averaging period, UTC ISO-8601. */
  measurement_time: string;
  collection_time: string;
  source: string;
}

function airQualityRules(facts: RunFacts): string {
  const inRange = `where "measurement_time >= TIMESTAMP '${facts.from} 00:00:00' and measurement_time <= TIMESTAMP '${facts.to} 23:59:59'"`;
  return `Rules = [
    RowCount > 0,
    IsComplete "parameter",
    IsComplete "measurement_time",
    IsPrimaryKey "location_id" "parameter" "measurement_time",
    DistinctValuesCount "location_id" >= ${facts.locationCount} ${inRange},
    ColumnValues "value" >= 0 where "value is not null",
    Completeness "value" >= 0.9 ${inRange},
    ColumnValues "collection_count" <= 3 labels=["severity"="warning"]
]`;
}

/** The `air_quality` dataset: hourly values per station and parameter, partitioned by station and arrival hour. */
export const airQualityDataset: DatasetDefinition = {
  name: "air_quality",
  description: "Hourly air-quality measurements per station and parameter from OpenAQ v3 (or the synthetic source)",
  recordSchema: [
    { name: "location", type: "string", nullable: false, description: "Station name" },
    { name: "location_id", type: "bigint", nullable: false, description: "OpenAQ location id" },
    { name: "sensor_id", type: "bigint", nullable: true, description: "OpenAQ sensor id" },
    { name: "latitude", type: "double", nullable: true, description: "Station latitude, WGS84" },
    { name: "longitude", type: "double", nullable: true, description: "Station longitude, WGS84" },
    { name: "parameter", type: "string", nullable: false, description: "Pollutant: pm25, pm10, no2, o3, …" },
    { name: "unit", type: "string", nullable: false, description: "Unit of value (µg/m³, ppm, …)" },
    { name: "value", type: "double", nullable: true, description: "Hourly mean" },
    { name: "measurement_time", type: "string", nullable: false, description: "End of the hour, UTC ISO-8601" },
    { name: "collection_time", type: "string", nullable: false, description: "When sluice fetched the value, UTC ISO-8601" },
    { name: "source", type: "string", nullable: false, description: "openaq or synthetic" },
  ],
  rawPartitionKeys: arrivalHourPartitionKeys("location"),
  firehose: arrivalHourFirehose("air_quality", "location", "location"),
  tables: tablesOf("air_quality"),
  transform: {
    keyColumns: ["location_id", "parameter", "measurement_time"],
    collectedAt: "collection_time",
    dedup: "latest",
    timestampColumns: ["measurement_time", "collection_time"],
    timeColumn: "measurement_time",
    derivedColumns: {},
    partitionBy: ["yr_mo_partition"],
    parquetCompression: "ZSTD",
  },
  dqRules: airQualityRules,
  keepVersions: 3,
  schedule: "rate(1 hour)",
};
