import type { App } from "sst/constructs";

/**
 * A Glue/Athena-safe per-stage name (lowercase letters, digits, `_`): `<stage>_<name>`. Athena
 * needs quoting for `-` in database names, so stages like `pr-12` become `pr_12_sluice`.
 */
export function glueName(app: App, name: string): string {
  return `${app.stage}_${name}`.toLowerCase().replace(/[^a-z0-9_]/g, "_");
}
