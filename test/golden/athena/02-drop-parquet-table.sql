DROP TABLE IF EXISTS weather_parquet
