import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

// STYLE.md: domain code imports ports only; @aws-sdk/*, @duckdb/* and sst/node/* appear only in
// the adapters (aws/, twin/) and the composition roots (runtime/).
const CORE = join(__dirname, "..", "..", "packages", "core", "src");
const ADAPTER_DIRS = ["aws", "twin", "runtime"];
const FORBIDDEN = [/from "@aws-sdk\//, /from "@duckdb\//, /from "sst\/node\//, /import\("sst\/node\//];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

describe("the ports-and-adapters boundary", () => {
  it("keeps AWS SDK, DuckDB and SST runtime imports out of domain code", () => {
    const offenders: string[] = [];
    for (const file of sources(CORE)) {
      const rel = relative(CORE, file);
      if (ADAPTER_DIRS.includes(rel.split("/")[0]!)) continue;
      const text = readFileSync(file, "utf8");
      for (const pattern of FORBIDDEN) if (pattern.test(text)) offenders.push(`${rel}: ${pattern}`);
    }
    expect(offenders).toEqual([]);
  });

  it("finds the adapters it exempts (the check is not vacuous)", () => {
    const adapterImports = sources(CORE)
      .filter((file) => ADAPTER_DIRS.includes(relative(CORE, file).split("/")[0]!))
      .filter((file) => FORBIDDEN.some((p) => p.test(readFileSync(file, "utf8"))));
    expect(adapterImports.length).toBeGreaterThan(3);
  });
});
