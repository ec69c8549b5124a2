import { WEATHER_VIEWS } from "../../analytics/weather-views";
import { REQUIRED_WEATHER_VARIABLE, WEATHER_VARIABLES, weatherDataset } from "../../pipeline/weather";
import { resolveLocations } from "../../sources/gazetteer";
import { OpenMeteoSource } from "../../sources/open-meteo/index";
import { SyntheticWeatherSource } from "../../sources/synthetic/synthetic-weather";
import type { DatasetModule } from "../module";
import { given, refuseFields } from "../subject-rules";

/** A city's requested coordinates: constant per city, so no series to draw. */
const CITY_COORDINATES = ["latitude", "longitude"];

/** Seed 003's hourly weather per city: Open-Meteo, or the synthetic source offline. */
export const weather: DatasetModule = {
  definition: weatherDataset,
  sources: {
    "open-meteo": ({ endpoint, baseUrl, clock, logger }) => new OpenMeteoSource({ endpoint, baseUrl, clock, logger }),
    synthetic: ({ seed, clock }) => new SyntheticWeatherSource({ seed, clock }),
  },
  scheduledSource: "open-meteo",
  subjects: {
    noun: "city",
    field: "cities",
    scheduledDefaults: ["Paris", "London", "Berlin"],
    resolve(request) {
      refuseFields("weather", request, "tickers", "stations");
      const cities = request.cities !== undefined ? request.cities : given(request, "custom") ? [] : ["Paris", "London", "Berlin"];
      return resolveLocations(cities, request.custom ?? []);
    },
  },
  variables: { known: Object.keys(WEATHER_VARIABLES), defaults: [REQUIRED_WEATHER_VARIABLE] },
  views: WEATHER_VIEWS,
  // Every numeric column that is neither key nor a city's own coordinates is a metric (its unit from the variable list).
  series: {
    subjectParam: "city",
    subjectColumn: "city",
    defaultMetric: "temperature",
    metrics: Object.fromEntries(
      weatherDataset.recordSchema
        .filter((c) => c.type === "double" && !weatherDataset.transform.keyColumns.includes(c.name) && !CITY_COORDINATES.includes(c.name))
        .map((c) => {
          const [variable, known] = Object.entries(WEATHER_VARIABLES).find(([, v]) => v.column === c.name) ?? [];
          return [c.name, { column: c.name, unit: known?.unit ?? null, ...(variable ? { variable } : {}) }];
        }),
    ),
  },
  secrets: [],
};
