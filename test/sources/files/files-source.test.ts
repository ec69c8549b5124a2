import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../../packages/core/src/lake/clock";
import type { ColumnSpec, Location } from "../../../packages/core/src/pipeline/types";
import { filesSourceConfigSchema } from "../../../packages/core/src/sources/files/config";
import { parseCsv } from "../../../packages/core/src/sources/files/csv";
import { FilesSource } from "../../../packages/core/src/sources/files/files-source";
import type { LocationOutcome } from "../../../packages/core/src/sources/source";
import { queryRows, sluice } from "../../cli/sluice";

// Seed 002's back-fill: OpenAQ's archive of daily CSV files per location
// (https://docs.openaq.org/aws/quick-start: s3://openaq-data-archive/records/csv.gz/locationid=<id>/year=<yyyy>/month=<mm>/location-<id>-<yyyymmdd>.csv.gz,
// header location_id,sensors_id,location,datetime,lat,lon,parameter,units,value).
const HEADER = "location_id,sensors_id,location,datetime,lat,lon,parameter,units,value";

function day(id: number, name: string, date: string, values: (number | string)[]): string {
  return [HEADER, ...values.map((v, h) => `${id},${id * 10},"${name}",${date}T${String(h).padStart(2, "0")}:00:00+00:00,48.85,2.35,pm25,µg/m³,${v}`)].join("\r\n") + "\r\n";
}

const SCHEMA: ColumnSpec[] = [
  { name: "measured_at", type: "string", nullable: false },
  { name: "parameter", type: "string", nullable: false },
  { name: "value", type: "double", nullable: false },
  { name: "units", type: "string", nullable: true },
];

const SOURCE = {
  type: "files",
  format: "csv",
  path: "archive/**/*.csv.gz",
  subject: "location_id",
  fields: { measured_at: "datetime", parameter: "parameter", value: "value", units: "units" },
  time: { column: "measured_at", format: "iso8601" },
};

async function collect(source: FilesSource, from: string, to: string, locations: Location[] = []) {
  const out: LocationOutcome<Record<string, unknown>>[] = [];
  for await (const outcome of source.fetch({ from, to, locations, variables: [] })) out.push(outcome);
  return out;
}

