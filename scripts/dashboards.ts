import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../packages/core/src/config/load";
import { BUILT_IN_DATASETS, pipelineFromConfig } from "../packages/core/src/config/pipeline-from-config";
import { generatedDashboards } from "../packages/core/src/grafana/dashboard";
import { pipeline as builtIn } from "../packages/core/src/pipeline/pipeline";

const USAGE = `Usage: npm run dashboards [-- --config FILE --out DIR]

Regenerates dashboards/<dataset>.json (Grafana, Athena data source) from the built-in dataset modules.
  --config FILE   the datasets of this project config instead (.ts or .json): its REST and files datasets too
  --out DIR       where to write them (default dashboards/; give another one with --config: dashboards/ holds the built-in ones)
`;

/** `npm run dashboards`: writes dashboards/<dataset>.json from the definitions (test/grafana/generated.test.ts diffs them). */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: "string" }, out: { type: "string", default: "dashboards" }, help: { type: "boolean" } } });
  if (values.help) return void process.stdout.write(USAGE);
  // Only a config named here: the repository's own sluice.config.ts must not change what dashboards/ holds.
  const pipeline = values.config ? pipelineFromConfig(await loadConfig(values.config, BUILT_IN_DATASETS)) : builtIn;
  mkdirSync(values.out, { recursive: true });
  for (const [file, text] of Object.entries(generatedDashboards(Object.values(pipeline.datasets)))) {
    writeFileSync(join(values.out, file), text);
    process.stdout.write(`wrote ${join(values.out, file)}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
