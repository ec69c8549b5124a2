import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { WEB_FILES } from "../../packages/core/src/api/web-assets";
import { DATASET_MODULES } from "../../packages/core/src/datasets/registry";
import { CONFIG } from "../config/deploy-config";

// Issue 10: the dashboard is built from GET /datasets, so a dataset (built-in or of the project
// config) needs no web code. Any name that belongs to one dataset in packages/web/ is a per-dataset map.
const WEB = join(__dirname, "..", "..", "packages", "web");

/** The words of one dataset: its name (as written or spaced), its real sources, what its subjects are called. */
function wordsOf(): string[] {
  const words = DATASET_MODULES.flatMap((m) => {
    const name = m.definition.name;
    return [name, name.replace(/_/g, " "), name.replace(/_/g, "-"), ...Object.keys(m.sources).filter((s) => s !== "synthetic"), m.subjects.noun, m.subjects.field, m.series.subjectParam, ...m.secrets];
  });
  return [...new Set([...words, ...Object.keys(CONFIG.datasets)])];
}

describe("the web dashboard (packages/web/)", () => {
  it("names no dataset, source or subject kind: everything comes from GET /datasets", () => {
    // Prepare
    const words = wordsOf();
    const offenders: string[] = [];

    // Act
    for (const file of readdirSync(WEB)) {
      const lines = readFileSync(join(WEB, file), "utf8").split("\n");
      for (const [i, line] of lines.entries()) {
        for (const word of words) if (new RegExp(`\\b${word.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&")}\\b`, "i").test(line)) offenders.push(`${file}:${i + 1}: ${word}`);
      }
    }

    // Assess: the list is the real one (it would catch the old map), and nothing of it is in the web code
    expect(words).toEqual(expect.arrayContaining(["weather", "air quality", "stocks", "polygon", "ticker", "city", "stations", "quakes"]));
    expect(offenders).toEqual([]);
  });

  it("is served file by file as WEB_FILES lists (the Lambda bundles that list)", () => {
    expect(readdirSync(WEB).sort()).toEqual([...WEB_FILES].sort());
  });
});
