import { describe, expect, it } from "vitest";
import { newRunId, RUN_ID_RE } from "../../packages/core/src/run/run-record";

describe("run ids", () => {
  it("sort by start time even within one second, whatever the random part", () => {
    // Prepare: three starts in the same second; the later ones draw smaller random numbers
    const second = Date.parse("2026-11-23T12:16:00.000Z");
    const draws = [0.999, 0.5, 0];

    // Act
    const ids = [0, 10, 999].map((ms, i) => newRunId(second + ms, () => draws[i]!));

    // Assess
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(3);
  });

  it("keep the documented shape at the edges of the millisecond and random ranges", () => {
    // Act
    const ids = [newRunId(Date.parse("2026-11-23T12:16:00.000Z"), () => 0), newRunId(Date.parse("2026-11-23T12:16:00.999Z"), () => 0.99999)];

    // Assess
    for (const id of ids) expect(id).toMatch(RUN_ID_RE);
    expect(ids[0]).toBe("r20261123t121600z-0000");
    expect(ids[1]).toBe("r20261123t121600z-fde7"); // 999 × 65 + 64 = 64999
  });
});
