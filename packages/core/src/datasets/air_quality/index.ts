import { AIR_QUALITY_VIEWS, GUIDELINE_UNIT } from "../../analytics/air-quality-views";
import { AIR_QUALITY_PARAMETERS, airQualityDataset } from "../../pipeline/air-quality";
import { OpenAqSource } from "../../sources/openaq/index";
import { SyntheticAirQualitySource } from "../../sources/synthetic/air-quality";
import { requiredKey } from "../api-key";
import type { DatasetModule } from "../module";
import { InvalidSubjectError, given, namedSubjects, refuseFields } from "../subject-rules";

/** Stations the synthetic air-quality source serves when none are named. */
export const DEFAULT_SYNTHETIC_STATIONS = ["Paris Centre", "London Marylebone", "Berlin Mitte"] as const;

/** Seed 002's hourly air quality per station: OpenAQ v3 (OPENAQ_API_KEY), or the synthetic source. */
export const airQuality: DatasetModule = {
  definition: airQualityDataset,
  sources: {
    openaq: ({ openAqApiKey, baseUrl, clock, logger }) => new OpenAqSource({ apiKey: requiredKey(openAqApiKey, "OPENAQ_API_KEY", "air_quality"), baseUrl, clock, logger }),
    synthetic: ({ seed, clock }) => new SyntheticAirQualitySource({ seed, clock }),
  },
  scheduledSource: "openaq",
  subjects: {
    noun: "station",
    field: "stations",
    // OpenAQ needs location ids: an unattended run must be given stations (or the config's).
    resolve(request, source) {
      refuseFields("air_quality", request, "cities", "custom", "tickers");
      if (!given(request, "stations") && source !== "synthetic") throw new InvalidSubjectError("stations", `OpenAQ location ids are required with source ${source}`);
      const stations = given(request, "stations") ? request.stations!.map((s) => s.trim()) : DEFAULT_SYNTHETIC_STATIONS;
      return namedSubjects("stations", stations);
    },
  },
  variables: { known: AIR_QUALITY_PARAMETERS, defaults: AIR_QUALITY_PARAMETERS },
  views: AIR_QUALITY_VIEWS,
  series: {
    subjectParam: "location",
    subjectColumn: "location",
    defaultMetric: "value",
    metrics: { value: { column: "value", unit: GUIDELINE_UNIT } },
    fixed: { column: "unit", value: GUIDELINE_UNIT },
    filter: { param: "parameter", column: "parameter", values: AIR_QUALITY_PARAMETERS, defaultValue: "pm25" },
    // The guideline is a 24-hour mean (o3: daily max 8-hour mean): against hourly values a reference, not a limit.
    charts: [{ name: "value", layout: "subjects", metric: "value", guideline: "WHO 2021 guideline" }],
  },
  secrets: ["OPENAQ_API_KEY"],
};
