import { describe, expect, it } from "vitest";
import { validateFirehoseConfig } from "../../packages/core/src/delivery";
import { parseRuleset } from "../../packages/core/src/dq";
import { airQualityDataset } from "../../packages/core/src/pipeline/air-quality";
import { stocksDataset } from "../../packages/core/src/pipeline/stocks";
import type { DatasetDefinition } from "../../packages/core/src/pipeline/types";
import { weatherDataset } from "../../packages/core/src/pipeline/weather";
import { cleanViewSql, ctasSql } from "../../packages/core/src/transform/athena-sql";
import { translateAthenaSql } from "../../packages/core/src/sql";

const datasets: DatasetDefinition[] = [weatherDataset, stocksDataset, airQualityDataset];

describe.each(datasets.map((d) => [d.name, d] as const))("the %s dataset definition", (_name, dataset) => {
  it("has a Firehose configuration AWS accepts, and the twin too", () => {
    expect(validateFirehoseConfig(dataset.firehose, "aws")).toEqual([]);
    expect(validateFirehoseConfig(dataset.firehose, "twin")).toEqual([]);
  });

  it("has DQ rules that parse for any run", () => {
    const rules = parseRuleset(dataset.dqRules({ locationCount: 3, from: "2024-11-24", to: "2024-11-30" }));
    expect(rules.rules.length).toBeGreaterThan(3);
  });

  it("partitions raw by the keys its prefix writes, and keys the clean view on record columns", () => {
    const columns = dataset.recordSchema.map((c) => c.name);
    for (const key of dataset.transform.keyColumns) expect(columns).toContain(key);
    expect(columns).toContain(dataset.transform.collectedAt);
    for (const key of dataset.rawPartitionKeys) expect(dataset.firehose.prefix).toContain(`${key}=`);
  });

  it("builds a clean view and a CTAS that the Athena translator accepts", () => {
    expect(() => translateAthenaSql(`CREATE OR REPLACE VIEW ${dataset.tables.clean} AS ${cleanViewSql(dataset)}`)).not.toThrow();
    expect(translateAthenaSql(ctasSql(dataset, `s3://processed/${dataset.tables.parquet}/`, [])).statement.kind).toBe("create_table_as");
  });
});
