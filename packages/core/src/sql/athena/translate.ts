import { nameUnnamedColumns } from "./column-names";
import { parseCtasProperties, type CtasProperties } from "./ctas-properties";
import { AthenaSqlSyntaxError, UnsupportedSqlError } from "./errors";
import { tokenize, type Token } from "./tokenizer";
import { newContext, quoteIdentifier, translateRun, type TableReference, type TranslationContext } from "./translator";
import { buildTree, isGroup, isSignificantNode, isWord, positionOf, significant, type SqlNode } from "./tree";

/** The statement an Athena SQL text holds, with what the engine needs beyond the DuckDB SQL. */
export type AthenaStatement =
  | { readonly kind: "query" }
  | { readonly kind: "create_view"; readonly name: string; readonly orReplace: boolean; readonly query: string }
  | {
      readonly kind: "create_table_as";
      readonly name: string;
      readonly ifNotExists: boolean;
      readonly properties: CtasProperties;
      /** The translated SELECT whose rows make the table (partition columns last, as Athena requires). */
      readonly query: string;
      /** False for `WITH NO DATA`: create the table empty. */
      readonly withData: boolean;
    }
  | { readonly kind: "drop"; readonly objectType: "table" | "view"; readonly name: string; readonly ifExists: boolean };

/** Result of translating one Athena statement for DuckDB. */
export interface AthenaTranslation {
  /** DuckDB SQL to run after athenaMacrosSql(); for CTAS a plain `CREATE TABLE … AS` without the properties. */
  readonly sql: string;
  /** Athena functions the statement calls, lower-case, in first-use order. */
  readonly functions: string[];
  /** Tables and views the statement reads, lower-case, without catalog/database prefixes or CTE names. */
  readonly tables: string[];
  /** Each table reference with its qualifier and position (what an allow-list of tables checks). */
  readonly references: readonly TableReference[];
  readonly statement: AthenaStatement;
}

const QUERY_STARTS = new Set(["SELECT", "WITH", "VALUES"]);

/** Splits off a trailing `;` and refuses a second statement. */
function singleStatement(tree: readonly SqlNode[]): SqlNode[] {
  const semicolon = tree.findIndex((node) => node.kind === "punct" && node.text === ";");
  if (semicolon === -1) return [...tree];
  const rest = tree.slice(semicolon + 1).filter(isSignificantNode);
  if (rest.length > 0) {
    throw new UnsupportedSqlError("statement", "multiple statements", positionOf(rest[0]!), "run one statement at a time");
  }
  return tree.slice(0, semicolon);
}

/** Index in `nodes` of the `n`-th significant node (0-based). */
function indexOfSignificant(nodes: readonly SqlNode[], n: number): number {
  let seen = -1;
  for (let i = 0; i < nodes.length; i += 1) {
    if (isSignificantNode(nodes[i]!)) {
      seen += 1;
      if (seen === n) return i;
    }
  }
  return nodes.length;
}

function isQueryStart(node: SqlNode | undefined): boolean {
  return node !== undefined && (isGroup(node) || (node.kind === "word" && QUERY_STARTS.has(node.text.toUpperCase())));
}

function translateQuery(nodes: readonly SqlNode[], ctx: TranslationContext, at: SqlNode, nameColumns = true): string {
  const first = significant(nodes)[0];
  if (!isQueryStart(first)) {
    throw new AthenaSqlSyntaxError("expected a query (SELECT, WITH or VALUES)", positionOf(first ?? at));
  }
  return translateRun(nameColumns ? nameUnnamedColumns(nodes) : nodes, ctx).trim();
}

/** Reads `[catalog.][database.]name` from significant node `k`; the last part is the object name. */
function qualifiedName(sig: readonly SqlNode[], k: number): { name: string; next: number } {
  let index = k;
  let last: Token | undefined;
  for (;;) {
    const part = sig[index];
    if (part === undefined || (part.kind !== "word" && part.kind !== "quoted" && part.kind !== "backtick")) {
      throw new AthenaSqlSyntaxError("expected a table or view name", positionOf(part ?? sig[sig.length - 1]!));
    }
    last = part;
    const dot = sig[index + 1];
    if (dot?.kind === "punct" && dot.text === ".") index += 2;
    else break;
  }
  return { name: last.value.toLowerCase(), next: index + 1 };
}

// Words that belong to a statement's name (CREATE EXTERNAL TABLE, INSERT INTO, MSCK REPAIR TABLE…).
const STATEMENT_WORDS = new Set(["OR", "REPLACE", "EXTERNAL", "TABLE", "VIEW", "INTO", "SCHEMA", "DATABASE", "FUNCTION", "MATERIALIZED", "REPAIR", "TABLES", "PARTITIONS", "COLUMNS", "OVERWRITE"]);

/** The statement's leading keywords, e.g. "INSERT INTO" or "CREATE EXTERNAL TABLE". */
function statementName(sig: readonly SqlNode[]): string {
  const words: string[] = [];
  for (const [index, node] of sig.slice(0, 4).entries()) {
    if (node.kind !== "word" || (index > 0 && !STATEMENT_WORDS.has(node.text.toUpperCase()))) break;
    words.push(node.text.toUpperCase());
  }
  return words.join(" ");
}

