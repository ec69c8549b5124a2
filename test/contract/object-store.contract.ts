import { describe, expect, it } from "vitest";
import type { ObjectStore } from "../../packages/core/src/lake/object-store";
import { ObjectNotFoundError } from "../../packages/core/src/lake/object-store";

/** A fresh, empty store with bucket "lake" and how to dispose of it. */
export type ObjectStoreFixture = () => Promise<{ store: ObjectStore; cleanup(): Promise<void> }>;

/** The ObjectStore behaviours every adapter must have (S3 semantics). */
export function describeObjectStoreContract(adapter: string, fixture: ObjectStoreFixture): void {
  describe(`ObjectStore contract: ${adapter}`, () => {
    async function withStore(test: (store: ObjectStore) => Promise<void>): Promise<void> {
      const { store, cleanup } = await fixture();
      try {
        await test(store);
      } finally {
        await cleanup();
      }
    }

    it("returns the bytes that were put, for string and binary bodies", () =>
      withStore(async (store) => {
        // Prepare
        const binary = new Uint8Array([0, 1, 2, 250, 255]);
        // Act
        await store.put("lake", "weather/location=Paris/a.json", '{"city":"Paris"}\n');
        await store.put("lake", "bin/blob", binary);
        // Assess
        expect(Buffer.from(await store.get("lake", "weather/location=Paris/a.json")).toString("utf8")).toBe('{"city":"Paris"}\n');
        expect([...(await store.get("lake", "bin/blob"))]).toEqual([...binary]);
      }));

    it("rejects a get of a missing key with ObjectNotFoundError naming bucket and key", () =>
      withStore(async (store) => {
        // Act
        const error = await store.get("lake", "nope/missing.json").catch((e: unknown) => e);
        // Assess
        expect(error).toBeInstanceOf(ObjectNotFoundError);
        expect((error as ObjectNotFoundError).message).toBe("no object s3://lake/nope/missing.json");
      }));

    it("tells whether a key exists, and a prefix of a key is not an object", () =>
      withStore(async (store) => {
        // Prepare
        await store.put("lake", "a/b/c.txt", "x");
        // Act / Assess
        expect(await store.exists("lake", "a/b/c.txt")).toBe(true);
        expect(await store.exists("lake", "a/b/c.tx")).toBe(false);
        expect(await store.exists("lake", "a/b/d.txt")).toBe(false);
      }));

    it("lists every object under a prefix, sorted by key, with sizes, and nothing outside it", () =>
      withStore(async (store) => {
        // Prepare
        await store.put("lake", "weather/location=London/2.gz", "22");
        await store.put("lake", "weather/location=Berlin/1.gz", "1");
        await store.put("lake", "weather/location=Paris/3.gz", "333");
        await store.put("lake", "weatherish/x", "no");
        await store.put("lake", "errors/e.gz", "no");
        // Act
        const listed = await store.list("lake", "weather/");
        const partial = await store.list("lake", "weather/location=Pa");
        // Assess
        expect(listed).toEqual([
          { key: "weather/location=Berlin/1.gz", size: 1 },
          { key: "weather/location=London/2.gz", size: 2 },
          { key: "weather/location=Paris/3.gz", size: 3 },
        ]);
        expect(partial.map((o) => o.key)).toEqual(["weather/location=Paris/3.gz"]);
        expect(await store.list("lake", "absent/")).toEqual([]);
      }));

    it("lists only the keys strictly after startAfter (S3 StartAfter), under the prefix, sorted", () =>
      withStore(async (store) => {
        // Prepare: an hourly layout over two years and a neighbour outside the prefix
        const keys = [
          "weather/location=Paris/year=2023/month=12/day=31/hour=23/a.gz",
          "weather/location=Paris/year=2024/month=01/day=01/hour=00/a.gz",
          "weather/location=Paris/year=2024/month=01/day=01/hour=00/b.gz",
          "weather/location=Paris/year=2024/month=01/day=01/hour=01/a.gz",
          "weather/location=Paris/year=2024/month=02/day=01/hour=00/a.gz",
          "weather/location=Rome/year=2025/month=01/day=01/hour=00/a.gz",
        ];
        for (const key of [...keys].reverse()) await store.put("lake", key, "x");
        const paris = "weather/location=Paris/";
        const after = (startAfter: string, prefix = paris) => store.list("lake", prefix, { startAfter }).then((l) => l.map((o) => o.key));
        // Act / Assess: an existing key is excluded, the ones after it are listed
        expect(await after(keys[1]!)).toEqual(keys.slice(2, 5));
        // a key that is not stored, between two that are
        expect(await after("weather/location=Paris/year=2024/month=01/day=01/hour=00/a.gz0")).toEqual(keys.slice(2, 5));
        // a folder-like start: every key under it sorts after it
        expect(await after("weather/location=Paris/year=2024/")).toEqual(keys.slice(1, 5));
        expect(await after("weather/location=Paris/year=2024/month=01/day=01/hour=01/")).toEqual(keys.slice(3, 5));
        // before the prefix: all of it; after the prefix's last key: nothing, and the prefix still bounds
        expect(await after("a")).toEqual(keys.slice(0, 5));
        expect(await after(keys[4]!)).toEqual([]);
        expect(await after("weather/location=Paris/zzz")).toEqual([]);
        expect(await after(keys[3]!, "weather/")).toEqual([keys[4]!, keys[5]!]);
        expect(await after("", "weather/")).toEqual(keys);
      }));

    it("lists the immediate sub-folders of a prefix that hold objects (S3 Delimiter \"/\" CommonPrefixes)", () =>
      withStore(async (store) => {
        // Prepare
        const paris = ["year=2024/a.gz", "year=2024/b.gz", "year=2025/a.gz"].map((k) => `weather/location=Paris/${k}`);
        for (const key of [...paris, "weather/location=Berlin/a.gz", "weather/top-level.gz", "weatherish/location=X/a.gz"]) await store.put("lake", key, "x");
        await store.put("lake", "weather/location=Gone/year=2024/a.gz", "x");
        await store.delete("lake", "weather/location=Gone/year=2024/a.gz");
        // Act
        const locations = await store.listPrefixes("lake", "weather/");
        // Assess: one entry per folder, objects right under the prefix are not folders, an emptied folder is gone
        expect(locations).toEqual(["weather/location=Berlin/", "weather/location=Paris/"]);
        expect(await store.listPrefixes("lake", "weather/location=Pa")).toEqual(["weather/location=Paris/"]);
        expect(await store.listPrefixes("lake", "weather/location=Paris/")).toEqual(["weather/location=Paris/year=2024/", "weather/location=Paris/year=2025/"]);
        expect(await store.listPrefixes("lake", "weather/location=Berlin/")).toEqual([]);
        expect(await store.listPrefixes("lake", "")).toEqual(["weather/", "weatherish/"]);
        expect(await store.listPrefixes("lake", "absent/")).toEqual([]);
      }));

    it("copies an object across buckets and keys with characters that need URL encoding", () =>
      withStore(async (store) => {
        // Prepare
        await store.put("lake", "weather/location=São Paulo/hour=01/a+b.json", "payload");
        // Act
        await store.copy("lake", "weather/location=São Paulo/hour=01/a+b.json", "prod", "v0001/location=São Paulo/a+b.json");
        // Assess
        expect(Buffer.from(await store.get("prod", "v0001/location=São Paulo/a+b.json")).toString()).toBe("payload");
        expect(await store.exists("lake", "weather/location=São Paulo/hour=01/a+b.json")).toBe(true);
      }));

    it("rejects a copy from a missing key with ObjectNotFoundError for the source", () =>
      withStore(async (store) => {
        // Act
        const error = await store.copy("lake", "missing", "lake", "target").catch((e: unknown) => e);
        // Assess
        expect(error).toBeInstanceOf(ObjectNotFoundError);
        expect((error as ObjectNotFoundError).key).toBe("missing");
        expect(await store.exists("lake", "target")).toBe(false);
      }));

    it("deletes one object, and deleting a missing key is not an error", () =>
      withStore(async (store) => {
        // Prepare
        await store.put("lake", "k/1", "1");
        await store.put("lake", "k/2", "2");
        // Act
        await store.delete("lake", "k/1");
        await store.delete("lake", "k/never-there");
        // Assess
        expect((await store.list("lake", "k/")).map((o) => o.key)).toEqual(["k/2"]);
      }));

    it("deletes everything under a prefix and returns the count, leaving other prefixes alone", () =>
      withStore(async (store) => {
        // Prepare
        for (let i = 0; i < 7; i++) await store.put("lake", `weather_parquet/yr_mo_partition=2024-1${i % 3}/part-${i}.parquet`, "p");
        await store.put("lake", "weather_parquet_old/keep.parquet", "k");
        // Act
        const deleted = await store.deletePrefix("lake", "weather_parquet/");
        const again = await store.deletePrefix("lake", "weather_parquet/");
        // Assess
        expect(deleted).toBe(7);
        expect(again).toBe(0);
        expect((await store.list("lake", "")).map((o) => o.key)).toEqual(["weather_parquet_old/keep.parquet"]);
      }));

    it("overwrites an object put twice under the same key", () =>
      withStore(async (store) => {
        // Act
        await store.put("lake", "run.json", "first");
        await store.put("lake", "run.json", "second");
        // Assess
        expect(Buffer.from(await store.get("lake", "run.json")).toString()).toBe("second");
        expect(await store.list("lake", "run")).toEqual([{ key: "run.json", size: 6 }]);
      }));
  });
}
