import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { documentedResponse, FakeOpenMeteo, type FakeReply } from "../sources/fake-open-meteo";
import { queryRows, removeLake, sluice, tempLake } from "./sluice";

const REPO = join(import.meta.dirname, "..", "..");
const CITIES = "Paris,London,Berlin";
// 5 years: 2019-01-01..2023-12-31 is 1,826 days (2020 is a leap year).
const FIVE_YEARS = ["--from", "2019-01-01", "--to", "2023-12-31"] as const;
const HOURS = 1_826 * 24;
// Open-Meteo's minute scaled to one second so the test takes seconds; the fake enforces the same limit.
const WINDOW_MS = 1_000;
const LIMIT = 9;
const MINUTELY = JSON.stringify({ error: true, reason: "Minutely API request limit exceeded. Please try again in one minute." });
const DAILY = JSON.stringify({ error: true, reason: "Daily API request limit exceeded. Please try again tomorrow." });

/** Temperatures that stay within the weather rules' -90..60 °C over years: a daily cycle around latitude / 10. */
const BOUNDED = { value: (_variable: string, latitude: number, hour: number) => Math.round((latitude / 10 + (hour % 24) / 2) * 10) / 10 };

/** The weight Open-Meteo gives a request, as its server computes it (written out here, not imported: the fake is the referee). */
function weightOf(url: URL): number {
  const locations = (url.searchParams.get("latitude") ?? "").split(",").length;
  const variables = (url.searchParams.get("hourly") ?? "").split(",").length;
  const days = (Date.parse(url.searchParams.get("end_date")!) - Date.parse(url.searchParams.get("start_date")!)) / 86_400_000 + 1;
  return locations * Math.max(1, variables / 10, (variables / 10) * (days / 14));
}

/** The fake's per-"minute" limit on fixed windows, as Open-Meteo counts calls; every answer logged. */
function enforceMinutely(fake: FakeOpenMeteo, answers: { chunk: string; status: number; weight: number; window: number }[]): void {
  const used = new Map<number, number>();
  fake.handler = (url): FakeReply => {
    const window = Math.floor(Date.now() / WINDOW_MS);
    const weight = weightOf(url);
    const chunk = `${url.searchParams.get("start_date")}..${url.searchParams.get("end_date")} ${url.searchParams.get("latitude")}`;
    if ((used.get(window) ?? 0) + weight > LIMIT) {
      answers.push({ chunk, status: 429, weight, window });
      return { status: 429, body: MINUTELY };
    }
    used.set(window, (used.get(window) ?? 0) + weight);
    answers.push({ chunk, status: 200, weight, window });
    return { body: documentedResponse(url, BOUNDED) };
  };
}

