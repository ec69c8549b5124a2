/** Where in the SQL text something was found (1-based). */
export interface SqlPosition {
  readonly line: number;
  readonly column: number;
}

/** What kind of Athena construct the twin refused. */
export type UnsupportedKind =
  | "function"
  | "statement"
  | "operator"
  | "syntax"
  | "type"
  | "table property"
  | "format specifier"
  | "unit";

/**
 * Athena SQL the twin will not run: either Athena itself would reject it (DuckDB-only syntax such as
 * `strftime` or `::`), or DuckDB cannot reproduce Athena's result. Names the construct and where it is.
 */
export class UnsupportedSqlError extends Error {
  override readonly name = "UnsupportedSqlError";
  readonly line: number;
  readonly column: number;
  constructor(
    readonly kind: UnsupportedKind,
    readonly feature: string,
    at: SqlPosition,
    reason?: string,
  ) {
    super(`unsupported Athena ${kind} "${feature}" at line ${at.line}, column ${at.column}${reason ? `: ${reason}` : ""}`);
    this.line = at.line;
    this.column = at.column;
  }
}

/** SQL that does not even tokenize or balance (unterminated string, stray parenthesis…). */
export class AthenaSqlSyntaxError extends Error {
  override readonly name = "AthenaSqlSyntaxError";
  readonly line: number;
  readonly column: number;
  constructor(problem: string, at: SqlPosition) {
    super(`${problem} at line ${at.line}, column ${at.column}`);
    this.line = at.line;
    this.column = at.column;
  }
}
