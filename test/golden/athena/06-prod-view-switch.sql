CREATE OR REPLACE VIEW "weather_prod" AS
SELECT * FROM "weather_prod_v0001"
