import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeLake, sluice, tempLake } from "./sluice";

interface IngestJson {
  readonly incremental: { readonly windows: readonly { subjects: string[]; start: string; end: string }[] };
}

// `sluice cursors`: what the incremental ingest keeps, listed and forgotten, through the real CLI.
describe("sluice cursors", () => {
  let lake: string;
  const yesterday = `${new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)}T00:00:00Z`;
  const ingest = async () => {
    const result = await sluice("ingest", "--incremental", "--source", "synthetic", "--locations", "Paris,London", "--lake", lake, "--json");
    expect(result.code, result.err).toBe(0);
    return JSON.parse(result.out) as IngestJson;
  };
  beforeAll(async () => {
    lake = await tempLake("cursors");
  });
  afterAll(() => removeLake(lake));

  it("lists each subject's cursor after an incremental ingest, and none before", async () => {
    // Act
    const before = await sluice("cursors", "--lake", lake);
    const first = await ingest();
    const listed = await sluice("cursors", "--lake", lake, "--json");
    // Assess
    expect(before.out).toMatch(/^no cursors yet/);
    const rows = JSON.parse(listed.out) as { dataset: string; source: string; subject: string; last_delivered: string }[];
    expect(rows.map((r) => `${r.dataset}/${r.source}/${r.subject}`)).toEqual(["weather/synthetic/Paris", "weather/synthetic/London"]);
    expect(rows.every((r) => r.last_delivered === first.incremental.windows[0]!.end)).toBe(true);
  });

  it("--reset forgets a subject's cursor: the next incremental ingest asks it from yesterday, the other from its cursor", async () => {
    // Act
    const reset = await sluice("cursors", "--reset", "Paris", "--dataset", "weather", "--source", "synthetic", "--lake", lake);
    const next = await ingest();
    // Assess
    expect(reset.code, reset.err).toBe(0);
    expect(reset.out).toMatch(/^forgot the cursors of Paris \(weather\/synthetic\)/);
    const paris = next.incremental.windows.find((w) => w.subjects.includes("Paris"))!;
    const london = next.incremental.windows.find((w) => w.subjects.includes("London"))!;
    expect(paris.start).toBe(yesterday);
    expect(paris.subjects).toEqual(["Paris"]);
    expect(Date.parse(london.start)).toBeGreaterThan(Date.parse(yesterday));
  });

  it("names what it cannot reset, and --reset-all empties the dataset's source", async () => {
    // Act
    const unknown = await sluice("cursors", "--reset", "Rome", "--dataset", "weather", "--source", "synthetic", "--lake", lake);
    const unscoped = await sluice("cursors", "--reset-all", "--lake", lake);
    const all = await sluice("cursors", "--reset-all", "--dataset", "weather", "--source", "synthetic", "--lake", lake);
    const after = await sluice("cursors", "--lake", lake);
    const again = await sluice("cursors", "--reset-all", "--dataset", "weather", "--source", "synthetic", "--lake", lake);
    // Assess
    expect([unknown.code, unscoped.code, all.code, again.code]).toEqual([2, 2, 0, 2]);
    expect(unknown.err).toMatch(/weather\/synthetic has no cursor for "Rome"; its subjects: (Paris, London|London, Paris)\n/);
    expect(unscoped.err).toMatch(/--reset and --reset-all need --dataset and --source/);
    expect(all.out).toMatch(/forgot the cursors of (Paris, London|London, Paris) /);
    expect(after.out).toMatch(/^no cursors yet/);
    expect(again.err).toMatch(/weather\/synthetic has no cursors/);
  });

  it("a truncated cursor file stops the incremental ingest naming the file in the lake, and is left as it was (no silent start from yesterday)", async () => {
    // Prepare: a cursor, then cut mid-write as a disk fault would leave it
    await ingest();
    const file = join(lake, "processed", "_sluice", "cursors", "weather", "synthetic.json");
    const truncated = (await readFile(file, "utf8")).slice(0, 40);
    await writeFile(file, truncated);
    // Act
    const result = await sluice("ingest", "--incremental", "--source", "synthetic", "--locations", "Paris,London", "--lake", lake);
    const listed = await sluice("cursors", "--lake", lake);
    // Assess
    expect(result.code).toBe(1);
    expect(result.err).toContain(`cursor ${file} is unreadable: not JSON; fix or delete it`);
    expect(listed.code).toBe(2);
    expect(listed.err).toContain(file);
    expect(await readFile(file, "utf8")).toBe(truncated);
  });
});
