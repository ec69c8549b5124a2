import type { DatasetTables } from "../pipeline/types";
import { ident } from "../transform/athena-sql";

/**
 * One analytics view, written once in Athena SQL: the same text is created on Athena and on the
 * twin (which translates it with Trino semantics), over the dataset's production view.
 */
export interface AnalyticsView {
  /** Dataset whose production view it reads (`weather`, `stocks`, `air_quality`). */
  readonly dataset: string;
  readonly name: string;
  readonly description: string;
  /** The view's SELECT, built from the dataset's table names. */
  readonly sql: (tables: DatasetTables) => string;
}

/** The `CREATE OR REPLACE VIEW` statement of a view (one statement, Athena SQL). */
export function createViewSql(view: AnalyticsView, tables: DatasetTables): string {
  return `CREATE OR REPLACE VIEW ${ident(view.name)} AS\n${view.sql(tables)}`;
}

/**
 * A DOUBLE literal both engines read as DOUBLE (a plain `0.15` is a DECIMAL in Trino); JavaScript's
 * shortest round-trip text keeps the exact value the TypeScript side computes with.
 */
export function doubleLiteral(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`${value} is not a finite number`);
  const text = String(value);
  return text.includes("e") ? text.replace("e", "E") : `${text}E0`;
}
