import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FsCatalog } from "../../packages/core/src/catalog/fs-catalog";
import { queryRows, removeLake, sluice, tempLake } from "../cli/sluice";

describe("a run whose Parquet table has more than 100 month partitions", () => {
  let lake: string;
  beforeAll(async () => {
    lake = await tempLake("months");
  });
  afterAll(() => removeLake(lake));

  it("writes them in statements of at most 100 partitions (Athena's limit) and publishes all of them", async () => {
    // Prepare: January 2016 … May 2024 is 101 months
    const args = ["run", "--source", "synthetic", "--from", "2016-01-01", "--to", "2024-05-31", "--locations", "Paris", "--lake", lake, "--json"];

    // Act
    const run = await sluice(...args);

    // Assess
    expect(run.code, run.out + run.err).toBe(0);
    const record = JSON.parse(run.out) as { status: string; steps: { name: string; rowsOut?: number; detail?: Record<string, unknown> }[] };
    const ctas = record.steps.find((s) => s.name === "ctas")!;
    const hours = (Date.parse("2024-06-01") - Date.parse("2016-01-01")) / 3_600_000;
    expect(ctas.rowsOut).toBe(hours);
    expect(ctas.detail).toMatchObject({ statements: 2 });
    const partitions = await new FsCatalog(join(lake, "_catalog")).getPartitions("sluice", "weather_prod_v0001");
    expect(partitions).toHaveLength(101);
    expect(await queryRows(lake, "SELECT count(*) AS n, count(DISTINCT yr_mo_partition) AS months, min(yr_mo_partition) AS first, max(yr_mo_partition) AS last FROM weather_prod")).toEqual([
      { n: hours, months: 101, first: "2016-01", last: "2024-05" },
    ]);
  });
});
