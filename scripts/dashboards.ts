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
  --out DIR       where to write them (default dashboards/; required with --config: dashboards/ holds the built-in ones)
`;

/** `npm run dashboards`: writes dashboards/<dataset>.json from the definitions (test/grafana/generated.test.ts diffs them). */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: "string" }, out: { type: "string" }, help: { type: "boolean" } } });
  if (values.help) return void process.stdout.write(USAGE);
  // dashboards/ holds the built-in ones (test/grafana/generated.test.ts diffs them): a config's go elsewhere.
  if (values.config !== undefined && values.out === undefined) {
    process.stderr.write(`--config ${values.config} needs --out DIR: dashboards/ keeps the built-in dashboards only\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const out = values.out ?? "dashboards";
  // Only a config named here: the repository's own sluice.config.ts must not change what dashboards/ holds.
  const pipeline = values.config ? pipelineFromConfig(await loadConfig(values.config, BUILT_IN_DATASETS)) : builtIn;
  mkdirSync(out, { recursive: true });
  for (const [file, text] of Object.entries(generatedDashboards(Object.values(pipeline.datasets)))) {
    writeFileSync(join(out, file), text);
    process.stdout.write(`wrote ${join(out, file)}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
