import { CopyObjectCommand, DeleteObjectCommand, DeleteObjectsCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterEach, describe, expect, it } from "vitest";
import { S3DeleteError, S3ObjectStore, copySourceOf } from "../../packages/core/src/aws/s3-object-store";
import { S3RunLock } from "../../packages/core/src/aws/s3-run-lock";
import { ManualClock } from "../../packages/core/src/lake/clock";
import { RunInProgressError } from "../../packages/core/src/run/run-lock";
import { FakeS3 } from "./fake-s3";

// Request shapes: https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html,
// API_CopyObject.html (x-amz-copy-source is URL-encoded), API_DeleteObjects.html (≤ 1,000 keys,
// per-key Errors in a 200), conditional writes/deletes (412 PreconditionFailed):
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html

describe("S3ObjectStore against S3's documented request and response shapes", () => {
  let s3: FakeS3;
  afterEach(() => s3.mock.restore());

  it("pages ListObjectsV2 with the ContinuationToken S3 returned until it is no longer truncated", async () => {
    // Prepare
    s3 = new FakeS3();
    s3.pageSize = 1000;
    for (let i = 0; i < 2345; i++) s3.store("raw", `weather/k${String(i).padStart(5, "0")}`, Buffer.from("x"));
    // Act
    const listed = await new S3ObjectStore(s3.client).list("raw", "weather/");
    // Assess
    const calls = s3.mock.commandCalls(ListObjectsV2Command as never).map((c) => c.args[0].input as { ContinuationToken?: string });
    expect(listed).toHaveLength(2345);
    expect(calls).toHaveLength(3);
    expect(calls[0]!.ContinuationToken).toBeUndefined();
    expect(calls[1]!.ContinuationToken).toEqual(expect.any(String));
  });

  it("sends StartAfter on every ListObjectsV2 page and joins the pages of keys after it", async () => {
    // Prepare
    s3 = new FakeS3();
    s3.pageSize = 1000;
    for (let i = 0; i < 2345; i++) s3.store("raw", `weather/k${String(i).padStart(5, "0")}`, Buffer.from("x"));
    // Act
    const listed = await new S3ObjectStore(s3.client).list("raw", "weather/", { startAfter: "weather/k00099" });
    // Assess
    const calls = s3.mock.commandCalls(ListObjectsV2Command as never).map((c) => c.args[0].input as { StartAfter?: string; ContinuationToken?: string; Prefix?: string });
    expect(listed.map((o) => o.key)).toEqual(Array.from({ length: 2245 }, (_, i) => `weather/k${String(i + 100).padStart(5, "0")}`));
    expect(calls.map((c) => [c.Prefix, c.StartAfter])).toEqual(Array(3).fill(["weather/", "weather/k00099"]));
    expect(calls.map((c) => c.ContinuationToken === undefined)).toEqual([true, false, false]);
  });

  it("lists sub-folders with Delimiter \"/\" and joins the CommonPrefixes of every page", async () => {
    // Prepare: 2,500 locations, two objects each
    s3 = new FakeS3();
    for (let i = 0; i < 2500; i++) for (const f of ["a", "b"]) s3.store("raw", `weather/location=L${String(i).padStart(4, "0")}/hour=00/${f}.gz`, Buffer.from("x"));
    // Act
    const prefixes = await new S3ObjectStore(s3.client).listPrefixes("raw", "weather/");
    // Assess
    const calls = s3.mock.commandCalls(ListObjectsV2Command as never).map((c) => c.args[0].input as { Delimiter?: string; ContinuationToken?: string });
    expect(prefixes).toHaveLength(2500);
    expect(prefixes[0]).toBe("weather/location=L0000/");
    expect(prefixes.at(-1)).toBe("weather/location=L2499/");
    expect(calls.map((c) => c.Delimiter)).toEqual(["/", "/", "/"]);
    expect(calls.map((c) => c.ContinuationToken === undefined)).toEqual([true, false, false]);
  });

  it("deletes a prefix of 2,500 objects in DeleteObjects calls of at most 1,000 keys", async () => {
    // Prepare
    s3 = new FakeS3();
    for (let i = 0; i < 2500; i++) s3.store("processed", `weather_parquet/p${i}.parquet`, Buffer.from("p"));
    // Act
    const deleted = await new S3ObjectStore(s3.client).deletePrefix("processed", "weather_parquet/");
    // Assess
    const sizes = s3.mock.commandCalls(DeleteObjectsCommand as never).map((c) => (c.args[0].input as { Delete: { Objects: unknown[] } }).Delete.Objects.length);
    expect(deleted).toBe(2500);
    expect(sizes).toEqual([1000, 1000, 500]);
    expect(s3.keys("processed")).toEqual([]);
  });

  it("surfaces the per-key Errors of a DeleteObjects response that returned 200", async () => {
    // Prepare
    s3 = new FakeS3();
    for (const k of ["a", "b", "c"]) s3.store("prod", `v0001/${k}`, Buffer.from(k));
    s3.undeletable.add("v0001/b");
    // Act
    const error = await new S3ObjectStore(s3.client).deletePrefix("prod", "v0001/").catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(S3DeleteError);
    expect((error as S3DeleteError).failures).toEqual([{ key: "v0001/b", code: "AccessDenied", message: "Access Denied" }]);
    expect((error as Error).message).toContain("s3://prod");
    expect(s3.keys("prod")).toEqual(["v0001/b"]);
  });

  it("sends CopySource as bucket/key with the key URL-encoded and its slashes kept", async () => {
    // Prepare
    s3 = new FakeS3();
    s3.store("processed", "weather_parquet/yr_mo_partition=2024-11/part 1+ü.parquet", Buffer.from("p"));
    // Act
    await new S3ObjectStore(s3.client).copy("processed", "weather_parquet/yr_mo_partition=2024-11/part 1+ü.parquet", "prod", "weather_prod/v0001/x.parquet");
    // Assess
    const input = s3.mock.commandCalls(CopyObjectCommand as never)[0]!.args[0].input as { Bucket: string; Key: string; CopySource: string };
    expect(input).toEqual({ Bucket: "prod", Key: "weather_prod/v0001/x.parquet", CopySource: "processed/weather_parquet/yr_mo_partition%3D2024-11/part%201%2B%C3%BC.parquet" });
    expect(copySourceOf("b", "a/b")).toBe("b/a/b");
  });
});

