import type { Command } from "commander";
import { resolve } from "node:path";
import { runtimeFor } from "../context";
import { textTable } from "../format";
import type { CliIo } from "../main";
import { addLakeOption } from "../options";
import { project } from "../project";

/** `sluice tables`: the twin catalog. */
export function registerTables(program: Command, io: CliIo, _setExit: (code: number) => void): void {
  addLakeOption(program.command("tables").description("List the catalog's tables and views (the twin of the Glue Data Catalog)."))
    .option("--json", "print JSON")
    .action(async (values: { lake: string; json?: boolean }) => {
      const runtime = runtimeFor(resolve(values.lake));
      const tables = await runtime.catalog.listTables(project().pipeline.glueDatabase);
      const rows = [];
      for (const t of tables) {
        const partitions = t.kind === "table" ? (await runtime.catalog.getPartitions(t.database, t.name)).length : null;
        rows.push({
          name: t.name,
          kind: t.kind,
          format: t.format ?? "",
          columns: t.columns.length,
          partition_keys: t.partitionKeys.join(","),
          partitions,
          location: t.location ?? (t.viewSql ? `view: ${t.viewSql.replace(/\s+/g, " ").slice(0, 60)}` : ""),
        });
      }
      if (values.json) io.out(JSON.stringify(tables, null, 2) + "\n");
      else io.out(rows.length ? textTable(["name", "kind", "format", "columns", "partition_keys", "partitions", "location"], rows) + "\n" : "no tables yet: run `sluice run` first\n");
    });
}
