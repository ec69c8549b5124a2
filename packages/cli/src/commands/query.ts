import type { Command } from "commander";
import { Option } from "commander";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { QueryError } from "../../../core/src/query/query-engine";
import { splitSqlStatements, type ScriptStatement } from "../../../core/src/query/sql-script";
import { AthenaSqlSyntaxError, UnsupportedSqlError } from "../../../core/src/sql";
import { UnrenderableTypeError } from "../../../core/src/twin/athena-text";
import type { TwinWarehouse } from "../../../core/src/twin/twin-warehouse";
import { runtimeFor } from "../context";
import { EXIT, UsageError, exitHelp } from "../exit-codes";
import { formatBytes, formatRows, type OutputFormat } from "../format";
import type { CliIo } from "../main";
import { addLakeOption } from "../options";

/** Athena's price: $5 per TB scanned, each query rounded up to 1 MB with a 10 MB minimum. */
export function athenaCostUsd(bytes: number): number {
  const mb = Math.max(10, Math.ceil(bytes / 1_000_000));
  return (mb * 1_000_000 * 5) / 1e12;
}

type QueryFormat = OutputFormat | "jsonl";

/** A statement that failed, said as Athena's error: the Trino error name and Athena's message. */
export interface StatementError {
  readonly code: string;
  readonly message: string;
}

/**
 * The Athena error of a failed statement, or undefined for a failure of the twin itself (which
 * stops the command). The code is the Trino error name the message starts with (`TABLE_NOT_FOUND:
 * …`, as Athena's `AthenaError.ErrorMessage` does); SQL the twin refuses is NOT_SUPPORTED, SQL
 * that does not tokenize SYNTAX_ERROR, an engine failure without a name GENERIC_INTERNAL_ERROR.
 */
export function statementError(error: unknown): StatementError | undefined {
  if (error instanceof UnsupportedSqlError || error instanceof UnrenderableTypeError) return { code: "NOT_SUPPORTED", message: error.message };
  if (error instanceof AthenaSqlSyntaxError) return { code: "SYNTAX_ERROR", message: error.message };
  if (!(error instanceof QueryError)) return undefined;
  if (/^only SELECT and WITH queries are read-only/.test(error.message)) return { code: "NOT_SUPPORTED", message: error.message };
  const named = /^([A-Z][A-Z0-9_]+): /.exec(error.message);
  return { code: named ? named[1]! : "GENERIC_INTERNAL_ERROR", message: error.message };
}

/** `sluice query "SQL"` or `sluice query --file F.sql`: Athena SQL on the twin. */
export function registerQuery(program: Command, io: CliIo, setExit: (code: number) => void): void {
  addLakeOption(program.command("query").description("Run a read-only Athena (Trino) SQL query on the local twin."))
    .argument("[sql]", "a SELECT, WITH or VALUES query, in Athena's dialect (or use --file)")
    .option("--file <path>", "run each statement of a SQL file in order (`;`-separated, -- and /* */ comments); `-` reads standard input")
    .addOption(
      new Option("--format <format>", "output format; jsonl: one JSON object per statement per line").choices(["table", "json", "csv", "jsonl"]).default("table"),
    )
    .addHelpText(
      "after",
      `
The query runs on DuckDB through sluice's Athena translation (docs/athena-sql.md); functions Athena
does not have are refused by name. The bytes scanned are the bytes read from the lake's files,
which is what Athena bills. Tables: see \`sluice tables\`.

--file runs the statements one after the other; a statement that fails is reported and the next
one still runs. --format jsonl prints, per statement, one line
  {"sql": "…", "columns": [{"name": "n", "type": "bigint"}], "rows": [["504"]]}
with Athena's type names and every value as Athena's GetQueryResults text (NULL as null), or
  {"sql": "…", "error": {"code": "TABLE_NOT_FOUND", "message": "…"}}
Other formats print each statement's result in turn; errors go to stderr.
${exitHelp([EXIT.ok, EXIT.error, EXIT.usage])}
  (2 also when any statement of the query or the file failed)

Examples:
  sluice query "SELECT city, round(avg(temperature), 1) AS avg_temp FROM weather_prod GROUP BY city"
  sluice query --file checks.sql --format jsonl
  echo "SELECT count(*) FROM weather_prod; SELECT 1" | sluice query --file - --format jsonl`,
    )
    .action(async (sql: string | undefined, values: { lake: string; format: QueryFormat; file?: string }) => {
      if ((sql === undefined) === (values.file === undefined)) throw new UsageError("give either a SQL query or --file FILE (not both)");
      const statements: ScriptStatement[] = values.file === undefined ? [{ sql: sql!, line: 1 }] : splitSqlStatements(await readScript(values.file, io));
      if (statements.length === 0) throw new UsageError(`${values.file === "-" ? "standard input" : values.file} holds no SQL statement`);
      const runtime = runtimeFor(resolve(values.lake));
      try {
        const warehouse = await runtime.warehouse();
        const format = values.format;
        const failed =
          format === "jsonl" ? await runJsonl(warehouse, statements, io) : await (values.file === undefined ? runOne : runInTurn)(warehouse, statements, format, io);
        setExit(failed > 0 ? EXIT.usage : EXIT.ok);
      } finally {
        await runtime.close();
      }
    });
}

