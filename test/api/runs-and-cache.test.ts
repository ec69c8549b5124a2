import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunRecord } from "../../packages/core/src/run/run-record";
import type { LocalRuntime } from "../../packages/core/src/runtime/local";
import { authJson, disposeRuntime, localApp, publishDemoWeek, tempRuntime, WEEK_BODY } from "./lake";
import { runDemoPipeline } from "../../packages/cli/src/commands/demo";
import { createLogger } from "../../packages/core/src/log/logger";
import { LocalRuntime as Runtime } from "../../packages/core/src/runtime/local";
import { pipeline } from "../../packages/core/src/pipeline/pipeline";

const SERIES = "/series?city=Paris&from=2024-11-24&to=2024-11-30";

describe("POST /runs and the response cache", () => {
  let runtime: LocalRuntime;
  beforeEach(async () => {
    runtime = await tempRuntime("runs");
  });
  afterEach(() => disposeRuntime(runtime));

  it("answers 202 with the run id and a Location, runs in the background, and a second trigger meanwhile is a 409 naming the running id", async () => {
    // Prepare
    const { app, launcher } = await localApp(runtime);

    // Act
    const first = await app.request("/runs", { method: "POST", headers: authJson(), body: JSON.stringify(WEEK_BODY) });
    const second = await app.request("/runs", { method: "POST", headers: authJson(), body: JSON.stringify(WEEK_BODY) });
    const { runId } = (await first.json()) as { runId: string };
    const whileRes = await app.request(`/runs/${runId}`);
    const whileRunning = (await whileRes.json()) as RunRecord;
    await launcher.settled();

    // Assess
    expect(first.status).toBe(202);
    expect(first.headers.get("Location")).toBe(`/runs/${runId}`);
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({ error: { code: "run_in_progress", runningId: runId } });
    expect(whileRes.status).toBe(200);
    expect(whileRunning.status).toBe("running");
    const done = (await (await app.request(`/runs/${runId}`)).json()) as RunRecord;
    expect(done).toMatchObject({ status: "succeeded", prodVersion: "weather_prod_v0001" });
  });

  it("starts runs of the other datasets with their own subjects, and names what does not fit", async () => {
    // Prepare
    const { app, launcher } = await localApp(runtime);
    const post = (body: unknown) => app.request("/runs", { method: "POST", headers: authJson(), body: JSON.stringify(body) });

    // Act
    const stocks = await post({ dataset: "stocks", source: "synthetic", from: "2024-11-18", to: "2024-11-22", tickers: ["aapl", "MSFT"] });
    await launcher.settled();
    const { runId } = (await stocks.json()) as { runId: string };
    const wrongSource = await post({ dataset: "stocks", source: "open-meteo", from: "2024-11-18", to: "2024-11-22" });
    const wrongSubject = await post({ dataset: "stocks", source: "synthetic", from: "2024-11-18", to: "2024-11-22", locations: ["Paris"] });
    const badTicker = await post({ dataset: "stocks", source: "synthetic", from: "2024-11-18", to: "2024-11-22", tickers: ["not a ticker"] });
    const noStations = await post({ dataset: "air_quality", source: "openaq", from: "2024-11-18", to: "2024-11-22" });

    // Assess
    expect(stocks.status).toBe(202);
    const done = (await (await app.request(`/runs/${runId}`)).json()) as RunRecord;
    expect(done).toMatchObject({ status: "succeeded", prodVersion: "stocks_prod_v0001" });
    expect(done.parameters.locations.map((l) => l.name)).toEqual(["AAPL", "MSFT"]);
    expect(wrongSource.status).toBe(400);
    expect(await wrongSource.json()).toMatchObject({ error: { field: "source" } });
    expect(await wrongSubject.json()).toMatchObject({ error: { field: "locations", reason: "does not apply to dataset stocks" } });
    expect(await badTicker.json()).toMatchObject({ error: { field: "tickers" } });
    expect(await noStations.json()).toMatchObject({ error: { field: "stations" } });
  });

  it("runs incrementally by default and rebuilds from all raw with fullRefresh: true; a fullRefresh that is not a boolean is a 400 naming it", async () => {
    // Prepare: a first published run
    const { app, launcher } = await localApp(runtime);
    const post = (body: unknown) => app.request("/runs", { method: "POST", headers: authJson(), body: JSON.stringify(body) });
    const record = async (res: Response): Promise<RunRecord> => {
      await launcher.settled();
      const { runId } = (await res.json()) as { runId: string };
      return (await (await app.request(`/runs/${runId}`)).json()) as RunRecord;
    };
    expect((await record(await post(WEEK_BODY))).status).toBe("succeeded");

    // Act
    const incremental = await record(await post(WEEK_BODY));
    const full = await record(await post({ ...WEEK_BODY, fullRefresh: true }));
    const bad = await post({ ...WEEK_BODY, fullRefresh: "yes" });

    // Assess: the record says which mode ran; the full refresh read every raw object of the three ingests
    expect(incremental).toMatchObject({ status: "succeeded", mode: "incremental", prodVersion: "weather_prod_v0002" });
    expect(full).toMatchObject({ status: "succeeded", mode: "full", prodVersion: "weather_prod_v0003" });
    const rawRead = (r: RunRecord) => r.steps.find((s) => s.name === "ctas")!.detail!.rawObjectsRead as number;
    expect(rawRead(full)).toBe(3 * rawRead(incremental));
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain("fullRefresh");
  });

  it("is a 409 with the holder's id while another process's run holds the lake's lock", async () => {
    // Prepare: the lock file held as a run in a live process would hold it
    const { app } = await localApp(runtime);
    const lease = await runtime.lock.acquire("r20241201t000000z-abcd");

    // Act
    const res = await app.request("/runs", { method: "POST", headers: authJson(), body: JSON.stringify(WEEK_BODY) });
    await lease.release();

    // Assess
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: { runningId: "r20241201t000000z-abcd" } });
  });

  it("answers a repeated read from the cache with the same ETag, 304 on If-None-Match, without querying again", async () => {
    // Prepare
    await publishDemoWeek(runtime);
    const { deps } = await localApp(runtime);
    let queries = 0;
    const counting = await localApp(runtime, { warehouse: { query: (sql, params) => (queries++, deps.warehouse.query(sql, params)) } });

    // Act
    const first = await counting.app.request(SERIES);
    const etag = first.headers.get("ETag")!;
    const again = await counting.app.request(SERIES);
    const notModified = await counting.app.request(SERIES, { headers: { "If-None-Match": etag } });
    const otherCity = await counting.app.request(SERIES.replace("Paris", "Berlin"));

    // Assess
    expect(first.status).toBe(200);
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(again.headers.get("ETag")).toBe(etag);
    expect(await again.text()).toBe(await first.clone().text());
    expect(notModified.status).toBe(304);
    expect(await notModified.text()).toBe("");
    expect(otherCity.headers.get("ETag")).not.toBe(etag);
    expect(queries).toBe(2);
  });

  it("invalidates when a run publishes: through the API at once, and a run by another process on the next request", async () => {
    // Prepare
    await publishDemoWeek(runtime);
    const { app, launcher } = await localApp(runtime);
    const before = await app.request(SERIES);
    const etag = before.headers.get("ETag")!;

    // Act: a run through the API publishes v0002
    const started = await app.request("/runs", { method: "POST", headers: authJson(), body: JSON.stringify(WEEK_BODY) });
    expect(started.status).toBe(202);
    await launcher.settled();
    const afterApiRun = await app.request(SERIES, { headers: { "If-None-Match": etag } });

    // Act: a run by another runtime (its own DuckDB and catalog handle, as another process would) publishes v0003
    const other = new Runtime({ lake: runtime.options.lake, pipeline, logger: createLogger("silent") });
    const run = await runDemoPipeline(other);
    await other.close();
    const afterOtherRun = await app.request(SERIES, { headers: { "If-None-Match": afterApiRun.headers.get("ETag")! } });

    // Assess
    expect(afterApiRun.status).toBe(200);
    expect(afterApiRun.headers.get("X-Production-Version")).toMatch(/weather_prod_v0002/);
    expect(((await afterApiRun.json()) as { productionVersion: string }).productionVersion).toBe("weather_prod_v0002");
    expect(run.prodVersion).toBe("weather_prod_v0003");
    expect(afterOtherRun.status).toBe(200);
    expect(afterOtherRun.headers.get("X-Production-Version")).toMatch(/weather_prod_v0003/);
  });

  it("reads only the month partitions of the range: a series in November scans less than one over October and November", async () => {
    // Prepare: two months of data
    const { app, launcher } = await localApp(runtime);
    await app.request("/runs", { method: "POST", headers: authJson(), body: JSON.stringify({ ...WEEK_BODY, from: "2024-10-20", to: "2024-11-10" }) });
    await launcher.settled();

    // Act
    const nov = (await (await app.request("/series?city=Paris&from=2024-11-01&to=2024-11-10")).json()) as { bytesScanned: number; series: { points: unknown[] }[] };
    const both = (await (await app.request("/series?city=Paris&from=2024-10-20&to=2024-11-10")).json()) as { bytesScanned: number; series: { points: unknown[] }[] };

    // Assess
    expect(nov.series[0]!.points).toHaveLength(240);
    expect(both.series[0]!.points).toHaveLength(528);
    expect(nov.bytesScanned).toBeGreaterThan(0);
    expect(nov.bytesScanned).toBeLessThan(both.bytesScanned * 0.75);
  });

  it("answers empty series on a lake with no production yet", async () => {
    // Prepare
    const { app } = await localApp(runtime);

    // Act
    const res = await app.request(SERIES);

    // Assess
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ productionVersion: null, series: [{ city: "Paris", points: [] }] });
  });
});
