import { synthesizeOffline } from "../../scripts/offline-app";
import type { OfflineSynth } from "../../scripts/offline-app";

/**
 * How long an infra test file's beforeAll may wait: syntheses take turns (scripts/offline-app.ts),
 * so a file may wait for the others' (≈10-20 s each, more on a loaded machine) before its own.
 */
export const SYNTH_TIMEOUT_MS = 300_000;

/** The stage every infra test synthesizes. */
export const STAGE = "test";

/** The whole app synthesized once (≈10–20 s with bundling); each test file calls it in beforeAll. */
export function synthesizeTestApp(): Promise<OfflineSynth> {
  return synthesizeOffline({ stage: STAGE, account: "123456789012", region: "eu-west-1" });
}
