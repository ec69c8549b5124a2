import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FakeApi } from "../sources/polygon-fake";
import { QUAKES_KEY, QUAKES_T0, quakesReply } from "../sources/rest/rest-helpers";
import { queryRows, sluice } from "./sluice";

// issue 10 acceptance: `sluice run --config cfg.json --dataset <rest dataset> --source rest` against
// a fake API publishes a checked production table. The API is shaped like USGS's GeoJSON event feed
// (https://earthquake.usgs.gov/earthquakes/feed/v1.0/geojson.php): features with properties.mag,
// properties.time (epoch ms) and geometry.coordinates [lon, lat, depth].

const KEY = QUAKES_KEY;
const T0 = QUAKES_T0;

/** The project config a user writes: one REST dataset, its subjects and an extra DQ rule. */
function quakesConfig(baseUrl: string, extra: Record<string, unknown> = {}) {
  return {
    datasets: {
      quakes: {
        subjects: ["us", "ak"],
        source: {
          type: "rest",
          client: {
            base_url: `${baseUrl}/v1/`,
            auth: { type: "api_key", name: "X-Api-Key", location: "header", secret: "QUAKES_API_KEY" },
            paginator: { type: "json_link", next_url_path: "links.next" },
          },
          endpoint: { path: "events", params: { starttime: "{from}", endtime: "{to}", region: "{subject}" }, data_selector: "features" },
          fields: { id: "id", magnitude: "properties.mag", place: "properties.place", event_time: "properties.time", longitude: "geometry.coordinates[0]", latitude: "geometry.coordinates[1]", depth_km: "geometry.coordinates[2]" },
        },
        schema: [
          { name: "id", type: "string", nullable: false },
          { name: "magnitude", type: "double" },
          { name: "place", type: "string" },
          { name: "event_time", type: "timestamp", nullable: false },
          { name: "longitude", type: "double", nullable: false },
          { name: "latitude", type: "double", nullable: false },
          { name: "depth_km", type: "double", nullable: false },
        ],
        key: ["id"],
        time: { column: "event_time", format: "epoch_ms" },
        rules: ['ColumnValues "depth_km" between -10 and 800'],
        ...extra,
      },
    },
  };
}

