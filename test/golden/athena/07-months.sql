SELECT DISTINCT date_format("measurement_time", '%Y-%m') AS "yr_mo_partition" FROM "clean_weather" ORDER BY 1
