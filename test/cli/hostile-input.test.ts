import { execFileSync } from "node:child_process";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openAqHoursBody, openAqLocationBody, openAqSensor } from "../sources/openaq-fake";
import { FakeApi } from "../sources/polygon-fake";
import { removeLake, runWeek, sluice, tempLake } from "./sluice";

const DAY = ["--from", "2024-11-24", "--to", "2024-11-24"] as const;

describe("sluice ingest/run refuse hostile subjects and dates at argument parsing (exit 2, naming them)", () => {
  let lake: string;
  beforeAll(async () => {
    lake = await tempLake("hostile");
  });
  afterAll(async () => {
    await removeLake(lake);
  });

  it.each([
    ["a backslash", "Foo\\Bar=1,2", '"\\"'],
    ["a colon (Hive would escape it in the partition path)", "Saint:Denis=1,2", '":"'],
    ["a percent sign", "50%=1,2", '"%"'],
    ["a control character", "Tab\there=1,2", "control character"],
  ])("refuses a custom location name with %s", async (_what, location, shown: string) => {
    // Act
    const result = await sluice("ingest", ...DAY, "--location", location, "--lake", lake);

    // Assess: nothing written, the name and the character named
    expect(result.code).toBe(2);
    expect(result.err).toContain(shown);
    expect(result.err).toContain("cannot be in a partition value");
    expect(await readdir(lake)).toEqual([]);
  });

  it("refuses a station name with a backslash and duplicate subjects of every dataset", async () => {
    const station = await sluice("ingest", "--dataset", "air_quality", ...DAY, "--stations", "Paris\\Centre", "--lake", lake);
    const cities = await sluice("ingest", ...DAY, "--locations", "Paris", "--location", "Paris=10.5,20.5", "--lake", lake);
    const twice = await sluice("run", ...DAY, "--locations", "Paris,paris", "--lake", lake);
    const tickers = await sluice("ingest", "--dataset", "stocks", ...DAY, "--tickers", "AAPL,MSFT,aapl", "--lake", lake);
    const stations = await sluice("ingest", "--dataset", "air_quality", ...DAY, "--stations", "Paris Centre,Paris Centre", "--lake", lake);

    expect(station.code).toBe(2);
    expect(station.err).toContain('--stations the name "Paris\\Centre" contains "\\"');
    expect(cities.code).toBe(2);
    expect(cities.err).toContain('given twice ("Paris" and "Paris=10.5,20.5")');
    expect(twice.code).toBe(2);
    expect(twice.err).toContain('given twice ("Paris" and "paris")');
    expect(tickers.code).toBe(2);
    expect(tickers.err).toContain('--tickers "AAPL" is given twice');
    expect(stations.code).toBe(2);
    expect(stations.err).toContain('--stations "Paris Centre" is given twice');
    expect(await readdir(lake)).toEqual([]);
  });

  it("says which days are accepted and why for 0001-01-01 (a calendar date), and still refuses impossible dates", async () => {
    const early = await sluice("ingest", "--from", "0001-01-01", "--to", "0001-01-02", "--lake", lake);
    const impossible = await sluice("run", "--from", "2024-13-45", "--to", "2024-13-46", "--lake", lake);
    const leap = await sluice("ingest", "--from", "1900-02-29", "--to", "1900-03-01", "--lake", lake);

    expect(early.code).toBe(2);
    expect(early.err).toContain("--from is 0001-01-01, outside the days sluice accepts, 1940-01-01..9999-12-31");
    expect(early.err).toContain("no source has data before 1940-01-01");
    expect(early.err).not.toContain("not a calendar date");
    expect(impossible.code).toBe(2);
    expect(impossible.err).toContain('--from must be a calendar date YYYY-MM-DD, got "2024-13-45" (no such day)');
    expect(leap.code).toBe(2);
    expect(leap.err).toContain("no such day");
  });
});

