import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AthenaWarehouse } from "../../packages/core/src/aws/athena-warehouse";
import { silentLogger } from "../../packages/core/src/log/logger";
import { pipeline } from "../../packages/core/src/pipeline/pipeline";
import { LocalRuntime } from "../../packages/core/src/runtime/local";
import type { AthenaAnswer } from "../aws/fake-athena";
import { FakeAthena } from "../aws/fake-athena";
import { READINGS, WAREHOUSE_SQL, describeWarehouseContract } from "./warehouse.contract";

describeWarehouseContract("TwinWarehouse on DuckDB via LocalRuntime (for real)", async () => {
  const lake = await mkdtemp(join(tmpdir(), "sluice-contract-warehouse-"));
  const runtime = new LocalRuntime({ lake, pipeline, logger: silentLogger });
  await runtime.store.put("raw", "readings/part-0.json", READINGS.map((r) => JSON.stringify(r)).join("\n") + "\n");
  await runtime.catalog.putTable({
    database: pipeline.glueDatabase,
    name: "readings",
    kind: "table",
    columns: [
      { name: "city", type: "string" },
      { name: "temperature", type: "double" },
      { name: "n", type: "bigint" },
    ],
    partitionKeys: [],
    location: "s3://raw/readings/",
    format: "json",
    compression: "none",
    parameters: { classification: "json" },
  });
  return {
    warehouse: await runtime.warehouse(),
    ctasLocation: "s3://processed/readings_copy/",
    cleanup: async () => {
      await runtime.close();
      await rm(lake, { recursive: true, force: true });
    },
  };
});

describeWarehouseContract("AthenaWarehouse on a scripted Athena (protocol only: Athena itself is not emulated)", async () => {
  const athena = new FakeAthena(answerReadings);
  athena.pageSize = 2; // the 3-row results also cross a NextToken page
  return {
    warehouse: new AthenaWarehouse(athena.client, { workgroup: "sluice-prod", database: "sluice", sleep: async () => undefined }),
    ctasLocation: "s3://sluice-prod-processed/readings_copy/",
    cleanup: async () => athena.mock.restore(),
  };
});

/** What Athena would answer to the contract's statements, from READINGS. */
function answerReadings(sql: string, parameters: readonly string[]): AthenaAnswer {
  const columns = [
    { name: "city", type: "varchar" },
    { name: "temperature", type: "double" },
    { name: "n", type: "bigint" },
  ];
  const text = (rows: readonly (typeof READINGS)[number][]) => rows.map((r) => [r.city, String(r.temperature), String(r.n)]);
  if (sql === WAREHOUSE_SQL.byCity.replace("$city", "?")) {
    const city = parameters[0]!.replace(/^'|'$/g, "");
    return { state: "SUCCEEDED", columns, rows: text(READINGS.filter((r) => r.city === city)), bytesScanned: 120 };
  }
  if (sql === WAREHOUSE_SQL.count) return { state: "SUCCEEDED", columns: [{ name: "rows", type: "bigint" }], rows: [[String(READINGS.length)]], bytesScanned: 120 };
  if (sql === WAREHOUSE_SQL.missing) {
    return { state: "FAILED", reason: "TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.sluice.missing_table' does not exist", errorCategory: 2 };
  }
  if (sql.startsWith(`CREATE TABLE "readings_copy"`)) {
    return { state: "SUCCEEDED", statementType: "DDL", substatementType: "CREATE_TABLE_AS_SELECT", columns: [{ name: "rows", type: "bigint" }], rows: [], bytesScanned: 120, outputRows: 3, updateCount: 3 };
  }
  return { state: "FAILED", reason: `the scripted Athena does not know: ${sql}` };
}
