import { synthesizeOffline } from "../../scripts/offline-app";
import type { OfflineSynth } from "../../scripts/offline-app";

/** The stage every infra test synthesizes. */
export const STAGE = "test";

/** The whole app synthesized once (≈10–20 s with bundling); each test file calls it in beforeAll. */
export function synthesizeTestApp(): Promise<OfflineSynth> {
  return synthesizeOffline({ stage: STAGE, account: "123456789012", region: "eu-west-1" });
}
