import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { FsObjectStore } from "../../packages/core/src/lake/fs-object-store";
import type { FirehoseSpec } from "../../packages/core/src/pipeline/types";
import { weatherDataset } from "../../packages/core/src/pipeline/weather";

/** A seeded PRNG (mulberry32): same seed, same failures, same records. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A lake in a fresh temp dir. */
export async function tempLake(): Promise<{ root: string; store: FsObjectStore; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), "sluice-delivery-"));
  return { root, store: new FsObjectStore(root), cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** Every object under `prefix` as text (gunzipped when the key ends in .gz). */
export async function readObjects(store: FsObjectStore, bucket: string, prefix = ""): Promise<{ key: string; text: string }[]> {
  const infos = await store.list(bucket, prefix);
  const out: { key: string; text: string }[] = [];
  for (const info of infos) {
    const body = Buffer.from(await store.get(bucket, info.key));
    out.push({ key: info.key, text: (info.key.endsWith(".gz") ? gunzipSync(body) : body).toString("utf8") });
  }
  return out;
}

/** The weather stream's spec with overrides. */
export function weatherSpec(overrides: Partial<FirehoseSpec> = {}): FirehoseSpec {
  return { ...weatherDataset.firehose, ...overrides };
}

/** A weather record as the producer sends it. */
export function weatherRecord(city: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    city,
    latitude: 48.85,
    longitude: 2.35,
    measurement_time: "2024-11-25T10:00:00Z",
    temperature: 7.3,
    collection_time: "2024-11-25T10:05:00.000Z",
    source: "synthetic",
    ...extra,
  };
}
