import { describe, expect, it } from "vitest";
import { QueryError } from "../../packages/core/src/query/query-engine";
import type { Warehouse } from "../../packages/core/src/query/warehouse";

/** The table every warehouse fixture holds: `readings(city varchar, temperature double, n bigint)`. */
export const READINGS = [
  { city: "Paris", temperature: 7.5, n: 3 },
  { city: "London", temperature: 4.25, n: 1 },
  { city: "Berlin", temperature: -1.5, n: 2 },
] as const;

/** The statements of the contract, written once so a scripted engine can recognise them. */
export const WAREHOUSE_SQL = {
  byCity: `SELECT city, temperature, n FROM "readings" WHERE city = $city`,
  count: `SELECT count(*) AS "rows" FROM "readings"`,
  missing: `SELECT * FROM "missing_table"`,
  drop: `DROP TABLE "readings"`,
  ctas: (location: string) => `CREATE TABLE "readings_copy" WITH (format = 'PARQUET', write_compression = 'ZSTD', external_location = '${location}') AS SELECT city, temperature, n FROM "readings"`,
} as const;

/** A warehouse over `readings`, the empty location a CTAS may write to, and cleanup. */
export type WarehouseFixture = () => Promise<{ warehouse: Warehouse; ctasLocation: string; cleanup(): Promise<void> }>;

/**
 * Warehouse basics. The twin runs them for real on DuckDB; Athena needs a real query engine, so
 * against mocks the contract checks the protocol only (statements sent, states, typed results).
 */
export function describeWarehouseContract(adapter: string, fixture: WarehouseFixture): void {
  describe(`Warehouse contract: ${adapter}`, () => {
    it("binds a named parameter and returns typed rows with the columns in order", async () => {
      const { warehouse, cleanup } = await fixture();
      try {
        // Act
        const result = await warehouse.query(WAREHOUSE_SQL.byCity, { city: "Paris" });
        // Assess
        expect(result.columns.map((c) => c.name)).toEqual(["city", "temperature", "n"]);
        expect(result.rows).toEqual([READINGS[0]]);
        expect(result.bytesScanned).toBeGreaterThanOrEqual(0);
      } finally {
        await cleanup();
      }
    });

    it("answers an aggregate as a number", async () => {
      const { warehouse, cleanup } = await fixture();
      try {
        // Act
        const result = await warehouse.query(WAREHOUSE_SQL.count);
        // Assess
        expect(result.rows).toEqual([{ rows: 3 }]);
      } finally {
        await cleanup();
      }
    });

    it("rejects a query of a table that does not exist with QueryError carrying the SQL", async () => {
      const { warehouse, cleanup } = await fixture();
      try {
        // Act
        const error = await warehouse.query(WAREHOUSE_SQL.missing).catch((e: unknown) => e);
        // Assess
        expect(error).toBeInstanceOf(QueryError);
        expect((error as QueryError).sql).toBe(WAREHOUSE_SQL.missing);
        expect((error as QueryError).message).toMatch(/missing_table/i);
      } finally {
        await cleanup();
      }
    });

    it("refuses a statement passed to query(): it is read-only", async () => {
      const { warehouse, cleanup } = await fixture();
      try {
        // Act
        const error = await warehouse.query(WAREHOUSE_SQL.drop).catch((e: unknown) => e);
        // Assess
        expect(error).toBeInstanceOf(QueryError);
        expect((await warehouse.query(WAREHOUSE_SQL.count)).rows).toEqual([{ rows: 3 }]);
      } finally {
        await cleanup();
      }
    });

    it("reports the rows a CTAS wrote and the bytes it scanned", async () => {
      const { warehouse, ctasLocation, cleanup } = await fixture();
      try {
        // Act
        const result = await warehouse.execute(WAREHOUSE_SQL.ctas(ctasLocation));
        // Assess
        expect(result.rowsWritten).toBe(3);
        expect(result.bytesScanned).toBeGreaterThan(0);
      } finally {
        await cleanup();
      }
    });
  });
}
