import { describe, expect, it } from "vitest";
import type { CursorStore } from "../../packages/core/src/ingest/cursor";
import { CursorFileError } from "../../packages/core/src/ingest/cursor";

/** A fresh cursor store, a way to write its raw object (to corrupt it), and its cleanup. */
export type CursorStoreFixture = () => Promise<{ cursors: CursorStore; writeRaw(dataset: string, source: string, body: string): Promise<void>; readRaw(dataset: string, source: string): Promise<string>; cleanup(): Promise<void> }>;

/** CursorStore behaviours (ObjectCursorStore over any ObjectStore). */
export function describeCursorStoreContract(adapter: string, fixture: CursorStoreFixture): void {
  describe(`CursorStore contract: ${adapter}`, () => {
    it("has no cursor for a dataset never ingested incrementally", async () => {
      const { cursors, cleanup } = await fixture();
      try {
        // Act
        const read = await cursors.read("weather", "open-meteo");
        // Assess
        expect(read).toEqual({});
      } finally {
        await cleanup();
      }
    });

    it("moves cursors forward per subject and never back, keeping the other subjects", async () => {
      const { cursors, cleanup } = await fixture();
      try {
        // Prepare
        await cursors.advance("weather", "open-meteo", { Paris: "2024-11-25T09:00:00Z", London: "2024-11-25T09:00:00Z" });
        // Act: Paris forward, London back (an older re-fetch), Berlin new
        await cursors.advance("weather", "open-meteo", { Paris: "2024-11-25T10:00:00Z", London: "2024-11-25T07:00:00Z", Berlin: "2024-11-25T08:00:00Z" });
        // Assess
        expect(await cursors.read("weather", "open-meteo")).toEqual({ Paris: "2024-11-25T10:00:00Z", London: "2024-11-25T09:00:00Z", Berlin: "2024-11-25T08:00:00Z" });
      } finally {
        await cleanup();
      }
    });

    it("keeps one cursor set per (dataset, source)", async () => {
      const { cursors, cleanup } = await fixture();
      try {
        // Act
        await cursors.advance("weather", "open-meteo", { Paris: "2024-11-25T10:00:00Z" });
        await cursors.advance("weather", "synthetic", { Paris: "2024-11-20T10:00:00Z" });
        await cursors.advance("stocks", "polygon", { AAPL: "2024-11-25T14:00:00Z" });
        // Assess
        expect(await cursors.read("weather", "open-meteo")).toEqual({ Paris: "2024-11-25T10:00:00Z" });
        expect(await cursors.read("weather", "synthetic")).toEqual({ Paris: "2024-11-20T10:00:00Z" });
        expect(await cursors.read("stocks", "polygon")).toEqual({ AAPL: "2024-11-25T14:00:00Z" });
      } finally {
        await cleanup();
      }
    });

    it("refuses a time that is not UTC ISO-8601, naming the subject", async () => {
      const { cursors, cleanup } = await fixture();
      try {
        // Act
        const error = await cursors.advance("weather", "open-meteo", { Paris: "2024-11-25 10:00" }).catch((e: unknown) => e);
        // Assess
        expect((error as Error).message).toMatch(/subject "Paris".*2024-11-24T13:00:00Z/);
        expect(await cursors.read("weather", "open-meteo")).toEqual({});
      } finally {
        await cleanup();
      }
    });

    it("names a cursor object that is not sluice's, and how to recover", async () => {
      const { cursors, writeRaw, cleanup } = await fixture();
      try {
        // Prepare
        await writeRaw("weather", "open-meteo", '{"subjects": {"Paris": {"lastTime": 7}}}');
        // Act
        const error = await cursors.read("weather", "open-meteo").catch((e: unknown) => e);
        // Assess
        expect(error).toBeInstanceOf(CursorFileError);
        expect((error as Error).message).toMatch(/_sluice\/cursors\/weather\/open-meteo\.json is unreadable: subject "Paris".*delete it/);
      } finally {
        await cleanup();
      }
    });

    it("writes a JSON document a person can read", async () => {
      const { cursors, readRaw, cleanup } = await fixture();
      try {
        // Act
        await cursors.advance("weather", "open-meteo", { Paris: "2024-11-25T10:00:00Z" });
        // Assess
        expect(JSON.parse(await readRaw("weather", "open-meteo"))).toMatchObject({ dataset: "weather", source: "open-meteo", subjects: { Paris: { lastTime: "2024-11-25T10:00:00Z" } } });
      } finally {
        await cleanup();
      }
    });
  });
}
