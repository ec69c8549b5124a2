/** The Open-Meteo APIs sluice can read hourly weather from; `auto` picks one by date range. */
export type OpenMeteoEndpoint = "forecast" | "historical-forecast" | "archive";
export type OpenMeteoEndpointChoice = OpenMeteoEndpoint | "auto";

/** Every accepted endpoint name, for CLI validation and help text. */
export const OPEN_METEO_ENDPOINT_CHOICES: readonly OpenMeteoEndpointChoice[] = ["auto", "forecast", "historical-forecast", "archive"];

/** Default URLs (https://open-meteo.com/en/docs, …/historical-forecast-api, …/historical-weather-api). */
export const OPEN_METEO_URLS: Readonly<Record<OpenMeteoEndpoint, string>> = {
  forecast: "https://api.open-meteo.com/v1/forecast",
  "historical-forecast": "https://historical-forecast-api.open-meteo.com/v1/forecast",
  archive: "https://archive-api.open-meteo.com/v1/archive",
};

const PATHS: Readonly<Record<OpenMeteoEndpoint, string>> = {
  forecast: "/v1/forecast",
  "historical-forecast": "/v1/forecast",
  archive: "/v1/archive",
};

/** The URL of an endpoint; with `baseUrl` (a test server, a proxy) its path is appended to that base. */
export function endpointUrl(endpoint: OpenMeteoEndpoint, baseUrl?: string): string {
  if (baseUrl === undefined) return OPEN_METEO_URLS[endpoint];
  return baseUrl.replace(/\/+$/, "") + PATHS[endpoint];
}

const DAY_MS = 86_400_000;
/** Forecast API: `past_days` goes back at most 92 days (documented range 0–92). */
export const FORECAST_PAST_DAYS = 92;
/** Historical Forecast API: "Past weather forecasts from 2022 onwards are available". */
export const HISTORICAL_FORECAST_START = "2022-01-01";

/**
 * The endpoint `auto` uses for a UTC day range, given today's UTC midnight.
 *
 * 1. Starts within the last 92 days → `forecast` (it serves the past 92 days through the
 *    16-day horizon, and it is the only API with future hours).
 * 2. Ends in the future but starts earlier → `forecast` as well: nothing else has future data,
 *    and Open-Meteo's 400 about the too-early start is reported rather than silently cut.
 * 3. Starts on or after 2022-01-01 → `historical-forecast` (the same models as the forecast,
 *    archived from 2022 onwards, so recent and older data agree).
 * 4. Otherwise → `archive` (ERA5 reanalysis from 1940; its last ~5 days lag, documented as
 *    "daily with 5 days delay", and arrive as nulls, which are kept).
 */
export function chooseEndpoint(fromMs: number, toMs: number, todayMs: number): OpenMeteoEndpoint {
  if (fromMs >= todayMs - FORECAST_PAST_DAYS * DAY_MS) return "forecast";
  if (toMs > todayMs) return "forecast";
  if (fromMs >= Date.parse(`${HISTORICAL_FORECAST_START}T00:00:00Z`)) return "historical-forecast";
  return "archive";
}
