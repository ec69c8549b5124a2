SELECT DISTINCT date_format(CAST(from_iso8601_timestamp("measurement_time") AS timestamp), '%Y-%m') AS "yr_mo_partition" FROM "stage_weather" ORDER BY 1
