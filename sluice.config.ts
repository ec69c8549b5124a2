import { defineConfig } from "./packages/core/src/config/config";

/**
 * The project config: what `npm run deploy` deploys and what `sluice` asks for by default in this
 * folder (docs/datasets.md "The project config"). Every field is optional; a bad one stops
 * synthesis and the CLI with its path named.
 */
export default defineConfig({
  datasets: {
    weather: {
      subjects: ["Paris", "London", "Berlin"],
      // variables: ["temperature_2m", "wind_speed_10m"],
      // schedule: "rate(1 hour)",          // the producer (ingest) on AWS
      // runSchedule: "cron(15 * * * ? *)", // the end-to-end run on AWS
      // rules: ['ColumnValues "temperature" between -40 and 45'],
    },
    // stocks: { subjects: ["AAPL", "MSFT"] },
    // The air-quality producer is scheduled only once it has OpenAQ location ids:
    // air_quality: { subjects: ["2178"] },
  },
});
