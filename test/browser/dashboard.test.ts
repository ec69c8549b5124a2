import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type LocalServer } from "../../packages/cli/src/commands/serve";
import { loadProject } from "../../packages/cli/src/project";
import { createLogger } from "../../packages/core/src/log/logger";
import { LocalRuntime } from "../../packages/core/src/runtime/local";
import { disposeRuntime, publishDemoWeek, TOKEN } from "../api/lake";
import { sluice, tempLake } from "../cli/sluice";
import { CONFIG } from "../config/deploy-config";
import { FakeApi } from "../sources/polygon-fake";
import { QUAKES_KEY } from "../sources/rest/rest-helpers";

const CHROMIUM = "/usr/bin/chromium";
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
// A test never rewrites a tracked file: the screenshot goes to the ignored .ci/out/ unless the
// `screenshot` task asks for README's picture (docs/img/dashboard.png) through SLUICE_SCREENSHOT.
const refreshing = process.env.SLUICE_SCREENSHOT;
const SCREENSHOT = resolve(ROOT, refreshing || join(".ci", "out", "dashboard.png"));
const hasChromium = existsSync(CHROMIUM);
/** The weather chart with Paris's 168 hours drawn: the page is ready. */
const WEATHER_CHART = '[data-chart="metric"] .chart[data-series*="Paris:168"] canvas';
if (!hasChromium && refreshing) throw new Error(`cannot refresh ${refreshing}: ${CHROMIUM} is missing (apt-get install -y chromium)`);
if (!hasChromium) console.warn(`skipping the dashboard browser test: ${CHROMIUM} is missing (apt-get install -y chromium)`);

/** Five weeks of stock bars: enough days for the 7-day average (the 30-day one stays empty). */
const STOCKS_RANGE = { from: "2024-10-21", to: "2024-11-22" } as const;

/** The project config's earthquake dataset (docs/datasets.md) as the dashboard meets it: the built-in datasets plus `quakes`. */
const QUAKES_RANGE = { from: "2024-11-25", to: "2024-11-26" } as const;

/** One event per subject every 2 hours of the asked range (its magnitude a function of the hour), one page: what the fake API serves. */
function quakePage(url: URL): string {
  const region = url.searchParams.get("region") ?? "";
  const from = Date.parse(`${url.searchParams.get("starttime")}T00:00:00Z`);
  const to = Date.parse(`${url.searchParams.get("endtime")}T00:00:00Z`) + 86_400_000;
  const features = [];
  for (let t = from, i = 0; t < to; t += 2 * 3_600_000, i++) {
    const shift = region === "us" ? 0 : 4;
    features.push({ id: `${region}${i}`, properties: { mag: 2 + (((i + shift) * 7) % 30) / 10, time: t + 600_000 }, geometry: { type: "Point", coordinates: [-117.5, 35.7, 5 + ((i + shift) % 9)] } });
  }
  return JSON.stringify({ type: "FeatureCollection", features, links: {} });
}