describe("S3RunLock: conditional PutObject and DeleteObject", () => {
  let s3: FakeS3;
  afterEach(() => s3.mock.restore());

  function setup() {
    s3 = new FakeS3();
    const clock = new ManualClock(Date.parse("2024-11-25T10:00:00Z"));
    s3.now = () => clock.now();
    return { clock, lock: new S3RunLock(s3.client, { bucket: "processed", clock }) };
  }

  it("creates the lock with If-None-Match: * and reads S3's 412 as a lock held by another run", async () => {
    // Prepare
    const { lock } = setup();
    await lock.acquire("r20241125t100000z-0001");
    // Act
    const error = await lock.acquire("r20241125t100100z-0002").catch((e: unknown) => e);
    // Assess
    const puts = s3.mock.commandCalls(PutObjectCommand as never).map((c) => c.args[0].input as { Key: string; IfNoneMatch?: string });
    expect(puts.map((p) => [p.Key, p.IfNoneMatch])).toEqual([
      ["_sluice/run.lock", "*"],
      ["_sluice/run.lock", "*"],
    ]);
    expect(error).toBeInstanceOf(RunInProgressError);
    expect((error as Error).message).toBe("run r20241125t100000z-0001 has been running since 2024-11-25T10:00:00.000Z; only one run at a time per lake");
  });

  it("keeps a lock younger than the TTL even when it is 1 h 59 min old (a Lambda may still be running)", async () => {
    // Prepare
    const { clock, lock } = setup();
    await lock.acquire("r20241125t100000z-0001");
    clock.advance(119 * 60_000);
    // Act / Assess
    await expect(lock.acquire("r20241125t115900z-0002")).rejects.toBeInstanceOf(RunInProgressError);
  });

  it("takes over a lock past the TTL by deleting it on its ETag (If-Match), then creating its own", async () => {
    // Prepare
    const { clock, lock } = setup();
    await lock.acquire("r20241125t100000z-0001");
    const staleEtag = (await s3.client.send(new (await import("@aws-sdk/client-s3")).HeadObjectCommand({ Bucket: "processed", Key: "_sluice/run.lock" }))).ETag;
    clock.advance(2 * 3600_000 + 1);
    // Act
    const lease = await lock.acquire("r20241125t120001z-0002");
    // Assess
    const deletes = s3.mock.commandCalls(DeleteObjectCommand as never).map((c) => c.args[0].input as { IfMatch?: string });
    expect(lease.stale?.runId).toBe("r20241125t100000z-0001");
    expect(deletes).toEqual([expect.objectContaining({ IfMatch: staleEtag })]);
    expect((await lock.holder())?.runId).toBe("r20241125t120001z-0002");
  });

  it("lets exactly one of 4 concurrent runs take over the same stale lock, 30 trials out of 30 (If-Match delete, If-None-Match create)", async () => {
    const { clock } = setup();
    // each request waits 0-3 ms before S3 acts on it, so the runs' requests interleave differently each trial
    s3.latencyMs = () => Math.random() * 3;
    const winners: number[] = [];
    for (let trial = 0; trial < 30; trial++) {
      // Prepare: a lock 3 h old (past the TTL)
      const old = new Date(clock.now() - 3 * 3600_000);
      s3.store("processed", "_sluice/run.lock", Buffer.from(JSON.stringify({ runId: `r-dead-${trial}`, since: old.toISOString() })), old);
      const locks = Array.from({ length: 4 }, () => new S3RunLock(s3.client, { bucket: "processed", clock }));
      // Act
      const outcomes = await Promise.all(locks.map((lock, i) => lock.acquire(`r-${trial}-${i}`).then((lease) => ({ lease, runId: `r-${trial}-${i}` }), (error: unknown) => error)));
      // Assess: one lease; every other run is refused naming the winner
      const won = outcomes.filter((o): o is { lease: { stale?: { runId: string } }; runId: string } => !(o instanceof Error));
      winners.push(won.length);
      expect(won).toHaveLength(1);
      for (const refused of outcomes.filter((o) => o instanceof Error)) {
        expect(refused).toBeInstanceOf(RunInProgressError);
        expect((refused as RunInProgressError).runningId).toBe(won[0]!.runId);
      }
      expect((await locks[0]!.holder())?.runId).toBe(won[0]!.runId);
    }
    expect(winners).toEqual(Array(30).fill(1));
  });

  it("does not delete another run's lock on release after its own lock was taken over (412 on If-Match)", async () => {
    // Prepare: run 1 holds the lock, goes stale, run 2 takes it over
    const { clock, lock } = setup();
    const first = await lock.acquire("r20241125t100000z-0001");
    clock.advance(3 * 3600_000);
    await lock.acquire("r20241125t130000z-0002");
    // Act: run 1 finally finishes
    await first.release();
    // Assess
    expect((await lock.holder())?.runId).toBe("r20241125t130000z-0002");
  });
});
