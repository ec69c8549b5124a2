import { isSignificant, tokenize, translateAthenaSql } from "../sql";
import { InvalidInputError } from "./errors";

const PATHLIKE = /[/\\~*?:]|\.[A-Za-z0-9]{1,8}$/;

/**
 * Checks user SQL before it runs: one SELECT or WITH query in Athena's dialect, and no file
 * reference. Athena has no such thing, but DuckDB (the twin) reads a file named by a string or a
 * quoted identifier in FROM (`FROM '/etc/x.csv'`, `FROM "x.parquet"`): those are refused here.
 */
export function checkReadOnlyQuery(sql: string): void {
  const statement = translateAthenaSql(sql).statement;
  if (statement.kind !== "query") {
    throw new InvalidInputError("sql", `only SELECT and WITH queries are allowed; this is a ${statement.kind.replace(/_/g, " ")} statement`);
  }
  const tokens = tokenize(sql).filter(isSignificant);
  for (const [i, token] of tokens.entries()) {
    const previous = tokens[i - 1];
    const afterFrom = previous?.kind === "word" && /^(FROM|JOIN)$/i.test(previous.text);
    if (token.kind === "quoted" && PATHLIKE.test(token.value)) {
      throw new InvalidInputError("sql", `the identifier ${token.text} at line ${token.line}, column ${token.column} looks like a file path: name a catalog table`);
    }
    if (token.kind === "string" && (afterFrom || (previous?.text === "," && PATHLIKE.test(token.value)))) {
      throw new InvalidInputError("sql", `a string at line ${token.line}, column ${token.column} is used as a table: name a catalog table`);
    }
  }
}

/** The query with its row limit applied around it (one more row than the limit tells that rows were cut). */
export function limitedSql(sql: string, rows: number): string {
  const body = sql.trim().replace(/;\s*$/, "");
  return `SELECT * FROM (\n${body}\n) LIMIT ${rows + 1}`;
}
