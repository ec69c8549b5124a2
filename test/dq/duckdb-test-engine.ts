import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import type { QueryEngine, QueryResult } from "../../packages/core/src/query/query-engine";
import { QueryError } from "../../packages/core/src/query/query-engine";

/** A test-only QueryEngine over an in-memory DuckDB that records every statement it runs. */
export class RecordingDuckDbEngine implements QueryEngine {
  readonly dialect = "duckdb" as const;
  readonly statements: string[] = [];

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async create(setup: readonly string[]): Promise<RecordingDuckDbEngine> {
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    for (const statement of setup) await connection.run(statement);
    return new RecordingDuckDbEngine(instance, connection);
  }

  async query(sql: string): Promise<QueryResult> {
    this.statements.push(sql);
    try {
      const reader = await this.connection.runAndReadAll(sql);
      const columns = reader.columnNames().map((name, i) => ({ name, type: reader.columnTypes()[i]!.toString() }));
      return { columns, rows: reader.getRowObjectsJson() as Record<string, unknown>[], bytesScanned: 100 };
    } catch (error) {
      throw new QueryError(error instanceof Error ? error.message : String(error), sql, { cause: error });
    }
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
