import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ErrorBody } from "../../packages/core/src/api/errors";
import type { LocalRuntime } from "../../packages/core/src/runtime/local";
import { authJson, disposeRuntime, localApp, tempRuntime, WEEK_BODY } from "./lake";

/** Dates `Date` cannot hold (a RangeError from toISOString before) or silently rolls over (2023-02-29 → March 1st). */
const IMPOSSIBLE: [string, RegExp][] = [
  ["2024-13-45", /month 13/],
  ["2024-00-10", /month 00/],
  ["2023-02-29", /day 29 is not in 2023-02/],
  ["2024-04-31", /day 31 is not in 2024-04/],
];
/** Date-times with an impossible part, which Date.parse accepts or rolls over. */
const IMPOSSIBLE_TIMES: [string, RegExp][] = [
  ["2024-02-30T10:00:00Z", /day 30 is not in 2024-02/],
  ["2024-11-24T24:00:00Z", /hour 24/],
  ["2024-13-01T00:00:00Z", /month 13/],
];

describe("impossible dates are a 400 naming the field and the reason on every route that takes one", () => {
  let runtime: LocalRuntime;
  let app: Awaited<ReturnType<typeof localApp>>["app"];

  beforeAll(async () => {
    runtime = await tempRuntime("dates");
    ({ app } = await localApp(runtime));
  });
  afterAll(() => disposeRuntime(runtime));

  async function expectInvalid(res: Response, field: string, reason: RegExp): Promise<void> {
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as ErrorBody;
    expect(error).toMatchObject({ status: 400, code: "invalid_input", field });
    expect(error.reason).toMatch(reason);
  }

  it.each([...IMPOSSIBLE, ...IMPOSSIBLE_TIMES])("GET /series and GET /stats with from=%s or to=%s", async (date, reason) => {
    // Act
    const seriesFrom = await app.request(`/series?city=Paris&from=${date}&to=2024-11-30`);
    const seriesTo = await app.request(`/series?city=Paris&from=2023-01-01&to=${date}`);
    const statsFrom = await app.request(`/stats?from=${date}&to=2024-11-30`);
    const statsTo = await app.request(`/stats?dataset=stocks&from=2023-01-01&to=${date}`);

    // Assess
    await expectInvalid(seriesFrom, "from", reason);
    await expectInvalid(seriesTo, "to", reason);
    await expectInvalid(statsFrom, "from", reason);
    await expectInvalid(statsTo, "to", reason);
  });

  it.each([...IMPOSSIBLE, ...IMPOSSIBLE_TIMES])("POST /query with from or to %s", async (date, reason) => {
    // Prepare
    const sql = "SELECT count(*) AS n FROM weather_prod WHERE $__timeFilter(measurement_time)";
    const post = (range: object) => app.request("/query", { method: "POST", headers: authJson(), body: JSON.stringify({ sql, ...range }) });

    // Act
    const from = await post({ from: date, to: "2024-12-01T00:00:00Z" });
    const to = await post({ from: "2023-01-01T00:00:00Z", to: date });

    // Assess
    await expectInvalid(from, "from", reason);
    await expectInvalid(to, "to", reason);
  });

  it.each(IMPOSSIBLE)("POST /runs with from or to %s", async (date, reason) => {
    // Act
    const from = await app.request("/runs", { method: "POST", headers: authJson(), body: JSON.stringify({ ...WEEK_BODY, from: date }) });
    const to = await app.request("/runs", { method: "POST", headers: authJson(), body: JSON.stringify({ ...WEEK_BODY, from: "2023-01-01", to: date }) });

    // Assess: refused before any run starts
    await expectInvalid(from, "from", reason);
    await expectInvalid(to, "to", reason);
    expect(await runtime.runStore.list()).toEqual([]);
  });

  it("real edge dates pass validation: 29 February of a leap year, 0001-01-01, an offset date-time", async () => {
    // Act
    const leap = await app.request("/series?city=Paris&from=2024-02-29&to=2024-03-01");
    const early = await app.request("/stats?from=0001-01-01&to=0001-01-31");
    const offset = await app.request(`/series?city=Paris&from=${encodeURIComponent("2024-02-29T23:30:00+05:30")}&to=2024-03-01`);

    // Assess: an empty lake answers empty, not an error
    expect([leap.status, early.status, offset.status]).toEqual([200, 200, 200]);
  });
});