describe("--lake that cannot be a lake: exit 2 with the reason", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempLake("badlake");
  });
  afterAll(async () => {
    await removeLake(dir);
  });

  it("refuses a file, a path through a file and an empty --lake (or SLUICE_LAKE) without writing anything", async () => {
    // Prepare
    const file = join(dir, "not-a-folder");
    await writeFile(file, "x");
    const cwd = process.cwd();
    const before = await readdir(cwd);

    // Act
    const onFile = await sluice("ingest", ...DAY, "--lake", file);
    const through = await sluice("run", ...DAY, "--lake", join(file, "lake"));
    const query = await sluice("query", "--lake", file, "SELECT 1");
    const empty = await sluice("ingest", ...DAY, "--lake", "");
    process.env.SLUICE_LAKE = "";
    let envEmpty;
    try {
      envEmpty = await sluice("runs");
    } finally {
      delete process.env.SLUICE_LAKE;
    }

    // Assess
    expect(onFile.code).toBe(2);
    expect(onFile.err).toContain(`--lake ${file} is a file, not a folder`);
    expect(through.code).toBe(2);
    expect(through.err).toContain("a path through a file");
    expect(query.code).toBe(2);
    expect(empty.code).toBe(2);
    expect(empty.err).toContain("--lake is empty");
    expect(envEmpty.code).toBe(2);
    for (const result of [onFile, through, query, empty, envEmpty]) expect(result.err).not.toMatch(/ENOTDIR|ENOENT|EEXIST/);
    expect(await readdir(cwd)).toEqual(before);
  });

  describe("a read-only filesystem", () => {
    let mounted: string | undefined;
    let skip: string | undefined;
    beforeAll(async () => {
      const point = join(dir, "ro");
      await mkdir(point);
      try {
        execFileSync("mount", ["-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", point], { stdio: "pipe" });
        mounted = point;
      } catch (error) {
        skip = `cannot mount a read-only tmpfs here (${(error as Error).message.split("\n")[0]})`;
        console.warn(`skipped: ${skip}`);
      }
    });
    afterAll(() => {
      if (mounted) execFileSync("umount", [mounted]);
    });

    it("refuses to ingest or run into it (exit 2, read-only named); reading it still works", async (context) => {
      if (!mounted) return context.skip(skip);
      const ingest = await sluice("ingest", ...DAY, "--lake", join(mounted, "lake"));
      const run = await runWeek(mounted);
      const runs = await sluice("runs", "--lake", mounted, "--json");

      expect(ingest.code).toBe(2);
      expect(ingest.err).toContain(`--lake ${join(mounted, "lake")} cannot be written: it is on a read-only filesystem`);
      expect(run.code).toBe(2);
      expect(run.err).toContain("read-only filesystem");
      expect(runs.code, runs.err).toBe(0);
      expect(JSON.parse(runs.out)).toEqual([]);
    });
  });
});

describe("an ingest whose every record went to the error output is a failure, not a success", () => {
  let lake: string;
  let api: FakeApi;
  beforeAll(async () => {
    // An OpenAQ station whose name (the partition value Firehose reads with `{location: .location}`) holds a backslash.
    api = await FakeApi.start((url) => {
      if (/\/v3\/locations\/\d+$/.test(url.pathname)) return { body: openAqLocationBody(2178, "Albuquerque\\South", [openAqSensor(7772024, "pm25")]) };
      return { body: openAqHoursBody(url) };
    });
    process.env.OPENAQ_API_KEY = "test-key";
  });
  afterAll(async () => {
    delete process.env.OPENAQ_API_KEY;
    await api.close();
  });
  afterEach(async () => {
    await removeLake(lake);
  });

  const args = ["--dataset", "air_quality", "--source", "openaq", "--stations", "2178", "--variables", "pm25", ...DAY] as const;

  it("sluice ingest exits 1 (nothing delivered) and names the station and the error output", async () => {
    lake = await tempLake("errout");
    const result = await sluice("ingest", ...args, "--base-url", api.baseUrl, "--lake", lake, "--json");

    expect(result.code, result.err).toBe(1);
    const summary = JSON.parse(result.out);
    expect(summary).toMatchObject({ recordsFetched: 24, recordsDelivered: 0, recordsToErrorOutput: 24, locationsDelivered: 0 });
    expect(summary.failures).toEqual([{ location: "2178", error: "all 24 records went to the error output (raw/errors/)" }]);
  });

  it("sluice run fails at ingest (exit 1) instead of publishing SUCCEEDED with nothing delivered", async () => {
    lake = await tempLake("errout-run");
    const result = await sluice("run", ...args, "--base-url", api.baseUrl, "--lake", lake, "--json");

    expect(result.code).toBe(1);
    const run = JSON.parse(result.out);
    expect(run.status).toBe("failed");
    expect(run.failure.step).toBe("ingest");
    expect(run.failure.message).toContain("2178: all 24 records went to the error output");
  });
});
