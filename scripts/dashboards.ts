import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { generatedDashboards } from "../packages/core/src/grafana/dashboard";
import { pipeline } from "../packages/core/src/pipeline/pipeline";

/** `npm run dashboards`: writes dashboards/<dataset>.json from the definitions (test/grafana/generated.test.ts diffs them). */
if (process.argv.includes("--help")) {
  process.stdout.write("Usage: npm run dashboards\n\nRegenerates dashboards/<dataset>.json (Grafana, Athena data source) from the dataset definitions.\n");
} else {
  for (const [file, text] of Object.entries(generatedDashboards(Object.values(pipeline.datasets)))) {
    writeFileSync(join("dashboards", file), text);
    process.stdout.write(`wrote dashboards/${file}\n`);
  }
}
