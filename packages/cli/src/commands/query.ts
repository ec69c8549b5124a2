import type { Command } from "commander";
import { Option } from "commander";
import { resolve } from "node:path";
import { QueryError } from "../../../core/src/query/query-engine";
import { AthenaSqlSyntaxError, UnsupportedSqlError } from "../../../core/src/sql";
import { runtimeFor } from "../context";
import { EXIT, UsageError } from "../exit-codes";
import { formatBytes, formatRows, type OutputFormat } from "../format";
import type { CliIo } from "../main";
import { addLakeOption } from "../options";

/** Athena's price: $5 per TB scanned, each query rounded up to 1 MB with a 10 MB minimum. */
export function athenaCostUsd(bytes: number): number {
  const mb = Math.max(10, Math.ceil(bytes / 1_000_000));
  return (mb * 1_000_000 * 5) / 1e12;
}

/** `sluice query "SQL"`: Athena SQL on the twin. */
export function registerQuery(program: Command, io: CliIo, setExit: (code: number) => void): void {
  addLakeOption(program.command("query").description("Run a read-only Athena (Trino) SQL query on the local twin."))
    .argument("<sql>", "a SELECT or WITH query, in Athena's dialect")
    .addOption(new Option("--format <format>", "output format").choices(["table", "json", "csv"]).default("table"))
    .addHelpText(
      "after",
      `
The query runs on DuckDB through sluice's Athena translation (docs/athena-sql.md); functions Athena
does not have are refused by name. The bytes scanned are the bytes read from the lake's files,
which is what Athena bills. Tables: see \`sluice tables\`.

Example:
  sluice query "SELECT city, round(avg(temperature), 1) AS avg_temp FROM weather_prod GROUP BY city"`,
    )
    .action(async (sql: string, values: { lake: string; format: OutputFormat }) => {
      const runtime = runtimeFor(resolve(values.lake));
      try {
        const warehouse = await runtime.warehouse();
        const result = await warehouse.query(sql);
        io.out(formatRows(result.columns.map((c) => c.name), result.rows, values.format) + "\n");
        const summary = `${result.rows.length} row${result.rows.length === 1 ? "" : "s"}; data scanned: ${formatBytes(result.bytesScanned)} (≈ $${athenaCostUsd(result.bytesScanned).toFixed(6)} on Athena)\n`;
        if (values.format === "table") io.out(summary);
        else io.err(summary);
        setExit(EXIT.ok);
      } catch (error) {
        if (error instanceof UnsupportedSqlError || error instanceof AthenaSqlSyntaxError) throw new UsageError(error.message);
        if (error instanceof QueryError) throw new UsageError(error.message);
        throw error;
      } finally {
        await runtime.close();
      }
    });
}
