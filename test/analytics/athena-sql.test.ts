import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ANALYTICS_VIEWS, createViewSql } from "../../packages/core/src/analytics";
import { ATHENA_FUNCTIONS, translateAthenaSql } from "../../packages/core/src/sql";
import { analyticsPipeline } from "./twin";

/**
 * The analytics views' Athena SQL as files a reviewer can read (`athena/<view>.sql`), and proof
 * that the twin's Athena translator, which refuses what Athena would reject, accepts each one.
 * `UPDATE_GOLDEN=1 npx vitest run test/analytics` rewrites the files.
 */
const DIR = join(import.meta.dirname, "athena");
const update = process.env.UPDATE_GOLDEN === "1";

const cases = Object.entries(ANALYTICS_VIEWS).flatMap(([name, views]) => views.map((view) => ({ dataset: analyticsPipeline.datasets[name]!, view })));

describe("Athena SQL of the analytics views", () => {
  it.each(cases.map((c) => [c.view.name, c] as const))("%s is a CREATE OR REPLACE VIEW the translator accepts, reading only the production view", (_, { dataset, view }) => {
    // Act
    const sql = createViewSql(view, dataset.tables);
    const translation = translateAthenaSql(sql);
    // Assess
    expect(translation.statement).toMatchObject({ kind: "create_view", name: view.name, orReplace: true });
    expect(translation.tables).toEqual([dataset.tables.prod]);
    for (const fn of translation.functions) expect(Object.keys(ATHENA_FUNCTIONS), `${fn} is an Athena function the twin runs`).toContain(fn);
    const path = join(DIR, `${view.name}.sql`);
    const text = sql.trimEnd() + "\n";
    if (update || !existsSync(path)) writeFileSync(path, text);
    expect(text, `${view.name}.sql differs from the golden file; rerun with UPDATE_GOLDEN=1 if the change is intended`).toBe(readFileSync(path, "utf8"));
  });

  it("names every view once, after its dataset", () => {
    const names = cases.map((c) => c.view.name);
    expect(new Set(names).size).toBe(names.length);
    for (const { dataset, view } of cases) expect(view.name.startsWith(`${dataset.name}_`), view.name).toBe(true);
  });
});
