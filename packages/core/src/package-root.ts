import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The folder of sluice's own package.json, found upward from this module: the same answer from the
 * TypeScript sources (packages/core/src/) and from the CLI bundle in lib/, whose depth differs.
 */
export function packageRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "sluice") return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json of sluice above ${from}`);
  }
}

/** The `version` of sluice's package.json (what `sluice --version` prints). */
export function packageVersion(root = packageRoot()): string {
  return (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
}
