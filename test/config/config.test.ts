import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, configPath, loadConfig, parseConfig } from "../../packages/core/src/config/load";
import { BUILT_IN_DATASETS, pipelineFromConfig } from "../../packages/core/src/config/pipeline-from-config";
import { parseRuleset } from "../../packages/core/src/dq/parser";
import { pipeline } from "../../packages/core/src/pipeline/pipeline";

const FACTS = { from: "2024-11-24", to: "2024-11-30", locationCount: 2 };

/** The issues of a config that fails, as `path: message` lines. */
function issuesOf(input: unknown): string[] {
  try {
    parseConfig(input, BUILT_IN_DATASETS, "cfg.json");
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  throw new Error("the config was accepted");
}

describe("the project config", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "sluice-config-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("applies a built-in dataset's choices: subjects, variables, schedules, dedup, kept versions, added rules", () => {
    // Act
    const config = parseConfig(
      { datasets: { weather: { subjects: ["Oslo", { name: "Tromso", latitude: 69.65, longitude: 18.96 }], variables: ["temperature_2m", "wind_speed_10m"], schedule: "rate(2 hours)", runSchedule: "cron(15 * * * ? *)", dedup: "first", keepVersions: 7, rules: ['ColumnValues "temperature" between -40 and {subjectCount}'] } } },
      BUILT_IN_DATASETS,
    );
    const weather = pipelineFromConfig(config).datasets.weather!;

    // Assess
    expect(weather.defaults).toEqual({ subjects: ["Oslo", { name: "Tromso", latitude: 69.65, longitude: 18.96 }], variables: ["temperature_2m", "wind_speed_10m"] });
    expect([weather.schedule, weather.runSchedule, weather.transform.dedup, weather.keepVersions]).toEqual(["rate(2 hours)", "cron(15 * * * ? *)", "first", 7]);
    const own = parseRuleset(pipeline.datasets.weather!.dqRules(FACTS)).rules;
    const text = weather.dqRules(FACTS);
    expect(parseRuleset(text).rules).toHaveLength(own.length + 1);
    expect(text).toMatch(/,\n {4}ColumnValues "temperature" between -40 and 2\n\]$/);
  });

  it("sets a dataset's scheduled-ingest overlap and ingestMode, and refuses bad ones naming the field", () => {
    // Act
    const tuned = pipelineFromConfig(parseConfig({ datasets: { weather: { overlapHours: 6, ingestMode: "current", schedule: "rate(15 minutes)" }, stocks: { overlapHours: 0 } } }, BUILT_IN_DATASETS));
    const issues = issuesOf({ datasets: { weather: { overlapHours: 2.5, ingestMode: "daily" }, stocks: { overlapHours: 500 }, air_quality: { ingestMode: "current" } } });

    // Assess
    expect([tuned.datasets.weather!.overlapHours, tuned.datasets.weather!.ingestMode, tuned.datasets.weather!.schedule]).toEqual([6, "current", "rate(15 minutes)"]);
    expect([tuned.datasets.stocks!.overlapHours, tuned.datasets.stocks!.ingestMode]).toEqual([0, undefined]);
    expect(issues).toEqual([
      "datasets.weather.overlapHours: overlapHours is a whole number of hours",
      expect.stringMatching(/^datasets\.weather\.ingestMode: Invalid enum value\. Expected 'hourly' \| 'current' \| 'minutely_15', received 'daily'$/),
      "datasets.stocks.overlapHours: overlapHours is at most 168 (a week); a longer gap is a back-fill",
      'datasets.air_quality.ingestMode: "current" is an Open-Meteo mode (dataset weather only); air_quality collects "hourly"',
    ]);
  });

  it("replaces the rules with replaceRules, leaves a disabled dataset out, keeps the others as shipped", () => {
    // Act
    const config = parseConfig({ datasets: { stocks: { enabled: false }, weather: { replaceRules: true, rules: ["RowCount > 10"] } } }, BUILT_IN_DATASETS);
    const tuned = pipelineFromConfig(config);

    // Assess
    expect(Object.keys(tuned.datasets)).toEqual(["weather", "air_quality"]);
    expect(tuned.datasets.weather!.dqRules(FACTS)).toBe("Rules = [\n    RowCount > 10\n]");
    expect(tuned.datasets.air_quality).toBe(pipeline.datasets.air_quality);
  });

  it("builds a REST dataset: subject and collection_time columns, the key with subject, tables by name, a gate on the key", () => {
    // Act
    const config = parseConfig(
      {
        datasets: {
          quakes: {
            source: { type: "rest", client: { base_url: "https://api.quakes.example/v1/" }, endpoint: { path: "events", data_selector: "features" }, fields: { id: "id", t: "properties.time", mag: "properties.mag" } },
            schema: [{ name: "id", type: "string" }, { name: "t", type: "timestamp" }, { name: "mag", type: "double" }],
            key: ["id"],
            time: { column: "t", format: "epoch_ms" },
          },
        },
      },
      BUILT_IN_DATASETS,
    );
    const quakes = pipelineFromConfig(config).datasets.quakes!;

    // Assess
    expect(quakes.recordSchema.map((c) => `${c.name}:${c.type}${c.nullable ? "?" : ""}`)).toEqual(["subject:string", "id:string", "t:string", "mag:double?", "collection_time:string"]);
    expect(quakes.transform.keyColumns).toEqual(["subject", "id"]);
    expect(quakes.transform.timestampColumns).toEqual(["t", "collection_time"]);
    expect(quakes.tables).toMatchObject({ raw: "raw_quakes", clean: "clean_quakes", parquet: "quakes_parquet", prod: "quakes_prod" });
    expect(quakes.firehose.prefix).toMatch(/^quakes\/subject=!\{partitionKeyFromQuery:subject\}\//);
    expect(quakes.dqRules(FACTS).split("\n").slice(1, -1).map((line) => line.trim().replace(/,$/, ""))).toEqual(["RowCount > 0", 'IsComplete "subject"', 'IsComplete "id"', 'IsComplete "t"', 'IsPrimaryKey "subject" "id"']);
    expect(parseRuleset(quakes.dqRules(FACTS)).rules).toHaveLength(5);
  });

  it("names every bad field by its path", () => {
    // Act
    const issues = issuesOf({
      datasets: {
        weather: { schedule: "rate(0 minutes)", subjects: [], colour: "red" },
        stocks: { runRange: { from: "2024-11-30", to: "2024-11-01" } },
        air_quality: { runRange: { days: 0 } },
        mine: { subjects: ["a"] },
        quakes: {
          source: { type: "rest", client: { base_url: "https://x.example/" }, endpoint: { path: "e" }, fields: { id: "id" } },
          schema: [{ name: "id", type: "string" }, { name: "subject", type: "string" }, { name: "id", type: "double" }, { name: "collection_count", type: "bigint" }],
          key: ["nope"],
          time: { column: "when", format: "epoch_ms" },
        },
      },
      stages: ["prod"],
      logRetentionDays: 31,
    });

    // Assess
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\(root\)|stages/),
        expect.stringMatching(/^logRetentionDays: a CloudWatch Logs retention: one of 1, 3, 5, 7, 14, 30, 60/),
        expect.stringMatching(/^datasets\.weather\.schedule: /),
        expect.stringMatching(/^datasets\.stocks\.runRange\.to: from must not be after to/),
        expect.stringMatching(/^datasets\.air_quality\.runRange(\.days)?: /),
        expect.stringMatching(/^datasets\.weather\.subjects: list at least one subject/),
        expect.stringMatching(/^datasets\.weather: .*colour/),
        expect.stringMatching(/^datasets\.mine: is not a built-in dataset/),
        expect.stringMatching(/^datasets\.quakes\.schema\[1\]\.name: "subject" is added to every record/),
        'datasets.quakes.schema[2].name: "id" is in schema twice; name each column once',
        'datasets.quakes.schema[3].name: "collection_count" is a column sluice adds to the production table; name the column otherwise',
        expect.stringMatching(/^datasets\.quakes\.key\[0\]: "nope" is not a column/),
        expect.stringMatching(/^datasets\.quakes\.time\.column: "when" is not a column/),
      ]),
    );
  });

  it("says what a runRange and a productionStages entry must look like, not only that they are invalid", () => {
    // Act
    const issues = issuesOf({ productionStages: ["Prod Stage"], datasets: { weather: { runRange: { from: "2024-03-01" } }, stocks: { runRange: "2 days" } } });

    // Assess
    expect(issues).toEqual([
      "productionStages[0]: a stage name is a letter, then letters, digits and - (as SST names stages)",
      'datasets.weather.runRange: either { "days": N } (1–366) or { "from": "YYYY-MM-DD", "to": "YYYY-MM-DD" }',
      'datasets.stocks.runRange: either { "days": N } (1–366) or { "from": "YYYY-MM-DD", "to": "YYYY-MM-DD" }',
    ]);
  });

  it("refuses a built-in dataset's subjects its scheduled source cannot take, naming each by its index", () => {
    // Act
    const issues = issuesOf({
      datasets: {
        weather: { subjects: ["Paris", "Atlantis", "a/b", { name: "Tromso", latitude: 69.65, longitude: 18.96 }] },
        stocks: { subjects: ["AAPL", "A/B", "not a ticker"] },
        air_quality: { subjects: ["2178", "2178"] },
      },
    });

    // Assess
    expect(issues).toEqual([
      expect.stringMatching(/^datasets\.weather\.subjects\[1\]: unknown city "Atlantis".*\{ "name": …, "latitude": …, "longitude": … \}/),
      expect.stringMatching(/^datasets\.weather\.subjects\[2\]: unknown city "a\/b"/),
      expect.stringMatching(/^datasets\.stocks\.subjects\[1\]: "A\/B" is not a ticker symbol/),
      expect.stringMatching(/^datasets\.stocks\.subjects\[2\]: "NOT A TICKER" is not a ticker symbol/),
      expect.stringMatching(/^datasets\.air_quality\.subjects: "2178" is given twice/),
    ]);
    expect(() => parseConfig({ datasets: { weather: { subjects: ["Oslo", { name: "Tromso", latitude: 69.65, longitude: 18.96 }] }, stocks: { subjects: ["msft"] } } }, BUILT_IN_DATASETS)).not.toThrow();
  });

  it("refuses a built-in dataset's variables its module does not know, naming each by its index", () => {
    // Act
    const issues = issuesOf({
      datasets: {
        weather: { variables: ["temperature_2m", "temprature_2m"] },
        stocks: { variables: ["close"] },
        air_quality: { variables: ["pm25", "pm2.5"] },
      },
    });

    // Assess
    expect(issues).toEqual([
      expect.stringMatching(/^datasets\.weather\.variables\[1\]: "temprature_2m" is not a variable of dataset weather; known: temperature_2m, /),
      'datasets.stocks.variables[0]: dataset stocks takes no variables (got "close")',
      expect.stringMatching(/^datasets\.air_quality\.variables\[1\]: "pm2\.5" is not a variable of dataset air_quality; known: .*pm25/),
    ]);
    expect(() => parseConfig({ datasets: { weather: { variables: ["temperature_2m", "wind_speed_10m"] }, air_quality: { variables: ["pm25"] } } }, BUILT_IN_DATASETS)).not.toThrow();
  });

  it("refuses a REST dataset's subjects that cannot be partition values or are given twice, coordinates and variables, which its source would ignore", () => {
    // Prepare
    const quakes = {
      source: { type: "rest", client: { base_url: "https://api.quakes.example/v1/" }, endpoint: { path: "events", params: { region: "{subject}" } }, fields: { id: "id", t: "t" } },
      schema: [{ name: "id", type: "string" }, { name: "t", type: "timestamp" }],
      key: ["id"],
      time: { column: "t", format: "iso8601" },
    };

    // Act
    const issues = issuesOf({ datasets: { quakes: { ...quakes, subjects: ["us", "a/b", "us", { name: "ak", latitude: 61, longitude: -150 }], variables: ["magnitude"] } } });

    // Assess
    expect(issues).toEqual([
      expect.stringMatching(/^datasets\.quakes\.subjects\[1\]: the name "a\/b" contains "\/", which cannot be in a partition value/),
      'datasets.quakes.subjects[2]: "us" is given twice; name each one once',
      "datasets.quakes.subjects[3]: a subject of dataset quakes is a name (its {subject} value): coordinates are weather's only",
      expect.stringMatching(/^datasets\.quakes\.variables: dataset quakes takes no variables/),
    ]);
    expect(pipelineFromConfig(parseConfig({ datasets: { quakes: { ...quakes, subjects: ["us", "ak"] } } }, BUILT_IN_DATASETS)).datasets.quakes!.defaults).toEqual({ subjects: ["us", "ak"] });
  });

  it("refuses a schedule or runSchedule for a dataset with no subjects to ask for, which could only fail on AWS", () => {
    // Prepare
    const quakes = {
      source: { type: "rest", client: { base_url: "https://api.quakes.example/v1/" }, endpoint: { path: "events" }, fields: { id: "id", t: "t" } },
      schema: [{ name: "id", type: "string" }, { name: "t", type: "timestamp" }],
      key: ["id"],
      time: { column: "t", format: "iso8601" },
    };

    // Act
    const issues = issuesOf({ datasets: { air_quality: { runSchedule: "rate(1 day)" }, quakes: { ...quakes, schedule: "rate(30 minutes)", runSchedule: "cron(0 6 * * ? *)" } } });
    const accepted = parseConfig(
      { datasets: { air_quality: { subjects: ["2178"], runSchedule: "rate(1 day)" }, weather: { runSchedule: "rate(1 day)" }, quakes: { ...quakes, enabled: false, runSchedule: "rate(1 day)" }, stocks: { schedule: "rate(2 hours)" } } },
      BUILT_IN_DATASETS,
    );

    // Assess
    expect(issues).toEqual([
      "datasets.air_quality.runSchedule: dataset air_quality has no subjects, so nothing could run on this schedule: set datasets.air_quality.subjects",
      "datasets.quakes.schedule: dataset quakes has no subjects, so nothing could run on this schedule: set datasets.quakes.subjects",
      "datasets.quakes.runSchedule: dataset quakes has no subjects, so nothing could run on this schedule: set datasets.quakes.subjects",
    ]);
    // Weather and stocks schedule their built-in defaults; a disabled dataset deploys nothing.
    expect(pipelineFromConfig(accepted).datasets.weather!.runSchedule).toBe("rate(1 day)");
  });

  it("refuses a rule naming a column the dataset's table does not have, which every run's gate would report as an error", () => {
    // Act
    const issues = issuesOf({ datasets: { weather: { rules: ['IsComplete "city"', 'ColumnValues "temprature" between -40 and 45', '(IsComplete "nope") or (RowCount > 0)'] } } });

    // Assess
    expect(issues).toEqual([
      expect.stringMatching(/^datasets\.weather\.rules\[1\]: "temprature" is not a column of dataset weather's table \(.*temperature/),
      expect.stringMatching(/^datasets\.weather\.rules\[2\]: "nope" is not a column/),
    ]);
    expect(() => parseConfig({ datasets: { weather: { rules: ['ColumnValues "temperature" between -40 and 45', "CustomSql \"select count(*) from primary\" > 0"] } } }, BUILT_IN_DATASETS)).not.toThrow();
  });

  it("reads .ts (defineConfig), .mjs and .json files, and says what is wrong with a file", async () => {
    // Prepare
    const define = join(__dirname, "..", "..", "packages", "core", "src", "config", "config.ts");
    await writeFile(join(dir, "sluice.config.ts"), `import { defineConfig } from ${JSON.stringify(define)};\nexport default defineConfig({ datasets: { weather: { subjects: ["Oslo"] } } });\n`);
    await writeFile(join(dir, "a.mjs"), `export default { datasets: { stocks: { subjects: ["IBM"] } } };\n`);
    await writeFile(join(dir, "b.json"), `{ "datasets": { "air_quality": { "enabled": false } } }`);
    await writeFile(join(dir, "none.mjs"), `export const config = {};\n`);
    await writeFile(join(dir, "broken.json"), `{ "datasets": `);
    await writeFile(join(dir, "a.yaml"), `datasets: {}\n`);

    // Act
    const ts = await loadConfig(configPath(undefined, {}, dir), BUILT_IN_DATASETS);
    const mjs = await loadConfig(configPath("a.mjs", {}, dir), BUILT_IN_DATASETS);
    const json = await loadConfig(configPath(undefined, { SLUICE_CONFIG: "b.json" }, dir), BUILT_IN_DATASETS);
    const failures = await Promise.all(["none.mjs", "broken.json", "missing.json", "a.yaml"].map((f) => loadConfig(join(dir, f), BUILT_IN_DATASETS).catch((e: Error) => e.message)));

    // Assess
    expect(ts).toMatchObject({ datasets: { weather: { subjects: ["Oslo"] } }, path: join(dir, "sluice.config.ts") });
    expect(mjs.datasets).toEqual({ stocks: { subjects: ["IBM"] } });
    expect(json.datasets).toEqual({ air_quality: { enabled: false } });
    expect(failures).toEqual([
      expect.stringMatching(/none\.mjs: \(file\): has no default export/),
      expect.stringMatching(/broken\.json: \(file\): cannot be read: .*JSON/),
      expect.stringMatching(/missing\.json: \(file\): does not exist/),
      expect.stringMatching(/a\.yaml: \(file\): a config is \.ts, \.mjs, \.js or \.json/),
    ]);
    expect(configPath(undefined, {}, join(dir, "nowhere"))).toBeUndefined();
  });
});
