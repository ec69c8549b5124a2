import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows, removeLake, sluice, tempLake } from "../cli/sluice";
import { deliver, syntheticRecords } from "./plant";

interface RunView {
  status: string;
  mode: string;
  failure?: { message: string };
  steps: { name: string; rowsOut?: number; detail?: Record<string, unknown> }[];
}

// 3 cities × 250 months (2004-01 … 2024-10): 547,920 records, three CTAS/INSERT batches. When each
// batch grouped all staged rows before its month filter, ordering collections by their text (a
// state DuckDB cannot spill), this ran out of memory at 256 MB and at 512 MB; a batch that groups
// only its own months, ordered by a timestamp, built at 256 MB (not at 192 MB), so 512 MB leaves
// room on both sides.
const RANGE = { from: "2004-01-01", to: "2024-10-31", locations: "Paris,London,Berlin" } as const;
const RECORDS = ((Date.parse("2024-11-01") - Date.parse("2004-01-01")) / 3_600_000) * 3;
const LIMIT = "512MB";

/** `sluice run … --json` with SLUICE_DUCKDB_MEMORY_LIMIT set for that call (the CLI runs in this process). */
async function runWithLimit(lake: string, ...extra: string[]): Promise<RunView> {
  const previous = process.env.SLUICE_DUCKDB_MEMORY_LIMIT;
  process.env.SLUICE_DUCKDB_MEMORY_LIMIT = LIMIT;
  try {
    const result = await sluice("run", "--source", "synthetic", "--from", RANGE.from, "--to", RANGE.to, "--locations", RANGE.locations, "--lake", lake, "--json", ...extra);
    expect(result.code, result.out + result.err).toBe(0);
    return JSON.parse(result.out) as RunView;
  } finally {
    if (previous === undefined) delete process.env.SLUICE_DUCKDB_MEMORY_LIMIT;
    else process.env.SLUICE_DUCKDB_MEMORY_LIMIT = previous;
  }
}

describe(`a full refresh under a small DuckDB memory limit (SLUICE_DUCKDB_MEMORY_LIMIT=${LIMIT})`, () => {
  let lake: string;
  let built: RunView;
  beforeAll(async () => {
    lake = await tempLake("full-refresh-memory");
    // The first run (no production yet) builds from all raw, as a full refresh does.
    built = await runWithLimit(lake);
  }, 120_000);
  afterAll(() => removeLake(lake));

  it("builds 250 months of 3 cities in batches of at most 100 months, each grouping only its months' rows", () => {
    // Assess
    expect(built.status, built.failure?.message).toBe("succeeded");
    const ctas = built.steps.find((s) => s.name === "ctas")!;
    expect(ctas.rowsOut).toBe(RECORDS);
    expect(ctas.detail).toMatchObject({ statements: 3 });
    expect((ctas.detail!.partitionsWritten as string[]).length).toBe(250);
  });

  it("rebuilds the same production with --full-refresh under the same limit", async () => {
    // Prepare
    const answer = await queryRows(lake, "SELECT count(*) AS n, count(DISTINCT yr_mo_partition) AS months, round(sum(temperature), 3) AS t, sum(collection_count) AS c FROM weather_prod");

    // Act
    const record = await runWithLimit(lake, "--skip-ingest", "--full-refresh");

    // Assess
    expect(record.status, record.failure?.message).toBe("succeeded");
    expect(record.mode).toBe("full");
    expect(record.steps.find((s) => s.name === "ctas")!.rowsOut).toBe(RECORDS);
    expect(answer).toEqual([{ n: RECORDS, months: 250, t: expect.any(Number), c: RECORDS }]);
    expect(await queryRows(lake, "SELECT count(*) AS n, count(DISTINCT yr_mo_partition) AS months, round(sum(temperature), 3) AS t, sum(collection_count) AS c FROM weather_prod")).toEqual(answer);
  }, 120_000);
});

describe("the collections of a key, ordered by the clean view", () => {
  let lake: string;
  beforeAll(async () => {
    lake = await tempLake("collection-order");
  });
  afterAll(() => removeLake(lake));

  it("are ordered by their instant, not their text: the later collection wins even when its text sorts first", async () => {
    // Prepare: one day of Paris, then two more collections of its 10:00 hour whose ISO texts sort
    // the other way round from their instants ('.' < 'Z': 10:05:00.500Z is later, its text smaller)
    const day = syntheticRecords("Paris", "2024-11-24", 1);
    const hour = day.find((r) => r.measurement_time === "2024-11-24T10:00:00Z")!;
    const planted = [
      ...day.map((r) => ({ ...r, collection_time: "2024-11-24T09:00:00Z" })),
      { ...hour, temperature: 1.5, collection_time: "2024-11-24T10:05:00Z" },
      { ...hour, temperature: 2.5, collection_time: "2024-11-24T10:05:00.500Z" },
    ];
    expect(await deliver(lake, planted)).toBe(26);

    // Act
    const run = await sluice("run", "--skip-ingest", "--from", "2024-11-24", "--to", "2024-11-24", "--locations", "Paris", "--lake", lake, "--json");

    // Assess: latest wins by the instant, and first/last are the instants
    expect(run.code, run.out + run.err).toBe(0);
    expect(
      await queryRows(
        lake,
        "SELECT temperature, first_collection_time = TIMESTAMP '2024-11-24 09:00:00' AS first_ok, last_collection_time = TIMESTAMP '2024-11-24 10:05:00.500' AS last_ok, collection_count AS n FROM weather_prod WHERE measurement_time = TIMESTAMP '2024-11-24 10:00:00'",
      ),
    ).toEqual([{ temperature: 2.5, first_ok: true, last_ok: true, n: 3 }]);
    expect(await queryRows(lake, "SELECT count(*) AS n FROM weather_prod")).toEqual([{ n: 24 }]);
  });
});