describe("the files source", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "sluice-files-"));
    const folder = (id: number) => join(dir, "archive", `locationid=${id}`, "year=2024", "month=11");
    await mkdir(folder(2178), { recursive: true });
    await mkdir(folder(8118), { recursive: true });
    await writeFile(join(folder(2178), "location-2178-20241124.csv.gz"), gzipSync(day(2178, "Paris, Centre", "2024-11-24", [12.5, 13, "n/a", 14])));
    await writeFile(join(folder(2178), "location-2178-20241125.csv.gz"), gzipSync(day(2178, "Paris, Centre", "2024-11-25", [9, 8])));
    await writeFile(join(folder(8118), "location-8118-20241124.csv.gz"), gzipSync(day(8118, 'The "Mitte"', "2024-11-24", [20])));
    await writeFile(join(dir, "archive", "notes.txt"), "not matched by the glob");
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("reads RFC 4180 CSV: quoted separators and quotes, CRLF, a quoted line break, the line each record starts on", () => {
    // Act
    const { header, rows } = parseCsv('a,b\r\n"x, y","say ""hi"""\r\n\r\n"two\nlines",2\n3\n');

    // Assess
    expect(header).toEqual(["a", "b"]);
    expect(rows.map((r) => [r.line, r.values, r.problem])).toEqual([
      [2, { a: "x, y", b: 'say "hi"' }, undefined],
      [4, { a: "two\nlines", b: "2" }, undefined],
      [6, { a: "3", b: "" }, "has 1 fields, the header 2"],
    ]);
  });

  it("maps every matching gzip file's rows by subject, converts numbers, keeps the run's days, rejects a bad row with file and line", async () => {
    // Prepare
    const config = filesSourceConfigSchema.parse(SOURCE);
    const source = new FilesSource({ config, schema: SCHEMA, baseDir: dir, clock: new ManualClock(Date.parse("2024-12-01T00:00:00Z")) });

    // Act
    const outcomes = await collect(source, "2024-11-24", "2024-11-24");

    // Assess
    expect(await source.subjects()).toEqual(["2178", "8118"]);
    expect(outcomes.map((o) => o.location.name)).toEqual(["2178", "8118"]);
    const [paris, mitte] = outcomes;
    expect(paris!.records!.map((r) => [r.subject, r.measured_at, r.value])).toEqual([
      ["2178", "2024-11-24T00:00:00Z", 12.5],
      ["2178", "2024-11-24T01:00:00Z", 13],
      ["2178", "2024-11-24T03:00:00Z", 14],
    ]);
    expect(paris!.records![0]).toMatchObject({ parameter: "pm25", units: "µg/m³", collection_time: "2024-12-01T00:00:00Z" });
    expect(mitte!.records).toHaveLength(1);
    expect(paris!.rejected!.map((r) => [r.errorCode, r.errorMessage])).toEqual([
      ["Sluice.FileRowInvalid", expect.stringMatching(/^field "value": "n\/a" is not a number; .*location-2178-20241124\.csv\.gz:4$/)],
    ]);
    expect(paris!.rejected![0]!.data).toContain("n/a");
  });

  it("names a subject that has no rows, and no files at all", async () => {
    // Prepare
    const config = filesSourceConfigSchema.parse(SOURCE);
    const source = new FilesSource({ config, schema: SCHEMA, baseDir: dir });
    const none = new FilesSource({ config: filesSourceConfigSchema.parse({ ...SOURCE, path: "nowhere/*.csv" }), schema: SCHEMA, baseDir: dir });

    // Act
    const outcomes = await collect(source, "2024-11-25", "2024-11-25", [{ name: "8118", latitude: 0, longitude: 0 }]);
    const failure = await collect(none, "2024-11-25", "2024-11-25").catch((e: Error) => e.message);

    // Assess
    expect(outcomes[0]!.error!.message).toMatch(/no rows for subject "8118" in archive\/\*\*\/\*\.csv\.gz between 2024-11-25 and 2024-11-25/);
    expect(failure).toMatch(/no files match archive\/\*\*\/\*\.csv\.gz|no files match nowhere\/\*\.csv/);
  });

  it("refuses config fields that cannot work, by path", () => {
    // Act
    const result = filesSourceConfigSchema.safeParse({ ...SOURCE, format: "xlsx", data_selector: "rows", fields: { subject: "x" } });

    // Assess
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["format"]));
  });

  it("sluice run --config with a files dataset back-fills a checked production table; the bad row goes to raw/errors/", async () => {
    // Prepare: the config sits beside the archive; its path is relative to the config file.
    const config = join(dir, "backfill.json");
    await writeFile(
      config,
      JSON.stringify({
        datasets: {
          aq_archive: {
            source: SOURCE,
            schema: [
              { name: "measured_at", type: "timestamp", nullable: false },
              { name: "parameter", type: "string", nullable: false },
              { name: "value", type: "double", nullable: false },
              { name: "units", type: "string" },
            ],
            key: ["measured_at", "parameter"],
            time: { column: "measured_at", format: "iso8601" },
            rules: ['ColumnValues "value" >= 0'],
          },
        },
      }),
    );
    const lake = join(dir, "lake");

    // Act
    const run = await sluice("run", "--config", config, "--dataset", "aq_archive", "--from", "2024-11-24", "--to", "2024-11-25", "--lake", lake, "--json");

    // Assess
    const record = JSON.parse(run.out) as { status: string; steps: { name: string; detail?: { failures?: { location: string; error: string }[]; errorOutput?: Record<string, number> } }[] };
    expect(record.status).toBe("succeeded");
    expect(run.code).toBe(0);
    const ingest = record.steps.find((s) => s.name === "ingest")!.detail!;
    expect(ingest.errorOutput).toEqual({ "sluice-client-failed": 1 });
    expect(ingest.failures).toEqual([{ location: "2178", error: expect.stringMatching(/Sluice\.FileRowInvalid.*csv\.gz:4/) }]);
    expect(await queryRows(lake, "SELECT subject, count(*) AS n, sum(value) AS total FROM aq_archive_prod GROUP BY subject ORDER BY subject")).toEqual([
      { subject: "2178", n: 5, total: 56.5 },
      { subject: "8118", n: 1, total: 20 },
    ]);
  });
});
