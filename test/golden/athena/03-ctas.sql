CREATE TABLE "weather_parquet"
WITH (format = 'PARQUET', write_compression = 'ZSTD', external_location = 's3://sluice-prod-prod/weather_prod/data/<run id>/', partitioned_by = ARRAY['yr_mo_partition'])
AS SELECT "city", "measurement_time", "latitude", "longitude", "temperature", "relative_humidity_2m", "dew_point_2m", "apparent_temperature", "precipitation", "rain", "snowfall", "weather_code", "cloud_cover", "surface_pressure", "wind_speed_10m", "wind_direction_10m", "wind_gusts_10m", "source", "first_collection_time", "last_collection_time", "collection_count", date_format("measurement_time", '%Y-%m') AS "yr_mo_partition"
FROM (
SELECT *, "city" AS "location", date_format("measurement_time", '%Y') AS "year", date_format("measurement_time", '%m') AS "month", date_format("measurement_time", '%d') AS "day"
FROM (
  SELECT
    "city",
    CAST(from_iso8601_timestamp("measurement_time") AS timestamp) AS "measurement_time",
    max_by("latitude", "collection_time") AS "latitude",
    max_by("longitude", "collection_time") AS "longitude",
    max_by("temperature", "collection_time") AS "temperature",
    max_by("relative_humidity_2m", "collection_time") AS "relative_humidity_2m",
    max_by("dew_point_2m", "collection_time") AS "dew_point_2m",
    max_by("apparent_temperature", "collection_time") AS "apparent_temperature",
    max_by("precipitation", "collection_time") AS "precipitation",
    max_by("rain", "collection_time") AS "rain",
    max_by("snowfall", "collection_time") AS "snowfall",
    max_by("weather_code", "collection_time") AS "weather_code",
    max_by("cloud_cover", "collection_time") AS "cloud_cover",
    max_by("surface_pressure", "collection_time") AS "surface_pressure",
    max_by("wind_speed_10m", "collection_time") AS "wind_speed_10m",
    max_by("wind_direction_10m", "collection_time") AS "wind_direction_10m",
    max_by("wind_gusts_10m", "collection_time") AS "wind_gusts_10m",
    max_by("source", "collection_time") AS "source",
    min("collection_time") AS "first_collection_time",
    max("collection_time") AS "last_collection_time",
    count(*) AS "collection_count"
  FROM (
    SELECT "city", "measurement_time", "latitude", "longitude", "temperature", "relative_humidity_2m", "dew_point_2m", "apparent_temperature", "precipitation", "rain", "snowfall", "weather_code", "cloud_cover", "surface_pressure", "wind_speed_10m", "wind_direction_10m", "wind_gusts_10m", "source", CAST(from_iso8601_timestamp("collection_time") AS timestamp) AS "collection_time"
    FROM "stage_weather"
    WHERE date_format(CAST(from_iso8601_timestamp("measurement_time") AS timestamp), '%Y-%m') IN ('2024-11')
  )
  GROUP BY "city", "measurement_time"
)
)
WHERE date_format("measurement_time", '%Y-%m') IN ('2024-11')
ORDER BY "city", "measurement_time"
