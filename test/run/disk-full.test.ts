import { execFileSync, spawnSync } from "node:child_process";
import { mkdir, readdir, readFile, rm, statfs, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runWeek, sluice } from "../cli/sluice";

interface RunView {
  id: string;
  status: string;
  failure?: { step: string; message: string };
}

/** Every `*.tmp` file under `dir`, relative to it. */
async function tempFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith(".tmp")).map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

/** Every run record in the lake, read from disk (not through the CLI). */
async function runRecords(lake: string): Promise<RunView[]> {
  const dir = join(lake, "processed", "_sluice", "runs");
  const ids = await readdir(dir).catch(() => [] as string[]);
  return Promise.all(ids.map(async (id) => JSON.parse(await readFile(join(dir, id, "run.json"), "utf8")) as RunView));
}

/** A pid no process has now: a child that has exited. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout);
}

// A small tmpfs is a real full disk; mounting one needs root (CAP_SYS_ADMIN), which CI containers may not give.
const point = join(tmpdir(), `sluice-diskfull-${process.pid}`);
let skip: string | undefined;
let mounted = false;
function mount(size: string): void {
  if (mounted) execFileSync("umount", [point]);
  mounted = false;
  execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", point], { stdio: "pipe" });
  mounted = true;
}

describe("a full disk (a small tmpfs)", () => {
  beforeAll(async () => {
    await mkdir(point, { recursive: true });
    try {
      mount("16k");
    } catch (error) {
      skip = `cannot mount a tmpfs here (${(error as Error).message.split("\n")[0]}): the disk-full tests need root`;
      console.warn(`skipped: ${skip}`);
    }
  });
  afterEach(() => {
    if (!skip) mount("16k");
  });
  afterAll(async () => {
    if (mounted) execFileSync("umount", [point]);
    await rm(point, { recursive: true, force: true });
  });

  it("an ingest that wrote part of its locations prints its summary, names each lost location with the path, exits 4 and leaves no *.tmp", async (context) => {
    if (skip) return context.skip(skip);
    const lake = join(point, "lake");

    // Act: 7 cities × 30 days, ~4 KB of gzip each, into 16 KB
    const result = await sluice("ingest", "--from", "2024-11-01", "--to", "2024-11-30", "--locations", "Paris,London,Berlin,Madrid,Rome,Vienna,Tokyo", "--lake", lake, "--json");

    // Assess
    expect(result.code, result.err).toBe(4);
    const summary = JSON.parse(result.out);
    expect(summary.recordsDelivered).toBeGreaterThan(0);
    expect(summary.recordsDelivered).toBeLessThan(7 * 720);
    expect(summary.failures.length).toBe(7 - summary.locationsDelivered);
    for (const failure of summary.failures) {
      expect(failure.error).toMatch(new RegExp(`^720 accepted records were not written: cannot write ${lake}/raw/weather/location=${failure.location}/.*\\.gz: no space left on device \\(ENOSPC\\)$`));
    }
    expect(summary.recordsDelivered + 720 * summary.failures.length).toBe(7 * 720);
    expect(await tempFiles(point)).toEqual([]);
  });

  it("an ingest that wrote nothing still prints its summary and exits 1", async (context) => {
    if (skip) return context.skip(skip);
    // Prepare: not one block free
    const { bavail, bsize } = await statfs(point);
    await writeFile(join(point, "filler"), Buffer.alloc(bavail * bsize));

    // Act
    const result = await sluice("ingest", "--from", "2024-11-01", "--to", "2024-11-30", "--locations", "Paris,London", "--lake", join(point, "lake"));

    // Assess

    expect(result.code).toBe(1);
    expect(result.out).toMatch(/records delivered\s+0/);
    expect(result.out).toMatch(/Paris: 720 accepted records were not written: cannot write .*: no space left on device \(ENOSPC\)/);
    expect(await tempFiles(point)).toEqual([]);
  });

  it.for(["8k", "24k", "40k", "56k", "64k", "80k", "96k"])(
    "a run with %s of disk never stays `running`: finished, the step and the path named, no *.tmp; a later run with room succeeds",
    async (size, context) => {
      if (skip) return context.skip(skip);
      mount(size);
      const lake = join(point, "lake");

      // Act
      const full = await runWeek(lake, "--json");

      // Assess: whatever the step that hit the full disk, the record on disk is finished
      const run = JSON.parse(full.out) as RunView;
      const [record] = await runRecords(lake);
      if (record) expect(record.status).toBe(run.status);
      if (run.status === "failed") {
        expect(full.code).toBe(1);
        expect(run.failure!.message).toMatch(new RegExp(`step ${run.failure!.step} failed: .*(cannot write ${lake}/\\S+: no space left on device \\(ENOSPC\\)|${lake}/\\S+.*No space left on device)`));
        expect(run.failure!.message).not.toMatch(/^ENOSPC/);
      } else {
        expect(run.status).toBe("succeeded");
      }
      expect(await tempFiles(point)).toEqual([]);

      // Act: the disk grows, the next run goes on
      execFileSync("mount", ["-o", "remount,size=4m", point]);
      const next = await runWeek(lake, "--json");

      // Assess
      expect(next.code, next.out + next.err).toBe(0);
      expect((await runRecords(lake)).map((r) => r.status)).not.toContain("running");
    },
  );

  it("a run removes the *.tmp files a killed writer left in the folders it reads (raw hour folders, the catalog)", async (context) => {
    if (skip) return context.skip(skip);
    mount("4m");
    const lake = join(point, "lake");
    const ingest = await sluice("ingest", "--from", "2024-11-24", "--to", "2024-11-24", "--locations", "Paris", "--lake", lake);
    expect(ingest.code).toBe(0);
    const [object] = (await readdir(join(lake, "raw"), { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    const pid = deadPid();
    const orphans = [join(object!.parentPath, `${object!.name}.${pid}.1.tmp`), join(lake, "_catalog", "sluice", `raw_weather.table.json.${pid}.2.tmp`)];
    await mkdir(join(lake, "_catalog", "sluice"), { recursive: true });
    for (const path of orphans) await writeFile(path, "");

    // Act
    const run = await sluice("run", "--skip-ingest", "--from", "2024-11-24", "--to", "2024-11-24", "--locations", "Paris", "--lake", lake);

    // Assess
    expect(run.code, run.out + run.err).toBe(0);
    expect(await tempFiles(point)).toEqual([]);
  });
});