function createStatement(nodes: readonly SqlNode[], sig: readonly SqlNode[], ctx: TranslationContext): Omit<AthenaTranslation, "functions" | "tables" | "references"> {
  let k = 1;
  const orReplace = isWord(sig[1], "OR") && isWord(sig[2], "REPLACE");
  if (orReplace) k = 3;
  const what = sig[k];
  if (isWord(what, "VIEW")) {
    const { name, next } = qualifiedName(sig, k + 1);
    if (!isWord(sig[next], "AS")) {
      throw new UnsupportedSqlError("statement", "CREATE VIEW", positionOf(sig[next] ?? what!), "write CREATE [OR REPLACE] VIEW name AS query");
    }
    const query = translateQuery(nodes.slice(indexOfSignificant(nodes, next) + 1), ctx, sig[next]!);
    return {
      sql: `CREATE ${orReplace ? "OR REPLACE " : ""}VIEW ${quoteIdentifier(name)} AS ${query}`,
      statement: { kind: "create_view", name, orReplace, query },
    };
  }
  if (isWord(what, "TABLE") && !orReplace) {
    let index = k + 1;
    const ifNotExists = isWord(sig[index], "IF") && isWord(sig[index + 1], "NOT") && isWord(sig[index + 2], "EXISTS");
    if (ifNotExists) index += 3;
    const { name, next } = qualifiedName(sig, index);
    index = next;
    const withGroup = isWord(sig[index], "WITH") && isGroup(sig[index + 1]) ? sig[index + 1] : undefined;
    if (withGroup) index += 2;
    if (!isWord(sig[index], "AS")) {
      throw new UnsupportedSqlError("statement", "CREATE TABLE", positionOf(sig[0]!), "only CREATE TABLE … AS SELECT runs on the twin; tables come from the catalog");
    }
    const properties = parseCtasProperties(
      withGroup && isGroup(withGroup) ? withGroup : { kind: "group", open: sig[0] as Token, close: sig[0] as Token, children: [] },
    );
    let body = nodes.slice(indexOfSignificant(nodes, index) + 1);
    const bodySig = significant(body);
    let withData = true;
    const tail = bodySig.slice(-3);
    if (isWord(tail[1], "WITH") && isWord(tail[2], "DATA")) {
      body = body.slice(0, body.indexOf(tail[1]!));
    } else if (isWord(tail[0], "WITH") && isWord(tail[1], "NO") && isWord(tail[2], "DATA")) {
      body = body.slice(0, body.indexOf(tail[0]!));
      withData = false;
    }
    // Athena refuses a CTAS column without a name, so no `_colN` is made up for one.
    const query = translateQuery(body, ctx, sig[index]!, false);
    return {
      sql: `CREATE TABLE ${ifNotExists ? "IF NOT EXISTS " : ""}${quoteIdentifier(name)} AS ${query}${withData ? "" : " WITH NO DATA"}`,
      statement: { kind: "create_table_as", name, ifNotExists, properties, query, withData },
    };
  }
  throw new UnsupportedSqlError("statement", statementName(sig), positionOf(sig[0]!), "the twin runs SELECT, CREATE VIEW, CREATE TABLE AS and DROP TABLE/VIEW");
}

function dropStatement(sig: readonly SqlNode[]): Omit<AthenaTranslation, "functions" | "tables" | "references"> {
  const what = sig[1];
  if (!isWord(what, "TABLE") && !isWord(what, "VIEW")) {
    throw new UnsupportedSqlError("statement", statementName(sig), positionOf(sig[0]!), "only DROP TABLE and DROP VIEW run on the twin");
  }
  const objectType = isWord(what, "TABLE") ? "table" : "view";
  let index = 2;
  const ifExists = isWord(sig[2], "IF") && isWord(sig[3], "EXISTS");
  if (ifExists) index = 4;
  const { name, next } = qualifiedName(sig, index);
  if (sig[next] !== undefined) throw new AthenaSqlSyntaxError("unexpected text after DROP name", positionOf(sig[next]!));
  return {
    sql: `DROP ${objectType.toUpperCase()} ${ifExists ? "IF EXISTS " : ""}${quoteIdentifier(name)}`,
    statement: { kind: "drop", objectType, name, ifExists },
  };
}

/**
 * Translates one Athena (Trino) statement into DuckDB 1.5 SQL with Athena's semantics. Throws
 * UnsupportedSqlError for anything Athena would reject or the twin cannot reproduce, and
 * AthenaSqlSyntaxError for text that does not tokenize or balance.
 */
export function translateAthenaSql(sql: string): AthenaTranslation {
  const nodes = singleStatement(buildTree(tokenize(sql)));
  const sig = significant(nodes);
  const first = sig[0];
  if (first === undefined) throw new AthenaSqlSyntaxError("empty SQL", { line: 1, column: 1 });
  const ctx = newContext();
  let translated: Omit<AthenaTranslation, "functions" | "tables" | "references">;
  if (isQueryStart(first)) {
    translated = { sql: translateQuery(nodes, ctx, first), statement: { kind: "query" } };
  } else if (isWord(first, "CREATE")) {
    translated = createStatement(nodes, sig, ctx);
  } else if (isWord(first, "DROP")) {
    translated = dropStatement(sig);
  } else {
    const name = first.kind === "word" ? statementName(sig) : "text" in first ? first.text : "(";
    throw new UnsupportedSqlError("statement", name, positionOf(first), "the twin runs SELECT, CREATE VIEW, CREATE TABLE AS and DROP TABLE/VIEW");
  }
  return { ...translated, functions: ctx.functions, tables: ctx.tables, references: ctx.references };
}