describe("sluice run --config with a declarative REST dataset", () => {
  let dir: string;
  let fake: FakeApi;
  let magnitudes: Record<string, number | null>;
  const previousKey = process.env.QUAKES_API_KEY;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "sluice-config-rest-"));
    process.env.QUAKES_API_KEY = KEY;
    magnitudes = { us1: 4.6, us2: 2.1 };
    fake = await FakeApi.start((url, _i, headers) => quakesReply(url, headers, { us1: magnitudes.us1!, us2: magnitudes.us2! }));
  });
  afterAll(async () => {
    await fake.close();
    if (previousKey === undefined) delete process.env.QUAKES_API_KEY;
    else process.env.QUAKES_API_KEY = previousKey;
    await rm(dir, { recursive: true, force: true });
  });
  afterEach(() => fake.requests.splice(0));

  it("publishes a checked production table, with the unmappable event in the error output", async () => {
    // Prepare
    const config = join(dir, "cfg.json");
    await writeFile(config, JSON.stringify(quakesConfig(fake.baseUrl)));
    const lake = join(dir, "lake");

    // Act
    const run = await sluice("run", "--config", config, "--dataset", "quakes", "--source", "rest", "--from", "2024-11-25", "--to", "2024-11-26", "--lake", lake, "--json");

    // Assess: the run passed its DQ gate (the config's rule included) and published.
    expect(run.err).toBe("");
    const record = JSON.parse(run.out) as { status: string; dq: { gate: string }; steps: { name: string; detail?: { failures?: { location: string; error: string }[] } }[] };
    expect(record.status).toBe("succeeded");
    expect(record.dq.gate).toBe("PASS");
    expect(run.code).toBe(0);
    // The ingest names the item it could not map, by subject and field.
    const failures = record.steps.find((s) => s.name === "ingest")!.detail!.failures!;
    expect(failures).toEqual([{ location: "ak", error: expect.stringMatching(/1 item\(s\) .*error output.*Sluice\.RestFieldMissing.*"longitude"/) }]);
    const rows = await queryRows(lake, "SELECT subject, id, magnitude, depth_km, CAST(to_unixtime(event_time) * 1000 AS bigint) AS ms FROM quakes_prod ORDER BY id");
    expect(rows).toEqual([
      { subject: "ak", id: "ak1", magnitude: null, depth_km: 35, ms: T0 + 5 * 60_000 },
      { subject: "us", id: "us1", magnitude: 4.6, depth_km: 8.2, ms: T0 },
      { subject: "us", id: "us2", magnitude: 2.1, depth_km: 1.9, ms: T0 + 30 * 60_000 },
    ]);
    // The unmappable item is an AWS-shaped error document under the stream's error prefix.
    const errorDocs = await errorDocuments(join(lake, "raw"));
    expect(errorDocs.map((d) => [d.errorCode, JSON.parse(Buffer.from(d.rawData, "base64").toString()).id])).toEqual([["Sluice.RestFieldMissing", "ak2"]]);
  });

  it("a second run with changed values replaces them (latest collection wins) without changing the row count", async () => {
    // Prepare
    const config = join(dir, "cfg2.json");
    await writeFile(config, JSON.stringify(quakesConfig(fake.baseUrl)));
    const lake = join(dir, "lake2");
    const args = ["run", "--config", config, "--dataset", "quakes", "--from", "2024-11-25", "--to", "2024-11-25", "--lake", lake];
    expect((await sluice(...args)).code).toBe(0);
    magnitudes.us1 = 4.9;

    // Act
    const second = await sluice(...args);

    // Assess
    magnitudes.us1 = 4.6;
    expect(second.code).toBe(0);
    const rows = await queryRows(lake, "SELECT id, magnitude FROM quakes_prod ORDER BY id");
    expect(rows).toEqual([
      { id: "ak1", magnitude: null },
      { id: "us1", magnitude: 4.9 },
      { id: "us2", magnitude: 2.1 },
    ]);
  });

  it("a failing config rule is a failed DQ gate (exit 3) and production stays absent", async () => {
    // Prepare: depth must be under 10 km: ak1 (35 km) fails it.
    const config = join(dir, "strict.json");
    await writeFile(config, JSON.stringify(quakesConfig(fake.baseUrl, { rules: ['ColumnValues "depth_km" < 10'] })));
    const lake = join(dir, "strict-lake");

    // Act
    const run = await sluice("run", "--config", config, "--dataset", "quakes", "--from", "2024-11-25", "--to", "2024-11-25", "--lake", lake);

    // Assess
    expect(run.code).toBe(3);
    expect(run.out).toContain('ColumnValues "depth_km" < 10');
    const tables = await sluice("tables", "--config", config, "--lake", lake);
    expect(tables.out).not.toMatch(/quakes_prod/);
  });

  it.each([
    ["an unknown paginator", (c: any) => (c.datasets.quakes.source.client.paginator = { type: "link_header" }), /datasets\.quakes\.source\.client\.paginator/],
    ["a missing base_url", (c: any) => delete c.datasets.quakes.source.client.base_url, /datasets\.quakes\.source\.client\.base_url/],
    ["a field for no column", (c: any) => (c.datasets.quakes.source.fields.depth = "geometry.coordinates[2]"), /datasets\.quakes\.source\.fields\.depth/],
    ["a bad DQDL rule", (c: any) => (c.datasets.quakes.rules = ["ColumnValues depth_km sometimes 3"]), /datasets\.quakes\.rules\[0\]: not a DQDL rule/],
    ["a bad schedule", (c: any) => (c.datasets.quakes.schedule = "rate(0 minutes)"), /datasets\.quakes\.schedule/],
  ])("refuses %s with the field's path, before any request (exit 2)", async (_what, spoil, message) => {
    // Prepare
    const config = quakesConfig(fake.baseUrl);
    spoil(config);
    const path = join(dir, `bad-${Math.random().toString(36).slice(2)}.json`);
    await writeFile(path, JSON.stringify(config));

    // Act
    const run = await sluice("run", "--config", path, "--dataset", "quakes", "--from", "2024-11-25", "--to", "2024-11-25", "--lake", join(dir, "never"));

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toMatch(message);
    expect(run.err).toContain(path);
    expect(fake.requests).toHaveLength(0);
  });

  it("refuses a subject the source cannot take, a source the dataset has not, and a missing secret, before any request", async () => {
    // Prepare
    const path = join(dir, "ok.json");
    await writeFile(path, JSON.stringify(quakesConfig(fake.baseUrl)));
    const base = ["run", "--config", path, "--dataset", "quakes", "--from", "2024-11-25", "--to", "2024-11-25", "--lake", join(dir, "never")];

    // Act
    const badSubject = await sluice(...base, "--subjects", "us/west");
    const badSource = await sluice(...base, "--source", "synthetic");
    const cityFlag = await sluice(...base, "--locations", "Paris");
    delete process.env.QUAKES_API_KEY;
    const noSecret = await sluice(...base);
    process.env.QUAKES_API_KEY = KEY;

    // Assess
    expect([badSubject.code, badSource.code, cityFlag.code, noSecret.code]).toEqual([2, 2, 2, 2]);
    expect(badSubject.err).toMatch(/--subjects .*us\/west/);
    expect(badSource.err).toMatch(/dataset quakes has no source "synthetic"; its sources: rest/);
    expect(cityFlag.err).toMatch(/--locations do\(es\) not apply to dataset quakes/);
    expect(noSecret.err).toMatch(/QUAKES_API_KEY/);
    expect(fake.requests).toHaveLength(0);
  });

  it("offers the config's datasets in --help and takes SLUICE_CONFIG", async () => {
    // Prepare
    const path = join(dir, "env.json");
    await writeFile(path, JSON.stringify(quakesConfig(fake.baseUrl)));
    process.env.SLUICE_CONFIG = path;

    // Act
    const help = await sluice("ingest", "--help");
    const ingest = await sluice("ingest", "--dataset", "quakes", "--from", "2024-11-25", "--to", "2024-11-25", "--subjects", "us", "--lake", join(dir, "env-lake"), "--json");
    delete process.env.SLUICE_CONFIG;

    // Assess
    expect(help.out).toMatch(/"quakes"/);
    expect(ingest.code).toBe(0);
    expect(JSON.parse(ingest.out)).toMatchObject({ dataset: "quakes", source: "rest", locationsDelivered: 1, recordsDelivered: 2 });
  });
});

/** Every error document under raw/errors/ (gzip NDJSON). */
async function errorDocuments(raw: string): Promise<{ errorCode: string; rawData: string }[]> {
  const files = (await readdir(join(raw, "errors"), { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  const docs: { errorCode: string; rawData: string }[] = [];
  for (const file of files) {
    const body = await readFile(join(file.parentPath, file.name));
    const text = file.name.endsWith(".gz") ? gunzipSync(body).toString() : body.toString();
    for (const line of text.split("\n").filter(Boolean)) docs.push(JSON.parse(line) as { errorCode: string; rawData: string });
  }
  return docs;
}
