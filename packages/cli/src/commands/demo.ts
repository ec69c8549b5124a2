import type { Command } from "commander";
import { resolve } from "node:path";
import { pipeline } from "../../../core/src/pipeline/pipeline";
import type { CatalogTable } from "../../../core/src/catalog/catalog";
import type { RunRecord } from "../../../core/src/run/run-record";
import type { LocalRuntime } from "../../../core/src/runtime/local";
import { locationsOf, runtimeFor } from "../context";
import { EXIT } from "../exit-codes";
import { formatBytes, textTable } from "../format";
import type { CliIo } from "../main";
import { addLakeOption } from "../options";
import { formatRun, localRunEngine } from "./run";

/** The demo's week and cities (synthetic source, no network). */
export const DEMO = { from: "2024-11-24", to: "2024-11-30", cities: ["Paris", "London", "Berlin"] };

/** Runs the pipeline on the demo's synthetic week (`sluice demo`, `sluice serve --demo`). */
export async function runDemoPipeline(runtime: LocalRuntime): Promise<RunRecord> {
  const engine = await localRunEngine(runtime, { endpoint: "auto" }, 42);
  return engine.run({
    dataset: "weather",
    source: "synthetic",
    from: DEMO.from,
    to: DEMO.to,
    locations: locationsOf(DEMO.cities, []),
    variables: ["temperature_2m"],
    skipIngest: false,
  });
}

/**
 * Runs the demo when the lake has no weather production yet, printing the run (`sluice demo`,
 * `sluice serve --demo`). Answers the production view it found instead, or the exit code of a
 * demo run that did not publish.
 */
export async function runDemoIfEmpty(runtime: LocalRuntime, lake: string, io: CliIo): Promise<{ existing?: CatalogTable; exitCode?: number }> {
  const existing = await runtime.catalog.getTable(pipeline.glueDatabase, pipeline.datasets.weather!.tables.prod);
  if (existing) return { existing };
  io.out(`Empty lake at ${lake}: running the pipeline on synthetic data (no network needed)…\n\n`);
  const run = await runDemoPipeline(runtime);
  io.out(formatRun(run) + "\n");
  if (run.status === "succeeded") return {};
  return { exitCode: run.status === "dq_failed" ? EXIT.dqFailed : EXIT.error };
}

/** `sluice demo`: the offline pipeline end to end, then the seed's questions answered. */
export function registerDemo(program: Command, io: CliIo, setExit: (code: number) => void): void {
  addLakeOption(
    program
      .command("demo")
      .description(
        `Offline demo: if the lake has no production table yet, run the pipeline on synthetic weather (${DEMO.cities.join(", ")}, ${DEMO.from}..${DEMO.to}); then answer the dashboard's questions from production.`,
      ),
    "write",
  ).action(async (values: { lake: string }) => {
    const lake = resolve(values.lake);
    const runtime = runtimeFor(lake, { printsRunRecord: true });
    try {
      const { existing, exitCode } = await runDemoIfEmpty(runtime, lake, io);
      if (exitCode !== undefined) {
        setExit(exitCode);
        return;
      }
      if (existing) io.out(`Lake at ${lake} already has production data (${existing.viewSql?.replace(/\s+/g, " ")}).\n\n`);
      const warehouse = await runtime.warehouse();
      const daily = await warehouse.query(
        `SELECT city, date_format(date_trunc('day', measurement_time), '%Y-%m-%d') AS day, round(avg(temperature), 1) AS avg_temp,
                round(min(temperature), 1) AS min_temp, round(max(temperature), 1) AS max_temp
           FROM weather_prod GROUP BY 1, 2 ORDER BY 1, 2`,
      );
      io.out("How did the temperature evolve? (daily, °C)\n" + textTable(["city", "day", "avg_temp", "min_temp", "max_temp"], daily.rows) + "\n\n");
      const average = await warehouse.query(
        `SELECT city, round(avg(temperature), 2) AS avg_temp, count(*) AS hours FROM weather_prod GROUP BY city ORDER BY city`,
      );
      io.out("What was the average temperature?\n" + textTable(["city", "avg_temp", "hours"], average.rows) + "\n");
      io.out(`\n(data scanned: ${formatBytes(daily.bytesScanned + average.bytesScanned)})\n`);
      io.out(`Next: sluice query --lake ${values.lake} "SELECT * FROM weather_prod LIMIT 5"   ·   sluice --help\n`);
      setExit(EXIT.ok);
    } finally {
      await runtime.close();
    }
  });
}
