import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queryRows, removeLake, sluice, tempLake } from "./sluice";

describe("sluice run for each dataset of the pipeline definition", () => {
  let lake: string;
  beforeEach(async () => {
    lake = await tempLake("datasets");
  });
  afterEach(() => removeLake(lake));

  it("publishes a checked stocks production table from the synthetic source, with its analytics views", async () => {
    // Act: two trading weeks of the default seven tickers
    const run = await sluice("run", "--dataset", "stocks", "--source", "synthetic", "--from", "2024-11-18", "--to", "2024-11-29", "--lake", lake);

    // Assess
    expect(run.code).toBe(0);
    expect(run.out).toContain("Published stocks_prod_v0001");
    const rows = await queryRows(lake, "SELECT count(DISTINCT ticker) AS tickers, count(*) AS bars, count_if(hourly_var IS NULL) AS nulls FROM stocks_prod");
    expect(rows).toEqual([{ tickers: 7, bars: 7 * 10 * 7, nulls: 0 }]);
    const macd = await queryRows(lake, "SELECT count(*) AS n FROM stocks_macd");
    expect(macd[0]!.n).toBe(490);
  });

  it("publishes a checked air-quality production table from the synthetic source", async () => {
    const run = await sluice("run", "--dataset", "air_quality", "--source", "synthetic", "--from", "2024-11-24", "--to", "2024-11-25", "--stations", "Lyon Centre,Madrid Retiro", "--lake", lake);
    expect(run.code).toBe(0);
    const rows = await queryRows(lake, "SELECT count(DISTINCT location) AS stations, count(DISTINCT parameter) AS parameters, count(*) AS n FROM air_quality_prod");
    expect(rows).toEqual([{ stations: 2, parameters: 4, n: 2 * 4 * 48 }]);
  });

  it("refuses a source, a flag or a missing key that does not fit the dataset, naming it (exit 2)", async () => {
    const wrongSource = await sluice("run", "--dataset", "stocks", "--source", "open-meteo", "--from", "2024-11-18", "--to", "2024-11-19", "--lake", lake);
    expect(wrongSource.code).toBe(2);
    expect(wrongSource.err).toContain('dataset stocks has no source "open-meteo"');
    const wrongFlag = await sluice("ingest", "--tickers", "AAPL", "--from", "2024-11-18", "--to", "2024-11-19", "--lake", lake);
    expect(wrongFlag.code).toBe(2);
    expect(wrongFlag.err).toContain("--tickers does not apply to dataset weather");
    const noKey = await sluice("ingest", "--dataset", "stocks", "--source", "polygon", "--tickers", "AAPL", "--from", "2024-11-18", "--to", "2024-11-19", "--lake", lake);
    expect(noKey.code).toBe(2);
    expect(noKey.err).toContain("POLYGON_API_KEY");
  });
});
