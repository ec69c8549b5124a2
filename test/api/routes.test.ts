import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ErrorBody } from "../../packages/core/src/api/errors";
import type { RunRecord } from "../../packages/core/src/run/run-record";
import type { LocalRuntime } from "../../packages/core/src/runtime/local";
import { authJson, disposeRuntime, localApp, publishDemoWeek, tempRuntime, WEEK_BODY } from "./lake";

describe("the API's read routes on a lake after one synthetic run", () => {
  let runtime: LocalRuntime;
  let run: RunRecord;
  let app: Awaited<ReturnType<typeof localApp>>["app"];

  beforeAll(async () => {
    runtime = await tempRuntime("routes");
    run = await publishDemoWeek(runtime);
    ({ app } = await localApp(runtime));
  });
  afterAll(() => disposeRuntime(runtime));

  it("GET /health answers ok with the production version and a request id header", async () => {
    // Act
    const res = await app.request("/health");

    // Assess
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Request-Id")).toMatch(/^[\w-]+$/);
    // One part per dataset: only weather has been published here.
    expect(await res.json()).toEqual({ status: "ok", productionVersion: expect.stringMatching(/^weather:weather_prod_v0001:\d+,stocks:none:0,air_quality:none:0$/) });
  });

  it("GET /runs lists runs newest first with a next page, GET /runs/{id} gives steps with status, timings and row counts", async () => {
    // Act
    const page = await app.request("/runs?limit=1");
    const one = await app.request(`/runs/${run.id}`);

    // Assess
    expect(page.status).toBe(200);
    const body = (await page.json()) as { runs: RunRecord[]; nextOffset: number | null };
    expect(body.runs.map((r) => r.id)).toEqual([run.id]);
    expect(body.nextOffset).toBeNull();
    const record = (await one.json()) as RunRecord;
    expect(record.status).toBe("succeeded");
    expect(record.steps.map((s) => s.name)).toEqual(["ingest", "crawl", "drop", "ctas", "dq", "publish"]);
    expect(record.steps.find((s) => s.name === "ctas")).toMatchObject({ status: "succeeded", rowsOut: 504, durationMs: expect.any(Number) });
  });

  it("GET /runs/{id}/dq and GET /dq/latest answer the run's DQ report", async () => {
    // Act
    const report = await app.request(`/runs/${run.id}/dq`);
    const latest = await app.request("/dq/latest");

    // Assess
    expect(report.status).toBe(200);
    const body = (await report.json()) as { gate: string; RuleResults: { Result: string }[] };
    expect(body.gate).toBe("PASS");
    expect(body.RuleResults.length).toBeGreaterThan(5);
    expect(await latest.json()).toMatchObject({ runId: run.id, gate: "PASS", report: { gate: "PASS" } });
  });

  it("GET /tables lists the catalog and GET /tables/{name} gives columns, partitions, location and the current version", async () => {
    // Act
    const list = await app.request("/tables");
    const prod = await app.request("/tables/weather_prod");
    const version = await app.request("/tables/weather_prod_v0001");

    // Assess
    const names = ((await list.json()) as { tables: { name: string }[] }).tables.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["raw_weather", "clean_weather", "weather_parquet", "weather_prod", "weather_prod_v0001"]));
    expect(await prod.json()).toMatchObject({ name: "weather_prod", kind: "view", currentVersion: "weather_prod_v0001", version: expect.any(Number) });
    expect(await version.json()).toMatchObject({
      kind: "table",
      location: expect.stringMatching(/^s3:\/\/prod\/weather_prod\/data\/r\d{8}t\d{6}z-[0-9a-f]{4}\/$/),
      partitionKeys: ["yr_mo_partition"],
      partitionCount: 1,
      partitions: [{ values: ["2024-11"], location: expect.stringMatching(/^s3:\/\/prod\/weather_prod\/data\/r\d{8}t\d{6}z-[0-9a-f]{4}\/yr_mo_partition=2024-11\/$/) }],
      columns: expect.arrayContaining([{ name: "temperature", type: "double" }]),
    });
  });

  it("GET /series answers hourly temperatures per city, and an unknown city has an empty series", async () => {
    // Act
    const res = await app.request("/series?dataset=weather&city=Paris&city=Atlantis&from=2024-11-24&to=2024-11-30&interval=hour&metric=temperature");

    // Assess
    expect(res.status).toBe(200);
    const body = (await res.json()) as { series: { city: string; points: [string, number][] }[]; unit: string; bytesScanned: number };
    expect(body.unit).toBe("°C");
    expect(body.series.map((s) => [s.city, s.points.length])).toEqual([["Paris", 168], ["Atlantis", 0]]);
    expect(body.series[0]!.points[0]).toEqual(["2024-11-24T00:00:00.000Z", expect.any(Number)]);
    expect(body.bytesScanned).toBeGreaterThan(0);
  });

  it("GET /series by day and GET /stats agree: 7 daily points, and average between min and max", async () => {
    // Act
    const daily = (await (await app.request("/series?city=Berlin&from=2024-11-24&to=2024-11-30&interval=day")).json()) as { series: { points: [string, number][] }[] };
    const stats = (await (await app.request("/stats?from=2024-11-24&to=2024-11-30")).json()) as { cities: { city: string; average: number; min: number; max: number; count: number }[] };

    // Assess
    expect(daily.series[0]!.points).toHaveLength(7);
    expect(stats.cities.map((c) => [c.city, c.count])).toEqual([["Berlin", 168], ["London", 168], ["Paris", 168]]);
    for (const c of stats.cities) expect(c.min <= c.average && c.average <= c.max).toBe(true);
  });

  it("POST /query runs read-only Athena SQL with Grafana macros expanded from from/to, answering rows and bytes scanned", async () => {
    // Act
    const res = await app.request("/query", {
      method: "POST",
      headers: authJson(),
      body: JSON.stringify({
        sql: "SELECT city, count(*) AS n FROM weather_prod WHERE $__timeFilter(measurement_time) GROUP BY city ORDER BY city",
        from: "2024-11-30T00:00:00Z",
        to: "2024-11-30T12:00:00Z",
      }),
    });

    // Assess
    expect(res.status).toBe(200);
    const body = (await res.json()) as { rows: unknown[]; bytesScanned: number; truncated: boolean; sql: string };
    expect(body.rows).toEqual([{ city: "Berlin", n: 13 }, { city: "London", n: 13 }, { city: "Paris", n: 13 }]);
    expect(body.sql).not.toContain("$__");
    expect(body.bytesScanned).toBeGreaterThan(0);
    expect(body.truncated).toBe(false);
  });

  it("POST /query cuts the answer at maxRows and says so", async () => {
    // Act
    const res = await app.request("/query", { method: "POST", headers: authJson(), body: JSON.stringify({ sql: "SELECT city FROM weather_prod;", maxRows: 5 }) });

    // Assess
    expect(await res.json()).toMatchObject({ rowCount: 5, truncated: true });
  });

  it("GET / serves the dashboard and /ui/{file} its scripts and the bundled uPlot", async () => {
    // Act
    const page = await app.request("/");
    const uplot = await app.request("/ui/uPlot.iife.min.js");

    // Assess
    expect(page.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<script src="/ui/uPlot.iife.min.js"></script>');
    expect(uplot.status).toBe(200);
    expect(await uplot.text()).toContain("uPlot");
  });

  describe("errors", () => {
    async function errorOf(res: Response): Promise<ErrorBody["error"]> {
      return ((await res.json()) as ErrorBody).error;
    }

    it.each([
      ["/series?city=Paris&from=2024-11-24&to=2024-11-30&interval=week", "interval"],
      ["/series?city=Paris&from=yesterday&to=2024-11-30", "from"],
      ["/series?city=Paris&from=2024-11-24&to=2026-11-30", "to"],
      ["/series?city=Paris&from=2024-11-30&to=2024-11-24", "to"],
      ["/series?city=Paris&from=2024-11-24&to=2024-11-30&metric=city", "metric"],
      ["/stats?from=2024-11-24&to=2024-11-30&dataset=../../etc", "dataset"],
      ["/runs?limit=1000", "limit"],
      ["/runs/not-a-run", "id"],
      ["/tables/Weather;DROP", "name"],
    ])("GET %s is a 400 naming the field %s and the reason", async (path, field) => {
      // Act
      const res = await app.request(path);

      // Assess
      expect(res.status).toBe(400);
      const error = await errorOf(res);
      expect(error).toMatchObject({ status: 400, code: "invalid_input", field, reason: expect.any(String), requestId: res.headers.get("X-Request-Id") });
      expect(error.reason!.length).toBeGreaterThan(3);
    });

    it.each(["/runs/..%2F..%2Fetc", "/runs/..%2F..%2Fetc/dq", "/runs/%2Fetc%2Fpasswd", "/tables/..%2F..%2F_catalog", "/ui/..%2Fpackage.json", "/ui/index.html"])(
      "GET %s never reads a file: 400 or 404",
      async (path) => {
        // Act
        const res = await app.request(path);

        // Assess
        expect([400, 404]).toContain(res.status);
        expect(JSON.stringify(await res.json())).not.toMatch(/root:|"name":\s*"sluice"|devDependencies/);
      },
    );

    it("an unknown run, table or route is a 404 with a request id", async () => {
      // Act
      const answers = await Promise.all(["/runs/r20200101t000000z-0000", "/runs/r20200101t000000z-0000/dq", "/tables/nope", "/nope"].map((p) => app.request(p)));

      // Assess
      for (const res of answers) {
        expect(res.status).toBe(404);
        expect(await errorOf(res)).toMatchObject({ code: "not_found", requestId: expect.any(String) });
      }
    });

    it("POST /query refuses statements other than SELECT/WITH, file reads and SQL errors with 400 on field sql", async () => {
      for (const sql of [
        "DROP TABLE weather_prod",
        "CREATE TABLE x AS SELECT 1",
        "SELECT * FROM '/etc/passwd'",
        'SELECT * FROM "/etc/hosts.csv"',
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT strftime(now(), '%Y')",
        "SELECT * FROM no_such_table",
        "SELECT 1; SELECT 2",
      ]) {
        // Act
        const res = await app.request("/query", { method: "POST", headers: authJson(), body: JSON.stringify({ sql }) });

        // Assess
        expect(res.status, sql).toBe(400);
        const error = await errorOf(res);
        expect(error.field, sql).toBe("sql");
        expect(error.message, sql).not.toContain(runtime.options.lake);
      }
    });

    it("POST /query with a Grafana macro and no range is a 400 on from", async () => {
      // Act
      const res = await app.request("/query", { method: "POST", headers: authJson(), body: JSON.stringify({ sql: "SELECT 1 FROM weather_prod WHERE $__timeFilter(measurement_time)" }) });

      // Assess
      expect(res.status).toBe(400);
      expect(await errorOf(res)).toMatchObject({ field: "from" });
    });

    it("POST /runs validates its body: unknown city, bad date, custom location outside the globe, unknown keys, malformed JSON", async () => {
      const cases: [unknown, string][] = [
        [{ ...WEEK_BODY, locations: ["Atlantis"] }, "locations"],
        [{ ...WEEK_BODY, from: "2024-02-30" }, "from"],
        [{ ...WEEK_BODY, source: "ftp" }, "source"],
        [{ ...WEEK_BODY, locations: [], custom: [{ name: "Home", latitude: 91, longitude: 0 }] }, "custom.0.latitude"],
        [{ ...WEEK_BODY, locations: [], custom: [{ name: "../etc", latitude: 1, longitude: 0 }] }, "custom.0.name"],
        [{ ...WEEK_BODY, locations: [] }, "locations"],
        [{ ...WEEK_BODY, to: "2026-01-01" }, "to"],
        [{ ...WEEK_BODY, extra: 1 }, "extra"],
      ];
      for (const [body, field] of cases) {
        // Act
        const res = await app.request("/runs", { method: "POST", headers: authJson(), body: JSON.stringify(body) });

        // Assess
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect((await errorOf(res)).field, JSON.stringify(body)).toBe(field);
      }
      const malformed = await app.request("/runs", { method: "POST", headers: authJson(), body: "{not json" });
      expect(malformed.status).toBe(400);
    });

    it("a body over the limit is a 413", async () => {
      // Act
      const res = await app.request("/query", { method: "POST", headers: authJson(), body: JSON.stringify({ sql: `SELECT '${"x".repeat(70_000)}'` }) });

      // Assess
      expect(res.status).toBe(413);
      expect(await errorOf(res)).toMatchObject({ code: "payload_too_large" });
    });

    it("an unexpected failure is a 500 with the request id and none of the internals, logged with the request id", async () => {
      // Prepare: a run store that fails with an internal detail
      const lines: string[] = [];
      const { createLogger } = await import("../../packages/core/src/log/logger");
      const failing = await localApp(runtime, {
        logger: createLogger("info", (line) => lines.push(line)),
        runStore: { ...runtime.runStore, list: () => Promise.reject(new Error("EACCES /secret/lake/_sluice/runs")) } as never,
      });

      // Act
      const res = await failing.app.request("/runs", { headers: { "X-Request-Id": "req-500-test" } });

      // Assess
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(JSON.parse(text)).toMatchObject({ error: { status: 500, code: "internal", requestId: "req-500-test" } });
      expect(text).not.toMatch(/EACCES|secret|_sluice/);
      const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(logged).toContainEqual(expect.objectContaining({ level: "error", requestId: "req-500-test", error: { name: "Error", message: "EACCES /secret/lake/_sluice/runs" } }));
      expect(logged).toContainEqual(expect.objectContaining({ message: "request", requestId: "req-500-test", method: "GET", path: "/runs", status: 500 }));
    });
  });
});
