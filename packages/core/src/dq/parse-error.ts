/** DQDL text that does not parse: where (1-based line and column), what was expected and what was found. */
export class DqdlParseError extends Error {
  override readonly name = "DqdlParseError";
  constructor(
    readonly line: number,
    readonly column: number,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`line ${line}, column ${column}: expected ${expected}, found ${found}`);
  }
}
