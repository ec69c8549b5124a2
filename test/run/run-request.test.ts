import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../packages/core/src/log/logger";
import { InvalidRunRequestError } from "../../packages/core/src/run/run-request";
import { LocalRuntime } from "../../packages/core/src/runtime/local";
import { removeLake, tempLake } from "../cli/sluice";
import { pipeline } from "../../packages/core/src/pipeline/pipeline";
import { runRequestOf, runRequestSchema } from "../../packages/core/src/run/run-request";
import { producerEventSchema } from "../../packages/functions/src/producer";
import { runInputSchema } from "../../packages/functions/src/step";

const checked = runRequestOf(() => pipeline);
const issuesOf = (value: unknown) => {
  const result = checked.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

// issue 10: one schema for a run request, shared by the producer's event and the run state
// machine's input (which the API's launcher checks with it before starting an execution).
describe("the run request", () => {
  it("is the one schema of the producer's event and the state machine's input", () => {
    expect(runInputSchema).toBe(runRequestSchema);
    // The producer's event is the same object shape: a field it does not know is refused alike.
    expect(producerEventSchema.safeParse({ dataset: "weather", colour: "red" }).error?.issues[0]).toMatchObject({ code: "unrecognized_keys", keys: ["colour"] });
    expect(runRequestSchema.safeParse({ dataset: "weather", colour: "red" }).error?.issues[0]).toMatchObject({ code: "unrecognized_keys", keys: ["colour"] });
  });

  it("takes a schedule's { dataset }, names, places and what the launcher resolved, for each dataset", () => {
    expect(issuesOf({ dataset: "air_quality" })).toEqual([]);
    expect(issuesOf({ dataset: "weather", locations: ["Paris", { name: "Home", latitude: 45, longitude: 5 }] })).toEqual([]);
    expect(issuesOf({ dataset: "stocks", tickers: ["AAPL", "BRK.B"], from: "2024-11-01", to: "2024-11-30" })).toEqual([]);
    // POST /runs hands the launcher resolved subjects for any dataset: places under locations.
    expect(issuesOf({ dataset: "stocks", source: "synthetic", from: "2024-11-01", to: "2024-11-02", locations: [{ name: "AAPL", latitude: 0, longitude: 0 }], variables: [], skipIngest: false })).toEqual([]);
    expect(checked.parse({}).dataset).toBe("weather");
  });

  it("names each field that does not fit the dataset", () => {
    expect(issuesOf({ dataset: "weather", tickers: ["AAPL"] })).toEqual(["tickers: tickers applies to dataset stocks, not weather"]);
    expect(issuesOf({ dataset: "stocks", locations: ["Paris"] })).toEqual(["locations: locations applies to dataset weather, not stocks"]);
    expect(issuesOf({ dataset: "weather", subjects: ["Paris"], locations: ["London"] })).toEqual(["locations: give subjects or locations, not both"]);
    expect(issuesOf({ dataset: "weather", source: "polygon" })).toEqual(['source: dataset weather has no source "polygon"; its sources: open-meteo, synthetic']);
    expect(issuesOf({ dataset: "nope" })).toEqual([`dataset: unknown dataset "nope"; the datasets: ${Object.keys(pipeline.datasets).join(", ")}`]);
    // Every issue at once: the malformed fields and the default dataset's own check.
    expect(issuesOf({ from: "2024-1-1", tickers: ["1X"] })).toEqual(["from: a day, YYYY-MM-DD", "tickers.0: a ticker symbol", "tickers: tickers applies to dataset stocks, not weather"]);
  });

  it("refuses a run's own fields in the producer's event, naming them", () => {
    const result = producerEventSchema.safeParse({ dataset: "weather", fullRefresh: true, mode: "full" });
    expect(result.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
      "mode: a run's field: the producer only ingests (start a run for mode)",
      "fullRefresh: a run's field: the producer only ingests (start a run for fullRefresh)",
    ]);
  });

  it("is what the run engine checks before it takes the lock, whoever starts the run", async () => {
    // Prepare: a twin lake, and parameters built wrong (a day without its leading zero, a stray field)
    const lake = await tempLake("run-request");
    const runtime = new LocalRuntime({ lake, pipeline, logger: silentLogger });
    try {
      const engine = await runtime.runEngine();
      const parameters = { dataset: "weather", source: "synthetic", from: "2024-11-1", to: "2024-11-02", locations: [{ name: "Paris", latitude: 48.85, longitude: 2.35 }], variables: ["temperature_2m"], skipIngest: false, colour: "red" };
      // Act
      const error = await engine.run(parameters).catch((e: unknown) => e);
      // Assess
      expect(error).toBeInstanceOf(InvalidRunRequestError);
      expect((error as InvalidRunRequestError).issues).toEqual(["from: a day, YYYY-MM-DD", "(request): Unrecognized key(s) in object: 'colour'"]);
      expect(existsSync(join(lake, "_sluice", "run.lock"))).toBe(false);
    } finally {
      await runtime.close();
      await removeLake(lake);
    }
  });
});
