INSERT INTO "weather_parquet"
SELECT "city", "measurement_time", "latitude", "longitude", "temperature", "relative_humidity_2m", "dew_point_2m", "apparent_temperature", "precipitation", "rain", "snowfall", "weather_code", "cloud_cover", "surface_pressure", "wind_speed_10m", "wind_direction_10m", "wind_gusts_10m", "source", "first_collection_time", "collection_count", date_format("measurement_time", '%Y-%m') AS "yr_mo_partition"
FROM "clean_weather"
WHERE date_format("measurement_time", '%Y-%m') IN ('2024-12')