describe.skipIf(!hasChromium)("the dashboard in headless Chromium (Debian's, via playwright-core)", () => {
  let runtime: LocalRuntime;
  let server: LocalServer;
  let browser: Browser;
  let firstRunId: string;
  let quakesApi: FakeApi;

  beforeAll(async () => {
    // The built-in datasets and a REST dataset of the project config, whose API is a fake on 127.0.0.1.
    quakesApi = await FakeApi.start((url, _i, headers) => (headers["x-api-key"] === QUAKES_KEY ? { body: quakePage(url) } : { status: 401, body: "{}" }));
    const { stocks: _disabled, ...datasets } = structuredClone(CONFIG).datasets;
    datasets.quakes.source.client.base_url = `${quakesApi.baseUrl}/v1/`;
    process.env.QUAKES_API_KEY = QUAKES_KEY;
    // A stocks week and an air-quality week first (the oldest runs), then the demo's weather week, which the dashboard opens on.
    const lake = await tempLake("browser");
    const stocks = await sluice("run", "--dataset", "stocks", "--source", "synthetic", "--from", STOCKS_RANGE.from, "--to", STOCKS_RANGE.to, "--lake", lake);
    if (stocks.code !== 0) throw new Error(`stocks run exited ${stocks.code}: ${stocks.err}`);
    const air = await sluice("run", "--dataset", "air_quality", "--source", "synthetic", "--from", "2024-11-24", "--to", "2024-11-30", "--lake", lake);
    if (air.code !== 0) throw new Error(`air-quality run exited ${air.code}: ${air.err}`);
    // The config as `sluice serve --config` reads it (vitest runs each test file in its own worker: after the CLI runs above, which load their own; the loaded project ends with it).
    const configFile = join(lake, "sluice.config.json");
    await writeFile(configFile, JSON.stringify({ datasets }));
    const { pipeline } = await loadProject(["--config", configFile]);
    runtime = new LocalRuntime({ lake, pipeline, logger: createLogger("silent") });
    firstRunId = (await publishDemoWeek(runtime)).id;
    server = await startServer(runtime, { token: TOKEN, host: "127.0.0.1", port: 0 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
  });
  /** A new page on the dashboard, once it has drawn the weather week it opens on. */
  async function openDashboard() {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(server.url);
    await page.waitForSelector(WEATHER_CHART);
    return page;
  }

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (runtime) await disposeRuntime(runtime);
    await quakesApi?.close();
    delete process.env.QUAKES_API_KEY;
  });

  it("draws Paris's temperatures, shows the last run's DQ status, and starts a run with the token that then appears", async () => {
    // Prepare
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const failedRequests: string[] = [];
    page.on("requestfailed", (request) => failedRequests.push(request.url()));
    // Chromium reports each resource or inline code the Content-Security-Policy blocks on the console.
    const cspViolations: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });

    // Act: open the dashboard
    await page.goto(server.url);
    await page.waitForSelector(WEATHER_CHART);
    await page.waitForSelector(`tr[data-run-id="${firstRunId}"] .dq-badge`);

    // Assess: a chart with Paris's 168 hourly points, stats, and the DQ gate of the last run
    expect(await page.getAttribute('[data-chart="metric"] .chart', "data-series")).toContain("Paris:168");
    expect(await page.locator('[data-chart="metric"] .chart canvas').count()).toBeGreaterThan(0);
    expect(await page.locator('#stats tr[data-subject="Paris"] td').count()).toBe(5);
    expect(await page.locator(`tr[data-run-id="${firstRunId}"] .dq-badge`).textContent()).toBe("PASS");
    await page.click(`tr[data-run-id="${firstRunId}"] .dq-badge`);
    await page.waitForSelector("#dq-detail strong");
    expect(await page.locator("#dq-detail strong").textContent()).toMatch(/gate PASS, \d+\/\d+ rules passed/);

    // Act: Run now, with the token
    await page.click("#run-now");
    await page.fill("#token", TOKEN);
    await page.click("#run-submit");
    // Polled from here: waitForFunction evaluates a string in the page, which the CSP (no 'unsafe-eval') refuses
    await expect.poll(() => page.locator("#runs tbody tr").count(), { timeout: 15_000 }).toBe(4);
    await server.launcher.settled();
    await page.waitForSelector("#runs tbody tr:first-child .dq-badge.PASS", { timeout: 15_000 });

    // Assess: the new run is listed above the first
    const ids = await page.locator("#runs tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-run-id")));
    expect(ids).toHaveLength(4);
    expect(ids[1]).toBe(firstRunId);
    expect(await page.locator("#run-message").textContent()).toContain(`Run ${ids[0]} started`);
    expect(failedRequests).toEqual([]);
    expect(cspViolations).toEqual([]);
    // …and the policy is enforced: an injected inline script does not run, and the console says so
    const ran = await page.evaluate(`(() => {
      const script = document.createElement("script");
      script.textContent = "window.__injected = true";
      document.head.append(script);
      return window.__injected === true;
    })()`);
    expect(ran).toBe(false);
    await expect.poll(() => cspViolations.length).toBeGreaterThan(0);
    await mkdir(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it("switches to stocks: a price chart and a MACD chart per selected ticker, over the stocks run's range", async () => {
    // Prepare
    const page = await openDashboard();

    // Act
    await page.selectOption("#dataset", "stocks");
    await page.waitForSelector('.subject-card .chart[data-chart="price"] canvas');
    await page.waitForSelector('.subject-card .chart[data-chart="macd"] canvas');

    // Assess: the first two tickers drawn (every close, plus indicators), the weather chart gone, no metric picker
    expect(await page.inputValue("#from")).toBe(STOCKS_RANGE.from);
    const tickers = await page.locator(".subject-card").evaluateAll((cards) => cards.map((c) => c.getAttribute("data-subject")));
    expect(tickers).toHaveLength(2);
    const drawn = Object.fromEntries((await page.getAttribute('.subject-card .chart[data-chart="price"]', "data-series"))!.split(",").map((e) => [e.split(":")[0], Number(e.split(":")[1])]));
    const closes = Number(await page.locator(`#stats tr[data-subject="${tickers[0]}"] td`).last().textContent());
    expect(Object.keys(drawn)).toEqual(["close", "ma_7d", "ma_30d", "bollinger_upper", "bollinger_lower"]);
    expect(drawn.close).toBe(closes);
    // One 7-day average a day once 7 days are there; no 30-day one in five weeks; the bands after 20 bars
    expect(drawn.ma_7d).toBeGreaterThan(10);
    expect(drawn.ma_7d).toBeLessThan(25);
    expect(drawn.ma_30d).toBe(0);
    expect(drawn.bollinger_upper).toBe(closes - 19);
    expect(await page.getAttribute('.subject-card .chart[data-chart="macd"]', "data-series")).toBe(`macd:${closes},signal:${closes}`);
    expect(await page.locator('.subject-card .chart[data-chart="price"] .u-legend').first().textContent()).toMatch(/MA 7 days.*MA 30 days.*Bollinger upper/);
    expect(await page.locator('[data-chart="metric"]').count()).toBe(0);
    expect(await page.isVisible("#metric-label")).toBe(false);
    expect(await page.locator("#stats tbody tr").count()).toBe(2);
  });

  it("switches to air quality: one line per station of the chosen parameter, and its WHO guideline as a constant line", async () => {
    // Prepare
    const page = await openDashboard();

    // Act
    await page.selectOption("#dataset", "air_quality");
    await page.waitForSelector('[data-chart="value"] .chart[data-guideline="15"] canvas');
    const pm25 = await page.getAttribute('[data-chart="value"] .chart', "data-series");
    await page.selectOption("#filter", "no2");
    await page.waitForSelector('[data-chart="value"] .chart[data-guideline="25"]');

    // Assess: each synthetic station's 168 hours of pm25, then of no2, under the parameter's guideline
    const served = (await (await fetch(`${server.url}series?dataset=air_quality&parameter=pm25&from=2024-11-24&to=2024-11-30`)).json()) as { series: { subject: string; points: unknown[] }[] };
    expect(pm25!.split(",").sort()).toEqual(served.series.map((s) => `${s.subject}:${s.points.length}`).sort());
    expect(served.series.map((s) => s.subject).sort()).toEqual(["Berlin Mitte", "London Marylebone", "Paris Centre"]);
    expect(served.series.every((s) => s.points.length > 150)).toBe(true);
    expect(await page.locator('[data-chart="value"] h3').textContent()).toBe("no2 (µg/m³) · WHO 2021 guideline 25");
    expect(await page.locator('[data-chart="value"] .u-legend').textContent()).toContain("WHO 2021 guideline 25");
    expect(await page.isVisible("#filter-label")).toBe(true);
  });

  it("shows a REST dataset of the project config with no web code of its own: Run now fetches its API, then its charts draw /series' points", async () => {
    // Prepare
    const page = await openDashboard();
    expect(await page.locator("#dataset option").evaluateAll((o) => o.map((x) => (x as unknown as { value: string }).value))).toEqual(["weather", "stocks", "air_quality", "quakes"]);

    // Act: switch to it (nothing published yet), then Run now with its own source and subjects
    await page.selectOption("#dataset", "quakes");
    await expect.poll(() => page.locator("#note").textContent()).toBe("Pick at least one subject.");
    expect(await page.locator("#charts > *").count()).toBe(0);
    expect(await page.locator("#stats tbody tr").count()).toBe(0);
    await page.click("#run-now");
    const offered = { subjects: await page.inputValue("#run-subjects"), source: await page.inputValue("#run-source") };
    await page.fill("#token", TOKEN);
    await page.fill("#run-from", QUAKES_RANGE.from);
    await page.fill("#run-to", QUAKES_RANGE.to);
    await page.click("#run-submit");
    await expect.poll(() => page.locator("#run-message").textContent(), { timeout: 15_000 }).toMatch(/^Run .* started\.$/);
    await server.launcher.settled();
    // Back and forth: the range becomes the new run's
    await page.selectOption("#dataset", "weather");
    await page.selectOption("#dataset", "quakes");
    await page.waitForSelector('[data-chart="metric"] .chart canvas');
    await expect.poll(() => page.getAttribute('[data-chart="metric"] .chart', "data-series")).toBe("ak:24,us:24");
    await page.selectOption("#metric", "depth_km");
    await expect.poll(() => page.locator('[data-chart="metric"] h3').textContent()).toBe("depth_km");

    // Assess: the config's subjects and its only source were offered; the run's 2 days × 12 events per subject are drawn as /series serves them
    expect(offered).toEqual({ subjects: "us,ak", source: "rest" });
    expect(quakesApi.requests.map((r) => r.url.searchParams.get("region")).sort()).toEqual(["ak", "us"]);
    const series = (await (await fetch(`${server.url}series?dataset=quakes&subject=us&subject=ak&metric=depth_km&from=${QUAKES_RANGE.from}&to=${QUAKES_RANGE.to}`)).json()) as { series: { points: unknown[] }[] };
    expect(Number(await page.getAttribute('[data-chart="metric"] .chart', "data-points"))).toBe(series.series.reduce((n, s) => n + s.points.length, 0));
    expect(Number(await page.getAttribute('[data-chart="metric"] .chart', "data-points"))).toBe(48);
    expect(await page.locator("#stats tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-subject")))).toEqual(["ak", "us"]);
    expect(await page.locator("#stats-subject").textContent()).toBe("subject");
  });
});
