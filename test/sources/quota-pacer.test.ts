import { describe, expect, it } from "vitest";
import { ManualClock } from "../../packages/core/src/lake/clock";
import { QuotaPacer } from "../../packages/core/src/sources/http/pacer";
import { openMeteoLocationWeight, OPEN_METEO_QUOTAS } from "../../packages/core/src/sources/open-meteo/quotas";
import { formatQuota, parseQuota, windowMsOf } from "../../packages/core/src/sources/quota";

/** A pacer on a fake clock: its sleeps move the clock, so the grant times are exact. */
function pacerOn(windows: { limit: number; windowMs: number }[]) {
  const clock = new ManualClock(0);
  const sleeps: number[] = [];
  const pacer = new QuotaPacer({
    windows: windows.map((w) => ({ ...w, label: `${w.limit}/${w.windowMs}ms` })),
    clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.advance(ms);
    },
  });
  return { clock, pacer, sleeps };
}

describe("QuotaPacer", () => {
  it("lets calls through until a window is full, then waits until the oldest call leaves it", async () => {
    // Prepare: 3 per minute
    const { clock, pacer } = pacerOn([{ limit: 3, windowMs: 60_000 }]);
    const starts: number[] = [];

    // Act: five calls of weight 1 answered 100 ms after they start
    for (let i = 0; i < 5; i++) {
      const release = await pacer.acquire(1);
      starts.push(clock.now());
      clock.advance(100);
      release();
    }

    // Assess: a call holds its weight one window past its response
    expect(starts).toEqual([0, 100, 200, 60_100, 60_200]);
  });

  it("counts calls it is told another process made, and hands over only those still in a window", async () => {
    // Prepare: 3 per minute; another process's two calls ended 10 s and 50 s ago
    const { clock, pacer } = pacerOn([{ limit: 3, windowMs: 60_000 }]);
    clock.advance(100_000);
    pacer.remember([{ weight: 1, endMs: 50_000 }, { weight: 1, endMs: 90_000 }, { weight: 5, endMs: 10_000 }]);

    // Act: two calls of weight 1
    const starts: number[] = [];
    for (let i = 0; i < 2; i++) {
      const release = await pacer.acquire(1);
      starts.push(clock.now());
      release();
    }

    // Assess: the first fits beside the two; the second waits for the call of 50 s to leave the minute
    expect(starts).toEqual([100_000, 110_000]);
    expect(pacer.spent()).toEqual([{ weight: 1, endMs: 90_000 }, { weight: 1, endMs: 100_000 }, { weight: 1, endMs: 110_000 }]);
    expect(() => pacer.remember([{ weight: 0, endMs: 1 }])).toThrow(/a spent call needs a weight > 0/);
  });

  it("waits until every window has room: a minute and an hour window together", async () => {
    // Prepare: 2 per second, 3 per minute
    const { clock, pacer } = pacerOn([
      { limit: 2, windowMs: 1_000 },
      { limit: 3, windowMs: 60_000 },
    ]);
    const starts: number[] = [];

    // Act
    for (let i = 0; i < 4; i++) {
      const release = await pacer.acquire(1);
      starts.push(clock.now());
      release();
    }

    // Assess: the second window holds the fourth call back a full minute after the first
    expect(starts).toEqual([0, 0, 1_000, 60_000]);
  });

  it("weighs calls: a heavy call waits for as much room as it weighs", async () => {
    // Prepare: 6 per second
    const { clock, pacer } = pacerOn([{ limit: 6, windowMs: 1_000 }]);
    const starts: number[] = [];

    // Act: weights 3, 3, 4, 2
    for (const weight of [3, 3, 4, 2]) {
      const release = await pacer.acquire(weight);
      starts.push(clock.now());
      clock.advance(10);
      release();
    }

    // Assess: 3+3 fill the first window; 4 waits for both to leave (at 1,010 and 1,020 ms); 2 fits beside it
    expect(starts).toEqual([0, 10, 1_020, 1_030]);
    expect(pacer.used()).toEqual([6]);
  });

  it("holds an in-flight call's weight until it is released", async () => {
    // Prepare
    const { clock, pacer } = pacerOn([{ limit: 1, windowMs: 1_000 }]);
    const release = await pacer.acquire(1);

    // Act: a second caller queues while the first is in flight for 5 s
    const second = pacer.acquire(1).then((r) => ({ at: clock.now(), release: r }));
    clock.advance(5_000);
    release();
    const granted = await second;

    // Assess: one window after the first call's response
    expect(granted.at).toBe(6_000);
  });

  it("refuses a call heavier than a window and a bad weight, naming the window", async () => {
    const { pacer } = pacerOn([{ limit: 5, windowMs: 60_000 }]);
    await expect(pacer.acquire(6)).rejects.toThrow(/a call weighing 6 can never fit the quota 5\/60000ms/);
    await expect(pacer.acquire(0)).rejects.toThrow(/weight must be > 0/);
  });

  it("stops waiting when the signal aborts", async () => {
    const pacer = new QuotaPacer({ windows: [{ limit: 1, windowMs: 60_000, label: "1/minute" }] });
    await pacer.acquire(1).then((release) => release());
    const controller = new AbortController();
    const waiting = pacer.acquire(1, controller.signal);
    controller.abort(new Error("stopped"));
    await expect(waiting).rejects.toThrow("stopped");
  });
});

describe("quotas as data", () => {
  it("weighs an Open-Meteo location by days × variables as the server does", () => {
    // The documented examples: 15 variables over 14 days = 1.5 calls, over 28 days = 3.0.
    expect(openMeteoLocationWeight(14, 15)).toBe(1.5);
    expect(openMeteoLocationWeight(28, 15)).toBe(3);
    expect(openMeteoLocationWeight(2, 1)).toBe(1);
    expect(openMeteoLocationWeight(365, 1)).toBeCloseTo(365 / 140, 9);
    expect(OPEN_METEO_QUOTAS.callWeight({ days: 140, variables: 1, subjects: 3 })).toBe(3);
    // A chunk is the longest range one location still counts as one call.
    expect(OPEN_METEO_QUOTAS.chunkDays(1)).toBe(140);
    expect(OPEN_METEO_QUOTAS.chunkDays(10)).toBe(14);
    expect(OPEN_METEO_QUOTAS.chunkDays(25)).toBe(14);
    expect(OPEN_METEO_QUOTAS.quotas.map(formatQuota)).toEqual(["600/minute", "5000/hour", "10000/day"]);
  });

  it("parses a quota from the command line, a scaled window included", () => {
    expect(parseQuota("600/minute")).toMatchObject({ limit: 600, per: "minute" });
    expect(windowMsOf(parseQuota("6/1s"))).toBe(1_000);
    expect(windowMsOf(parseQuota("10/500ms"))).toBe(500);
    expect(windowMsOf(parseQuota("5000/hour"))).toBe(3_600_000);
    expect(() => parseQuota("fast")).toThrow(/--quota "fast" is not a quota: write LIMIT\/WINDOW/);
    expect(() => parseQuota("0/minute")).toThrow(/the limit must be > 0/);
  });
});
