import { UnsupportedSqlError, type SqlPosition } from "./errors";
import { significant, splitOnCommas, type SqlNode } from "./tree";

/** A CAST target in DuckDB terms; `integral` casts round DOUBLE inputs half away from zero first. */
export interface CastTarget {
  readonly duckdb: string;
  readonly integral: boolean;
  /** VARCHAR(n): Trino truncates longer text to n characters. */
  readonly maxLength?: number;
}

const SIMPLE: Readonly<Record<string, CastTarget>> = {
  VARCHAR: { duckdb: "VARCHAR", integral: false },
  DOUBLE: { duckdb: "DOUBLE", integral: false },
  REAL: { duckdb: "FLOAT", integral: false },
  BIGINT: { duckdb: "BIGINT", integral: true },
  INTEGER: { duckdb: "INTEGER", integral: true },
  INT: { duckdb: "INTEGER", integral: true },
  SMALLINT: { duckdb: "SMALLINT", integral: true },
  TINYINT: { duckdb: "TINYINT", integral: true },
  BOOLEAN: { duckdb: "BOOLEAN", integral: false },
  DATE: { duckdb: "DATE", integral: false },
  TIME: { duckdb: "TIME", integral: false },
  TIMESTAMP: { duckdb: "TIMESTAMP", integral: false },
  "TIMESTAMP WITH TIME ZONE": { duckdb: "TIMESTAMPTZ", integral: false },
  VARBINARY: { duckdb: "BLOB", integral: false },
};

function integerParams(group: SqlNode | undefined, typeName: string, at: SqlPosition): number[] {
  if (group === undefined || group.kind !== "group") return [];
  return splitOnCommas(group.children).map((part) => {
    const nodes = significant(part);
    const only = nodes[0];
    if (nodes.length !== 1 || only === undefined || only.kind !== "number" || !/^\d+$/.test(only.text)) {
      throw new UnsupportedSqlError("type", typeName, at, "type parameters must be integer literals");
    }
    return Number(only.text);
  });
}

/** Maps a Trino type written in CAST/TRY_CAST to DuckDB; composite and JSON types are refused. */
export function castTarget(typeNodes: readonly SqlNode[], at: SqlPosition): CastTarget {
  const nodes = significant(typeNodes);
  const words: string[] = [];
  let params: number[] = [];
  for (const node of nodes) {
    if (node.kind === "word") words.push(node.text.toUpperCase());
    else if (node.kind === "group" && node.open.text === "(") params = integerParams(node, words.join(" "), at);
    else throw new UnsupportedSqlError("type", typeNodes.map((n) => ("text" in n ? n.text : "(…)")).join("").trim(), at);
  }
  const name = words.join(" ");
  if (name === "DECIMAL") {
    // Trino's bare DECIMAL is DECIMAL(38,0); DuckDB's is DECIMAL(18,3).
    const [precision = 38, scale = 0] = params;
    return { duckdb: `DECIMAL(${precision},${scale})`, integral: false };
  }
  const simple = SIMPLE[name];
  if (!simple) {
    throw new UnsupportedSqlError("type", name || "(empty)", at, "the twin casts to VARCHAR, numeric, BOOLEAN, DATE, TIME, TIMESTAMP and DECIMAL types");
  }
  if (name === "VARCHAR" && params.length === 1) return { ...simple, maxLength: params[0]! };
  // TIMESTAMP(p) [WITH TIME ZONE]: DuckDB keeps microseconds whatever p is.
  return simple;
}
