import { isSignificant, tokenize, translateAthenaSql } from "../sql";
import { InvalidInputError } from "./errors";

const PATHLIKE = /[/\\~*?:]|\.[A-Za-z0-9]{1,8}$/;

/** What a read-only query may name: the catalog's database and its tables and views. */
export interface QueryScope {
  readonly database: string;
  readonly tables: ReadonlySet<string>;
}

// Athena's default catalog; `awsdatacatalog.<database>.<table>` is a fully qualified name.
const CATALOG = "awsdatacatalog";

/**
 * Checks user SQL before it runs, as an allow-list: one SELECT or WITH query in Athena's dialect
 * that names only the catalog's tables and views (optionally qualified by its database and
 * `awsdatacatalog`) and CTEs, and calls only the Athena functions the translator knows (it refuses
 * any other, qualified calls and table functions in FROM). Athena has no file reference, but
 * DuckDB (the twin) reads a file named by a string or a quoted identifier in FROM
 * (`FROM '/etc/x.csv'`, `FROM "x.parquet"`): those are refused too.
 */
export function checkReadOnlyQuery(sql: string, scope: QueryScope): void {
  const translation = translateAthenaSql(sql);
  const statement = translation.statement;
  if (statement.kind !== "query") {
    throw new InvalidInputError("sql", `only SELECT and WITH queries are allowed; this is a ${statement.kind.replace(/_/g, " ")} statement`);
  }
  const tokens = tokenize(sql).filter(isSignificant);
  for (const [i, token] of tokens.entries()) {
    const previous = tokens[i - 1];
    const afterFrom = previous?.kind === "word" && /^(FROM|JOIN)$/i.test(previous.text);
    if (token.kind === "quoted" && PATHLIKE.test(token.value)) {
      throw new InvalidInputError("sql", `the quoted identifier at line ${token.line}, column ${token.column} looks like a file path: name a catalog table`);
    }
    if (token.kind === "string" && (afterFrom || (previous?.text === "," && PATHLIKE.test(token.value)))) {
      throw new InvalidInputError("sql", `a string at line ${token.line}, column ${token.column} is used as a table: name a catalog table`);
    }
  }
  for (const ref of translation.references) {
    const where = `at line ${ref.at.line}, column ${ref.at.column}`;
    const [first, second, ...more] = ref.qualifier;
    const qualified = [...ref.qualifier, ref.name].join(".");
    const databaseOk =
      ref.qualifier.length === 0 ||
      (ref.qualifier.length === 1 && first === scope.database) ||
      (ref.qualifier.length === 2 && first === CATALOG && second === scope.database && more.length === 0);
    if (!databaseOk) {
      throw new InvalidInputError("sql", `${qualified} ${where} is outside the catalog: tables are named <table>, ${scope.database}.<table> or ${CATALOG}.${scope.database}.<table>`);
    }
    if (!scope.tables.has(ref.name)) {
      throw new InvalidInputError("sql", `TABLE_NOT_FOUND: ${qualified} ${where} is not a table or view of the catalog (GET /tables lists them)`);
    }
  }
}

/** The query with its row limit applied around it (one more row than the limit tells that rows were cut). */
export function limitedSql(sql: string, rows: number): string {
  const body = sql.trim().replace(/;\s*$/, "");
  return `SELECT * FROM (\n${body}\n) LIMIT ${rows + 1}`;
}