/** Runs the statements in a text format; resolves to how many failed. */
type Runner = (warehouse: TwinWarehouse, statements: readonly ScriptStatement[], format: OutputFormat, io: CliIo) => Promise<number>;

/** One query given on the command line: a failure is a usage error, as it always was. */
const runOne: Runner = async (warehouse, [statement], format, io) => {
  try {
    await printResult(warehouse, statement!.sql, format, io);
    return 0;
  } catch (error) {
    if (statementError(error)) throw new UsageError((error as Error).message);
    throw error;
  }
};

/** A file's statements in table, json or csv: each result in turn, each error on stderr. */
const runInTurn: Runner = async (warehouse, statements, format, io) => {
  let failed = 0;
  let printed = false;
  for (const [index, statement] of statements.entries()) {
    try {
      await printResult(warehouse, statement.sql, format, io, printed && format !== "json" ? "\n" : "");
      printed = true;
    } catch (error) {
      const failure = statementError(error);
      if (!failure) throw error;
      failed += 1;
      io.err(`sluice: statement ${index + 1} (line ${statement.line}): ${failure.message}\n`);
    }
  }
  return failed;
};

/** One JSON line per statement: its columns and rows as Athena renders them, or its error. */
async function runJsonl(warehouse: TwinWarehouse, statements: readonly ScriptStatement[], io: CliIo): Promise<number> {
  let failed = 0;
  let bytes = 0;
  for (const statement of statements) {
    try {
      const result = await warehouse.queryText(statement.sql);
      bytes += result.bytesScanned;
      io.out(JSON.stringify({ sql: statement.sql, columns: result.columns, rows: result.rows }) + "\n");
    } catch (error) {
      const failure = statementError(error);
      if (!failure) throw error;
      failed += 1;
      io.out(JSON.stringify({ sql: statement.sql, error: failure }) + "\n");
    }
  }
  const n = statements.length;
  io.err(`${n} statement${n === 1 ? "" : "s"}, ${failed} failed; data scanned: ${formatBytes(bytes)}\n`);
  return failed;
}

async function printResult(warehouse: TwinWarehouse, sql: string, format: OutputFormat, io: CliIo, separator = ""): Promise<void> {
  const result = await warehouse.query(sql);
  io.out(separator + formatRows(result.columns.map((c) => c.name), result.rows, format) + "\n");
  const summary = `${result.rows.length} row${result.rows.length === 1 ? "" : "s"}; data scanned: ${formatBytes(result.bytesScanned)} (≈ $${athenaCostUsd(result.bytesScanned).toFixed(6)} on Athena)\n`;
  if (format === "table") io.out(summary);
  else io.err(summary);
}

async function readScript(file: string, io: CliIo): Promise<string> {
  if (file === "-") return io.readStdin ? io.readStdin() : "";
  try {
    return await readFile(resolve(file), "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ENOENT" || code === "EISDIR" || code === "EACCES") throw new UsageError(`cannot read --file ${file}: ${code}`);
    throw error;
  }
}
