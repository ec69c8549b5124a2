import { readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ANALYTICS_VIEWS } from "../../packages/core/src/analytics/create";
import { SERIES_DATASETS } from "../../packages/core/src/api/series-datasets";
import { DATASET_MODULES } from "../../packages/core/src/datasets/registry";
import { compileRecordValidator } from "../../packages/core/src/delivery/firehose/schema-validator";
import { pipeline } from "../../packages/core/src/pipeline/pipeline";
import { SST_BINDINGS } from "../../packages/core/src/runtime/aws";
import { DATASET_SOURCES, sourceFor } from "../../packages/core/src/sources/factory";

// issue 10: a built-in dataset is one folder (packages/core/src/datasets/<name>/) exporting a
// DatasetModule, plus its line in datasets/registry.ts; everything else reads the registry.
const ROOT = join(__dirname, "..", "..", "packages", "core", "src", "datasets");
const folders = readdirSync(ROOT, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

describe("the dataset modules (datasets/<name>/ + datasets/registry.ts)", () => {
  it("lists every dataset folder in the registry, and nothing else", () => {
    expect(folders.every((f) => existsSync(join(ROOT, f, "index.ts")))).toBe(true);
    expect(DATASET_MODULES.map((m) => m.definition.name).sort()).toEqual(folders);
  });

  it("is where the pipeline, the source factory, the analytics views and /series take the built-in datasets from", () => {
    for (const module of DATASET_MODULES) {
      const name = module.definition.name;
      expect(pipeline.datasets[name]).toBe(module.definition);
      expect(DATASET_SOURCES[name]).toEqual(Object.keys(module.sources));
      expect(ANALYTICS_VIEWS[name]).toBe(module.views);
      expect(SERIES_DATASETS[name]).toBe(module.series);
    }
  });

  describe.each(DATASET_MODULES.map((m) => [m.definition.name, m] as const))("%s exports what a dataset must", (name, module) => {
    it("a synthetic source that delivers records fitting its schema offline, and its real source for schedules", async () => {
      expect(Object.keys(module.sources)).toContain("synthetic");
      expect(Object.keys(module.sources)).toContain(module.scheduledSource);
      const locations = module.subjects.resolve({}, "synthetic");
      expect(locations.length).toBeGreaterThan(0);
      const source = sourceFor(name, "synthetic", { seed: 7 });
      const validate = compileRecordValidator(module.definition.recordSchema);
      let records = 0;
      for await (const outcome of source.fetch({ from: "2024-11-25", to: "2024-11-25", locations: locations.slice(0, 1), variables: [...module.variables.defaults] })) {
        expect(outcome.error).toBeUndefined();
        for (const record of outcome.records ?? []) expect(validate(record), JSON.stringify(record)).toBeUndefined();
        records += outcome.records?.length ?? 0;
      }
      expect(records).toBeGreaterThan(0);
    });

    it("its subjects: a noun, its field, refusal of the other datasets' fields by name", () => {
      expect(module.subjects.noun).toMatch(/^[a-z]+$/);
      const other = (["cities", "tickers", "stations"] as const).find((f) => f !== module.subjects.field)!;
      expect(() => module.subjects.resolve({ [other]: ["X"] }, "synthetic")).toThrow(new RegExp(`${other}: does not apply to dataset ${name}`));
    });

    it("variables whose defaults are known ones, views of its own, series over its columns or views, secrets the runtime binds", () => {
      for (const v of module.variables.defaults) if (module.variables.known) expect(module.variables.known).toContain(v);
      for (const view of module.views) expect(view.dataset).toBe(name);
      const views = new Set(module.views.map((v) => v.name));
      const columns = new Set(module.definition.recordSchema.map((c) => c.name));
      expect(module.series.metrics[module.series.defaultMetric]).toBeDefined();
      for (const [metric, spec] of Object.entries(module.series.metrics)) {
        if (spec.view) expect(views, `${metric} reads ${spec.view}`).toContain(spec.view);
        else expect(columns, `${metric} reads ${spec.column}`).toContain(spec.column);
      }
      expect(columns).toContain(module.series.subjectColumn);
      const bound: string[] = [SST_BINDINGS.polygonApiKey, SST_BINDINGS.openAqApiKey];
      for (const secret of module.secrets) expect(bound).toContain(secret);
    });

    it("dashboard charts (GET /datasets) that read its own metrics, with unique names", () => {
      const charts = module.series.charts ?? [];
      expect(new Set(charts.map((c) => c.name)).size).toBe(charts.length);
      for (const chart of charts) {
        const read = chart.layout === "subjects" ? (chart.metric ? [chart.metric] : []) : (chart.lines ?? []).map((l) => l.metric);
        if (chart.layout === "metrics") expect(read.length, `${chart.name} has lines`).toBeGreaterThan(0);
        for (const metric of read) expect(Object.keys(module.series.metrics), `chart ${chart.name}`).toContain(metric);
      }
      if (module.series.initialSubjects !== undefined) expect(module.series.initialSubjects).toBeGreaterThan(0);
    });
  });
});
