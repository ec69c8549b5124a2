/** Analytics views over the production views: defined once in Athena SQL, created on Athena and the twin. */
export { type AnalyticsView, createViewSql, doubleLiteral } from "./view";
export { emaAlpha, emaLookback, emaCte } from "./ema";
export { WEATHER_VIEWS } from "./weather-views";
export { STOCK_VIEWS, STOCK_WINDOWS } from "./stocks-views";
export { AIR_QUALITY_VIEWS, WHO_2021_GUIDELINES, MIN_PERIODS_PER_DAY, MIN_HOURS_PER_8H, GUIDELINE_UNIT } from "./air-quality-views";
export { ANALYTICS_VIEWS, analyticsViewsOf, createAnalyticsViews } from "./create";
