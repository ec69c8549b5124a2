import type { Command } from "commander";
import { resolve } from "node:path";
import { runtimeFor } from "../context";
import { EXIT, UsageError } from "../exit-codes";
import type { CliIo } from "../main";
import { addLakeOption } from "../options";
import { localRunEngine } from "./run";
import { RollbackTargetError } from "../../../core/src/run/run-engine";

/** `sluice rollback`: point production at an earlier kept version. */
export function registerRollback(program: Command, io: CliIo, setExit: (code: number) => void): void {
  addLakeOption(program.command("rollback").description("Point the production view back at the previous kept version that was production (or --to VERSION). The next run then rebuilds from all raw (its manifest was committed with the newer version)."), "write")
    .option("--dataset <name>", "dataset", "weather")
    .option("--to <version>", "a kept version table, e.g. weather_prod_v0002")
    .action(async (values: { lake: string; dataset: string; to?: string }) => {
      const runtime = runtimeFor(resolve(values.lake));
      try {
        const engine = await localRunEngine(runtime, { endpoint: "auto" }, 42);
        const { from, to } = await engine.rollback(values.dataset, values.to);
        io.out(`production now reads ${to} (was ${from ?? "nothing"})\n`);
        setExit(EXIT.ok);
      } catch (error) {
        // Nothing to roll back to is the user's request, not a failure of sluice.
        if (error instanceof RollbackTargetError || (error instanceof Error && /unknown dataset/.test(error.message))) throw new UsageError(error.message);
        throw error;
      } finally {
        await runtime.close();
      }
    });
}
