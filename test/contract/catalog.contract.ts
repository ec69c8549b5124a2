import { describe, expect, it } from "vitest";
import type { Catalog, CatalogTable } from "../../packages/core/src/catalog/catalog";
import { TableNotFoundError } from "../../packages/core/src/catalog/catalog";

/** A fresh, empty catalog (database "sluice") and its cleanup. */
export type CatalogFixture = () => Promise<{ catalog: Catalog; cleanup(): Promise<void> }>;

type NewTable = Omit<CatalogTable, "version" | "updatedAt">;

/** The raw JSON table as the run engine registers it. */
export const rawTable: NewTable = {
  database: "sluice",
  name: "raw_weather",
  kind: "table",
  columns: [
    { name: "city", type: "string", comment: "Location name" },
    { name: "temperature", type: "double" },
    { name: "weather_code", type: "bigint" },
  ],
  partitionKeys: ["location", "year"],
  location: "s3://raw/weather/",
  format: "json",
  compression: "gzip",
  parameters: { classification: "json", compressionType: "gzip" },
};

/** A Parquet table as a CTAS leaves it. */
export const parquetTable: NewTable = {
  database: "sluice",
  name: "weather_parquet",
  kind: "table",
  columns: [
    { name: "city", type: "string" },
    { name: "measurement_time", type: "timestamp" },
    { name: "collection_count", type: "bigint" },
  ],
  partitionKeys: ["yr_mo_partition"],
  location: "s3://processed/weather_parquet/",
  format: "parquet",
  compression: "zstd",
  parameters: { classification: "parquet" },
};

/** The Catalog behaviours every adapter must have (Glue Data Catalog semantics). */
export function describeCatalogContract(adapter: string, fixture: CatalogFixture): void {
  describe(`Catalog contract: ${adapter}`, () => {
    async function withCatalog(test: (catalog: Catalog) => Promise<void>): Promise<void> {
      const { catalog, cleanup } = await fixture();
      try {
        await test(catalog);
      } finally {
        await cleanup();
      }
    }

    it("returns a JSON and a Parquet table as they were put (columns, keys, location, format, compression)", () =>
      withCatalog(async (catalog) => {
        // Act
        await catalog.putTable(rawTable);
        await catalog.putTable(parquetTable);
        // Assess
        for (const table of [rawTable, parquetTable]) {
          const got = await catalog.getTable("sluice", table.name);
          expect(got).toMatchObject({ ...table, parameters: expect.objectContaining(table.parameters) });
          expect(Number.isNaN(Date.parse(got!.updatedAt))).toBe(false);
        }
      }));

    it("answers undefined for a table it does not hold, and an empty list for an empty database", () =>
      withCatalog(async (catalog) => {
        // Act / Assess
        expect(await catalog.getTable("sluice", "nothing_here")).toBeUndefined();
        expect(await catalog.listTables("sluice")).toEqual([]);
        expect(await catalog.getPartitions("sluice", "nothing_here")).toEqual([]);
      }));

    it("replaces a table on a second put and bumps its version", () =>
      withCatalog(async (catalog) => {
        // Prepare
        const first = await catalog.putTable(rawTable);
        // Act
        const second = await catalog.putTable({ ...rawTable, columns: [...rawTable.columns, { name: "rain", type: "double" }] });
        // Assess
        expect(second.version).toBeGreaterThan(first.version);
        expect((await catalog.getTable("sluice", "raw_weather"))?.columns.map((c) => c.name)).toEqual(["city", "temperature", "weather_code", "rain"]);
      }));

    it("keeps a view's Athena SQL", () =>
      withCatalog(async (catalog) => {
        // Prepare
        const viewSql = 'SELECT * FROM "weather_prod_v0002"';
        // Act
        await catalog.putTable({ database: "sluice", name: "weather_prod", kind: "view", columns: [{ name: "city", type: "string" }], partitionKeys: [], viewSql, parameters: {} });
        // Assess
        expect(await catalog.getTable("sluice", "weather_prod")).toMatchObject({ kind: "view", viewSql, columns: [{ name: "city", type: "string" }] });
      }));

    it("lists tables and views sorted by name, and deletes one (true), or reports it absent (false)", () =>
      withCatalog(async (catalog) => {
        // Prepare
        await catalog.putTable(parquetTable);
        await catalog.putTable(rawTable);
        // Act
        const names = (await catalog.listTables("sluice")).map((t) => t.name);
        const deleted = await catalog.deleteTable("sluice", "raw_weather");
        const deletedAgain = await catalog.deleteTable("sluice", "raw_weather");
        // Assess
        expect(names).toEqual(["raw_weather", "weather_parquet"]);
        expect([deleted, deletedAgain]).toEqual([true, false]);
        expect((await catalog.listTables("sluice")).map((t) => t.name)).toEqual(["weather_parquet"]);
      }));

    it("adds only partitions it does not have yet and counts them", () =>
      withCatalog(async (catalog) => {
        // Prepare
        await catalog.putTable(rawTable);
        const paris = { values: ["Paris", "2024"], location: "s3://raw/weather/location=Paris/year=2024/" };
        const berlin = { values: ["Berlin", "2024"], location: "s3://raw/weather/location=Berlin/year=2024/" };
        // Act
        const first = await catalog.addPartitions("sluice", "raw_weather", [paris]);
        const second = await catalog.addPartitions("sluice", "raw_weather", [paris, berlin, berlin]);
        // Assess
        expect([first, second]).toEqual([1, 1]);
        expect(sorted(await catalog.getPartitions("sluice", "raw_weather"))).toEqual(sorted([paris, berlin]));
      }));

    it("refuses partitions of a table it does not hold with TableNotFoundError", () =>
      withCatalog(async (catalog) => {
        // Act
        const error = await catalog.addPartitions("sluice", "nothing_here", [{ values: ["x"], location: "s3://raw/x/" }]).catch((e: unknown) => e);
        // Assess
        expect(error).toBeInstanceOf(TableNotFoundError);
      }));

    it("replaces the whole partition list: gone ones removed, moved ones relocated, new ones added", () =>
      withCatalog(async (catalog) => {
        // Prepare
        await catalog.putTable(parquetTable);
        const p = (month: string, root = "s3://processed/weather_parquet/") => ({ values: [month], location: `${root}yr_mo_partition=${month}/` });
        await catalog.addPartitions("sluice", "weather_parquet", [p("2024-10"), p("2024-11")]);
        const next = [p("2024-11", "s3://prod/weather_prod/v0002/"), p("2024-12")];
        // Act
        await catalog.replacePartitions("sluice", "weather_parquet", next);
        // Assess
        expect(sorted(await catalog.getPartitions("sluice", "weather_parquet"))).toEqual(sorted(next));
      }));
  });
}

function sorted<T extends { values: readonly string[] }>(partitions: readonly T[]): T[] {
  return [...partitions].sort((a, b) => (a.values.join("/") < b.values.join("/") ? -1 : 1));
}
