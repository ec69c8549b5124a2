import type { QueryEngine, ResultColumn } from "./query-engine";

/** What a statement did. */
export interface ExecuteResult {
  readonly bytesScanned: number;
  /** Rows written by CTAS / INSERT INTO. */
  readonly rowsWritten?: number;
}

/**
 * Athena SQL, queries and statements: `AthenaWarehouse` on AWS; `TwinWarehouse` (DuckDB plus the
 * twin catalog) locally. Statements: CREATE [OR REPLACE] VIEW, CREATE TABLE … WITH (…) AS SELECT,
 * INSERT INTO … SELECT, DROP TABLE|VIEW [IF EXISTS] — with Athena's semantics (a dropped external
 * table keeps its data; CTAS needs an empty external_location; ≤ 100 partitions per statement).
 */
export interface Warehouse extends QueryEngine {
  readonly dialect: "athena";
  execute(sql: string): Promise<ExecuteResult>;
}

/** A result as Athena's GetQueryResults gives it: Trino's type names, every value as text, NULL as null. */
export interface TextQueryResult {
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly (readonly (string | null)[])[];
  readonly bytesScanned: number;
}
