import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows, removeLake, runWeek, sluice, tempLake } from "./sluice";

describe("sluice run then sluice query on the local twin", () => {
  let lake: string;
  beforeAll(async () => {
    lake = await tempLake("run-query");
  });
  afterAll(() => removeLake(lake));

  it("publishes the 504 hourly rows of three cities over a week, and a second identical run adds no duplicates", async () => {
    // Prepare / Act: the first run
    const first = await runWeek(lake);

    // Assess
    expect(first.code, first.out + first.err).toBe(0);
    expect(first.out).toMatch(/SUCCEEDED/);
    expect(first.out).toMatch(/Published weather_prod_v0001\./);
    expect(first.out).toMatch(/^ctas\s+succeeded\s.*\b1 month\(s\), 1 statement\(s\)$/m);
    expect(first.out).toMatch(/^publish\s+succeeded\s.*\bweather_prod_v0001 \(1 written, 0 reused\)$/m);
    expect(await queryRows(lake, "SELECT count(*) AS n FROM weather_prod")).toEqual([{ n: 504 }]);

    // Act: the same run again (Firehose delivers the same records a second time)
    const second = await runWeek(lake);

    // Assess: still one row per city and hour, each collected twice
    expect(second.code, second.out + second.err).toBe(0);
    expect(second.out).toMatch(/Published weather_prod_v0002\./);
    const rows = await queryRows(
      lake,
      "SELECT count(*) AS n, count(DISTINCT city) AS cities, min(collection_count) AS min_cc, max(collection_count) AS max_cc FROM weather_prod",
    );
    expect(rows).toEqual([{ n: 504, cities: 3, min_cc: 2, max_cc: 2 }]);
    const raw = await queryRows(lake, "SELECT count(*) AS n FROM raw_weather");
    expect(raw).toEqual([{ n: 1008 }]);
  });

  it("answers the query in the text table format with the bytes scanned and Athena's price", async () => {
    // Act
    const result = await sluice("query", "--lake", lake, "SELECT count(*) AS n FROM weather_prod");

    // Assess
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^\s*n\n-+\n504\n/);
    // Athena bills at least 10 MB a query: 10 MB × $5/TB = $0.00005 (https://aws.amazon.com/athena/pricing/)
    expect(result.out).toMatch(/1 row; data scanned: [\d.]+ (B|KB|MB) \(≈ \$0\.000050 on Athena\)/);
  });
});
