import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type LocalServer } from "../../packages/cli/src/commands/serve";
import type { LocalRuntime } from "../../packages/core/src/runtime/local";
import { TOKEN, authJson, disposeRuntime, tempRuntime } from "./lake";

// POST /backfills, GET /backfills/{id} and GET /backfills on the twin, through `sluice serve`'s
// server on 127.0.0.1; the lock per back-fill against a real `sluice backfill` process.

const REPO = process.cwd();
/** Half a year of one city: six chunks of the synthetic source's 31 days. */
const HALF_YEAR = { source: "synthetic", from: "2024-01-01", to: "2024-06-30", subjects: ["Paris"] };
const HOURS = 182 * 24;

interface BackfillView {
  id: string;
  status: "running" | "stopped" | "finished";
  phase: string;
  chunksDone: number;
  chunksTotal: number;
  records: number;
  startedAt: string;
  stopReason?: string;
  runId?: string;
}

describe("POST /backfills and GET /backfills on the twin", () => {
  let runtime: LocalRuntime;
  let server: LocalServer;
  const post = (body: unknown, headers: Record<string, string> = authJson()) => fetch(new URL("backfills", server.url), { method: "POST", headers, body: JSON.stringify(body) });
  const get = async <T>(path: string): Promise<{ status: number; body: T }> => {
    const answer = await fetch(new URL(path, server.url));
    return { status: answer.status, body: (await answer.json()) as T };
  };
  /** Polls the back-fill until it is no longer running. */
  const settled = async (id: string): Promise<BackfillView> => {
    for (let i = 0; i < 600; i++) {
      const { body } = await get<BackfillView>(`backfills/${id}`);
      if (body.status !== "running") return body;
      await new Promise((done) => setTimeout(done, 100));
    }
    throw new Error(`back-fill ${id} still running after 60 s`);
  };

  beforeAll(async () => {
    runtime = await tempRuntime("backfills");
    server = await startServer(runtime, { token: TOKEN, host: "127.0.0.1", port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    await disposeRuntime(runtime);
  });

  it("refuses a POST without the bearer token", async () => {
    const answer = await post(HALF_YEAR, { "Content-Type": "application/json" });
    expect(answer.status).toBe(401);
  });

  it.each([
    [{ ...HALF_YEAR, from: "2024-13-01" }, "from"],
    [{ ...HALF_YEAR, to: "2023-12-31" }, "to"],
    [{ ...HALF_YEAR, from: "1900-01-01", to: "2024-06-30" }, "to"],
    [{ ...HALF_YEAR, source: "nowhere" }, "source"],
    [{ ...HALF_YEAR, dataset: "nope" }, "dataset"],
    [{ ...HALF_YEAR, subjects: ["Atlantis"] }, "subjects"],
    [{ ...HALF_YEAR, variables: ["not_a_variable"] }, "variables"],
    [{ ...HALF_YEAR, restart: "yes" }, "restart"],
    [{ ...HALF_YEAR, chunkDays: 3 }, "chunkDays"],
    [{ ...HALF_YEAR, subjects: Array.from({ length: 101 }, (_, i) => `c${i}`) }, "subjects"],
  ])("answers 400 naming the field for %j", async (body, field) => {
    const answer = await post(body);
    expect(answer.status).toBe(400);
    const { error } = (await answer.json()) as { error: { code: string; field: string; reason: string } };
    expect(error).toMatchObject({ code: "invalid_input", field });
    expect(error.reason.length).toBeGreaterThan(0);
  });

  it("accepts a range of years (beyond POST /runs' 366 days) and checks the rest first", async () => {
    // Prepare: Atlantis is not in the gazetteer, so the request fails after the range check passed
    const answer = await post({ ...HALF_YEAR, from: "2015-01-01", to: "2024-12-31", subjects: ["Atlantis"] });
    // Assess: refused for the subject, not for the range
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { error: { field: string } }).error.field).toBe("subjects");
  });

  it("starts a back-fill in the background (202 + Location), refuses the same one while it runs (409), then reports it finished with its run", async () => {
    // Act
    const answer = await post({ ...HALF_YEAR, subjects: ["Paris", "London"] });
    const again = await post({ ...HALF_YEAR, subjects: ["Paris", "London"] });
    // Assess: the first is under way, the second names it
    expect(answer.status).toBe(202);
    const { backfillId, location } = (await answer.json()) as { backfillId: string; location: string };
    expect(backfillId).toMatch(/^b-weather-2024-01-01-2024-06-30-[0-9a-f]{10}$/);
    expect(answer.headers.get("location")).toBe(`/backfills/${backfillId}`);
    expect(location).toBe(`/backfills/${backfillId}`);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string; runningId: string } }).error).toMatchObject({ code: "backfill_in_progress", runningId: backfillId });
    const done = await settled(backfillId);
    expect(done).toMatchObject({ id: backfillId, status: "finished", phase: "succeeded", chunksDone: 6, chunksTotal: 6, records: 2 * HOURS });
    const run = await get<{ status: string; parameters: { from: string; to: string } }>(`runs/${done.runId}`);
    expect(run.body).toMatchObject({ status: "succeeded", parameters: { from: "2024-01-01", to: "2024-06-30" } });
    // A finished back-fill POSTed again is not run again.
    const finished = await post({ ...HALF_YEAR, subjects: ["Paris", "London"] });
    expect(finished.status).toBe(202);
    expect((await settled(backfillId)).runId).toBe(done.runId);
  });

  it("lists back-fills newest first with limit and offset, and answers 404 / 400 for unknown and malformed ids", async () => {
    const first = await post({ ...HALF_YEAR, from: "2024-07-01", to: "2024-07-31" });
    expect(first.status).toBe(202);
    const newest = ((await first.json()) as { backfillId: string }).backfillId;
    await settled(newest);
    const page = await get<{ backfills: BackfillView[]; nextOffset: number | null }>("backfills?limit=1");
    expect(page.status).toBe(200);
    expect(page.body.backfills.map((b) => b.id)).toEqual([newest]);
    expect(page.body.nextOffset).toBe(1);
    const rest = await get<{ backfills: BackfillView[]; nextOffset: number | null }>("backfills?limit=5&offset=1");
    expect(rest.body.backfills.length).toBeGreaterThanOrEqual(1);
    expect(rest.body.backfills.map((b) => b.id)).not.toContain(newest);
    expect(rest.body.nextOffset).toBeNull();
    expect((await get("backfills/b-weather-2024-01-01-2024-01-02-0123456789")).status).toBe(404);
    const bad = await get<{ error: { field: string } }>("backfills/..%2F..%2Fetc");
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("id");
  });

  it("stops a back-fill after the chunk in flight when serve stops, and resumes it from the cursor on the next serve's POST", async () => {
    // Prepare: a second server over the same lake, stopped right after its back-fill started
    const body = { ...HALF_YEAR, from: "2023-01-01", to: "2023-12-31" };
    const first = await startServer(runtime, { token: TOKEN, host: "127.0.0.1", port: 0 });
    const answer = await fetch(new URL("backfills", first.url), { method: "POST", headers: authJson(), body: JSON.stringify(body) });
    expect(answer.status).toBe(202);
    const { backfillId } = (await answer.json()) as { backfillId: string };
    // Act
    const report = await first.close("SIGTERM");
    // Assess: stopped, naming the chunk and the signal
    expect(report.backfillStopped).toBe(backfillId);
    const stopped = await get<BackfillView>(`backfills/${backfillId}`);
    expect(stopped.body).toMatchObject({ status: "stopped", phase: "stopped" });
    expect(stopped.body.chunksDone).toBeLessThan(12);
    expect(stopped.body.stopReason).toMatch(new RegExp(`^chunk ${stopped.body.chunksDone + 1}/12 .*SIGTERM`));
    // The server still running takes it up where the cursor is.
    const resumed = await post(body);
    expect(resumed.status).toBe(202);
    expect(await settled(backfillId)).toMatchObject({ status: "finished", chunksDone: 12, records: 365 * 24, startedAt: stopped.body.startedAt });
  });

  it("keeps one driver per back-fill across processes: 409 while `sluice backfill` drives it, a resume from its cursor once that process is killed", async () => {
    // Prepare: the CLI drives the half year paced at one chunk per 3 s, holding the back-fill's lock
    const args = ["bin/sluice.js", "backfill", "--source", "synthetic", "--from", HALF_YEAR.from, "--to", HALF_YEAR.to, "--subjects", "Paris", "--quota", "1/3s", "--lake", runtime.options.lake];
    const cli: ChildProcess = spawn(process.execPath, args, { cwd: REPO, env: { ...process.env, SLUICE_LOG_LEVEL: "error" }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    await new Promise<void>((resolve, reject) => {
      cli.stderr!.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/backfill chunk 1\/6/.test(stderr)) resolve();
      });
      cli.once("exit", (code) => reject(new Error(`sluice backfill exited ${code}: ${stderr}`)));
    });
    const id = /backfill (b-\S+):/.exec(stderr)![1]!;
    try {
      // Act: the same request through the API while the CLI holds the lock
      const busy = await post(HALF_YEAR);
      const whileHeld = await get<BackfillView>(`backfills/${id}`);
      // Assess
      expect(busy.status).toBe(409);
      expect(((await busy.json()) as { error: { code: string; runningId: string } }).error).toMatchObject({ code: "backfill_in_progress", runningId: id });
      expect(whileHeld.body.status).toBe("running");
    } finally {
      // Act: kill -9, as a crash would: the lock file stays behind
      cli.kill("SIGKILL");
      await new Promise((done) => cli.once("exit", done));
    }
    const orphan = await get<BackfillView>(`backfills/${id}`);
    expect(orphan.body.status).toBe("stopped");
    expect(orphan.body.stopReason).toMatch(/ended without saying why .* before chunk \d\/6/);
    expect(orphan.body.chunksDone).toBeGreaterThanOrEqual(1);
    expect(orphan.body.chunksDone).toBeLessThan(6);
    // The stale lock does not block: the API takes it over and resumes from the cursor.
    const resumed = await post(HALF_YEAR);
    expect(resumed.status).toBe(202);
    expect(((await resumed.json()) as { backfillId: string }).backfillId).toBe(id);
    const done = await settled(id);
    expect(done).toMatchObject({ status: "finished", chunksDone: 6, records: HOURS, startedAt: orphan.body.startedAt });
  }, 60_000);
});
