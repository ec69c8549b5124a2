import { readFile, readdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { S3ObjectStore } from "../../packages/core/src/aws/s3-object-store";
import { ObjectCursorStore } from "../../packages/core/src/ingest/cursor";
import { FsObjectStore } from "../../packages/core/src/lake/fs-object-store";
import { FakeS3 } from "../aws/fake-s3";
import { describeCursorStoreContract } from "./cursor-store.contract";

const KEY = (dataset: string, source: string) => `_sluice/cursors/${dataset}/${source}.json`;

describeCursorStoreContract("ObjectCursorStore over FsObjectStore (the twin's lake, for real)", async () => {
  const root = await mkdtemp(join(tmpdir(), "sluice-contract-cursors-"));
  const store = new FsObjectStore(root);
  return {
    cursors: new ObjectCursorStore(store, "processed"),
    writeRaw: (dataset, source, body) => store.put("processed", KEY(dataset, source), body),
    readRaw: (dataset, source) => readFile(join(root, "processed", KEY(dataset, source)), "utf8"),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});

describeCursorStoreContract("ObjectCursorStore over S3ObjectStore (aws-sdk-client-mock S3)", async () => {
  const s3 = new FakeS3();
  const store = new S3ObjectStore(s3.client);
  return {
    cursors: new ObjectCursorStore(store, "sluice-prod-processed"),
    writeRaw: (dataset, source, body) => store.put("sluice-prod-processed", KEY(dataset, source), body),
    readRaw: async (dataset, source) => Buffer.from(await store.get("sluice-prod-processed", KEY(dataset, source))).toString("utf8"),
    cleanup: async () => s3.mock.restore(),
  };
});

describe("ObjectCursorStore adapters", () => {
  it("on AWS: lists its own key before reading it (a producer may list only its cursor prefix), then one PutObject", async () => {
    // Prepare
    const s3 = new FakeS3();
    try {
      const cursors = new ObjectCursorStore(new S3ObjectStore(s3.client), "sluice-prod-processed");
      // Act: the first advance (no cursor yet), then a second one
      await cursors.advance("weather", "open-meteo", { Paris: "2024-11-25T10:00:00Z" });
      const firstGets = s3.mock.commandCalls(GetObjectCommand as never).length;
      await cursors.advance("weather", "open-meteo", { Paris: "2024-11-25T11:00:00Z" });
      // Assess
      const key = "_sluice/cursors/weather/open-meteo.json";
      const lists = s3.mock.commandCalls(ListObjectsV2Command as never).map((c) => c.args[0].input as { Bucket: string; Prefix: string });
      const puts = s3.mock.commandCalls(PutObjectCommand as never).map((c) => c.args[0].input as { Bucket: string; Key: string });
      const gets = s3.mock.commandCalls(GetObjectCommand as never).map((c) => c.args[0].input as { Bucket: string; Key: string });
      expect(lists.map((l) => [l.Bucket, l.Prefix])).toEqual([["sluice-prod-processed", key], ["sluice-prod-processed", key]]);
      expect(firstGets).toBe(0);
      expect(gets.map((g) => [g.Bucket, g.Key])).toEqual([["sluice-prod-processed", key]]);
      expect(puts.map((p) => [p.Bucket, p.Key])).toEqual([["sluice-prod-processed", key], ["sluice-prod-processed", key]]);
    } finally {
      s3.mock.restore();
    }
  });

  it("on AWS: an advance that moves nothing writes nothing", async () => {
    // Prepare
    const s3 = new FakeS3();
    try {
      const cursors = new ObjectCursorStore(new S3ObjectStore(s3.client), "sluice-prod-processed");
      await cursors.advance("weather", "open-meteo", { Paris: "2024-11-25T10:00:00Z" });
      s3.mock.resetHistory();
      // Act
      await cursors.advance("weather", "open-meteo", { Paris: "2024-11-25T09:00:00Z" });
      await cursors.advance("weather", "open-meteo", {});
      // Assess
      expect(s3.mock.commandCalls(PutObjectCommand as never)).toHaveLength(0);
    } finally {
      s3.mock.restore();
    }
  });

  it("on the twin: the cursor file is replaced by a rename, leaving no temporary file", async () => {
    // Prepare
    const root = await mkdtemp(join(tmpdir(), "sluice-cursors-"));
    try {
      const cursors = new ObjectCursorStore(new FsObjectStore(root), "processed");
      // Act
      await cursors.advance("weather", "open-meteo", { Paris: "2024-11-25T09:00:00Z" });
      await cursors.advance("weather", "open-meteo", { Paris: "2024-11-25T10:00:00Z" });
      // Assess
      expect(await readdir(join(root, "processed", "_sluice", "cursors", "weather"))).toEqual(["open-meteo.json"]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