describe("sluice backfill against a fake Open-Meteo archive that enforces a per-minute limit", () => {
  let fake: FakeOpenMeteo;
  let lake: string;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    fake = await FakeOpenMeteo.start();
  });
  afterAll(() => fake.close());
  beforeEach(async () => {
    lake = await tempLake("backfill");
    fake.requests.length = 0;
  });
  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await removeLake(lake);
  });

  function start(): { child: ChildProcess; stdout: () => string; stderr: () => string } {
    const args = ["bin/sluice.js", "backfill", "--source", "open-meteo", "--endpoint", "archive", "--base-url", fake.baseUrl, ...FIVE_YEARS, "--subjects", CITIES, "--quota", `${LIMIT}/${WINDOW_MS}ms`, "--lake", lake];
    const started = spawn(process.execPath, args, { cwd: REPO, env: { ...process.env, SLUICE_LOG_LEVEL: "error" }, stdio: ["ignore", "pipe", "pipe"] });
    child = started;
    let stdout = "";
    let stderr = "";
    started.stdout!.on("data", (data: Buffer) => (stdout += data.toString("utf8")));
    started.stderr!.on("data", (data: Buffer) => (stderr += data.toString("utf8")));
    return { child: started, stdout: () => stdout, stderr: () => stderr };
  }

  it("5 years × 3 cities: paced in chunks with no 429, killed after some chunks, resumed from its cursor; production has every hour once", async () => {
    // Prepare
    const answers: { chunk: string; status: number; weight: number; window: number }[] = [];
    enforceMinutely(fake, answers);

    // Act 1: a real process, SIGKILLed once it reported its fifth chunk written
    const first = start();
    const deadline = Date.now() + 60_000;
    while (!/backfill chunk 5\/14 /.test(first.stderr())) {
      if (first.child.exitCode !== null) throw new Error(`sluice backfill exited ${first.child.exitCode} early: ${first.stderr()}`);
      if (Date.now() > deadline) throw new Error(`no fifth chunk within 60 s; stderr: ${first.stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    first.child.kill("SIGKILL");
    await once(first.child, "exit");
    const fetchedByFirst = answers.map((a) => a.chunk);
    const cursor = JSON.parse(await readFile(join(lake, "processed", "_sluice", "backfills", (await cursorFile(lake))!), "utf8"));

    // Act 2: the same command again
    const second = start();
    const [code] = (await once(second.child, "exit")) as [number | null];

    // Assess: no 429 was ever answered, so none reached the user; the second process finished and ran once
    expect(code, second.stderr()).toBe(0);
    expect(answers.filter((a) => a.status === 429)).toEqual([]);
    // The limit was binding: the calls weigh several windows' worth (unpaced, the 14 chunks would go out
    // within one window and be answered 429), and no window got more than the limit. How full each window
    // got depends on the machine's load (a slow response leaves room unused), so it is not asserted.
    const perWindow = new Map<number, number>();
    for (const a of answers) perWindow.set(a.window, (perWindow.get(a.window) ?? 0) + a.weight);
    const weight = answers.reduce((sum, a) => sum + a.weight, 0);
    expect(weight).toBeGreaterThan(4 * LIMIT);
    expect(Math.max(...perWindow.values())).toBeLessThanOrEqual(LIMIT);
    expect(perWindow.size).toBeGreaterThanOrEqual(Math.ceil(weight / LIMIT));
    expect(second.stdout()).toMatch(/14 chunk\(s\), resumed at chunk \d+/);
    expect(second.stdout()).toContain("SUCCEEDED");
    // In chunks: 14 ranges of 140 days (one variable: one call per location each), 3 cities a call, weight 3
    const chunks = [...new Set(answers.map((a) => a.chunk))];
    expect(chunks).toHaveLength(14);
    expect(answers.every((a) => a.weight === 3 || a.chunk.startsWith("2023-12"))).toBe(true);
    // Resumed from the cursor: it starts at the chunk after the last one written; at most the chunk in flight was fetched twice
    expect(cursor.chunksDone).toBeGreaterThanOrEqual(5);
    expect(second.stderr()).toContain(`resuming at chunk ${cursor.chunksDone + 1}/14`);
    const fetchedBySecond = answers.slice(fetchedByFirst.length).map((a) => a.chunk);
    expect(fetchedBySecond[0]).toBe(chunks[cursor.chunksDone]);
    const twice = fetchedBySecond.filter((c) => fetchedByFirst.includes(c));
    expect(twice.length).toBeLessThanOrEqual(1);
    expect(fetchedByFirst.length + fetchedBySecond.length).toBeLessThanOrEqual(15);
    // Progress on stderr: chunks done/total, records, ETA
    expect(second.stderr()).toMatch(/backfill chunk 14\/14 2023-\d\d-\d\d\.\.2023-12-31 \(Paris,London,Berlin\) written, 131,472 records, ETA 0 s/);
    // Production: every hour of every city once
    const [prod] = await queryRows(lake, "SELECT count(*) AS n, count(DISTINCT city || CAST(measurement_time AS VARCHAR)) AS distinct_hours, min(measurement_time) AS first, max(measurement_time) AS last FROM weather_prod");
    expect(prod).toMatchObject({ n: 3 * HOURS, distinct_hours: 3 * HOURS });
    expect(String(prod!.first)).toMatch(/^2019-01-01[ T]00:00:00/);
    expect(String(prod!.last)).toMatch(/^2023-12-31[ T]23:00:00/);
  }, 120_000);

  it("a 429 that outlasts the client's waits stops at the chunk, names it and how to resume; the same command resumes there", async () => {
    // Prepare: the third call hits the daily limit (a wait until tomorrow, beyond what the client waits)
    let calls = 0;
    fake.handler = (url) => (++calls === 3 ? { status: 429, body: DAILY } : { body: documentedResponse(url, BOUNDED) });
    const args = ["backfill", "--source", "open-meteo", "--endpoint", "archive", "--base-url", fake.baseUrl, "--from", "2019-01-01", "--to", "2019-12-31", "--subjects", CITIES, "--lake", lake];

    // Act
    const stopped = await sluice(...args);
    const resumed = await sluice(...args);
    const again = await sluice(...args);

    // Assess
    expect(stopped.code).toBe(1);
    expect(stopped.err).toMatch(/back-fill b-weather-2019-01-01-2019-12-31-[0-9a-f]{10} stopped at chunk 3\/3 \(2019-10-08\.\.2019-12-31, Paris,London,Berlin\): 3 subject\(s\) failed, first Paris: .*Daily API request limit exceeded/);
    expect(stopped.err).toContain("2 chunk(s) are written and kept; run the same command again to resume from chunk 3");
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.err).toContain("resuming at chunk 3/3");
    expect(resumed.out).toContain("3 chunk(s), resumed at chunk 3, 26,280 records written");
    expect(fake.requests.map((u) => `${u.searchParams.get("start_date")}..${u.searchParams.get("end_date")}`)).toEqual(["2019-01-01..2019-05-20", "2019-05-21..2019-10-07", "2019-10-08..2019-12-31", "2019-10-08..2019-12-31"]);
    expect(again.out).toMatch(/already finished \(run r\d{8}t\d{6}z-[0-9a-f]{4}\): nothing to do/);
    expect(fake.requests).toHaveLength(4);
  }, 60_000);
});

describe("sluice backfill killed during its run", () => {
  let lake: string;
  beforeAll(async () => {
    lake = await tempLake("backfill-run-killed");
  });
  afterAll(() => removeLake(lake));

  it("resumes with the run when every chunk was written but the run did not finish, fetching nothing again", async () => {
    // Prepare: a finished back-fill, its cursor set back to what a process killed during the run
    // leaves (every chunk done, status running, no run id), and production dropped with it
    const args = ["backfill", "--source", "synthetic", "--from", "2024-01-01", "--to", "2024-03-31", "--subjects", CITIES, "--lake", lake, "--json"];
    const first = await sluice(...args);
    expect(first.code, first.err).toBe(0);
    const file = join(lake, "processed", "_sluice", "backfills", (await cursorFile(lake))!);
    const { runId: _runId, ...state } = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
    await writeFile(file, JSON.stringify({ ...state, status: "running" }, null, 2));
    // Act
    const resumed = await sluice(...args);
    // Assess
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.err).toMatch(/all \d+ chunk\(s\) written before; running the run over the range again/);
    expect(resumed.err).not.toMatch(/backfill chunk /);
    const answer = JSON.parse(resumed.out) as { backfill: { status: string; runId: string }; run: { id: string; status: string } };
    expect(answer.run.status).toBe("succeeded");
    expect(answer.backfill).toMatchObject({ status: "succeeded", runId: answer.run.id });
    const [count] = await queryRows(lake, "SELECT count(*) AS n FROM weather_prod");
    expect(count!.n).toBe(91 * 24 * 3);
  }, 60_000);
});

/** The back-fill's cursor file in the lake. */
async function cursorFile(lake: string): Promise<string | undefined> {
  return (await readdir(join(lake, "processed", "_sluice", "backfills"))).find((f) => f.endsWith(".json"));
}
