-- custom0 (Rule_7)
select count(distinct city) from "weather_parquet" where measurement_time >= TIMESTAMP '2024-11-24 00:00:00'
