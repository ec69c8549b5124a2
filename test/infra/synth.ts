import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { synthesizeOffline } from "../../scripts/offline-app";
import type { OfflineSynth } from "../../scripts/offline-app";

/** The stage every infra test synthesizes. */
export const STAGE = "test";

/**
 * SST builds every function into the checkout's `.sst/artifacts/<function id>/` (deleting it first,
 * then bundling and copying files in): two synthesizing test files running at once delete each
 * other's bundles. This lock, taken with an exclusive create, makes them take turns.
 */
const LOCK = join(process.cwd(), ".sst", "infra-synth.lock");

/** Whether the lock is gone, held by a running process, or left by one that died. */
function lockState(): "gone" | "alive" | "dead" {
  let text: string;
  try {
    text = readFileSync(LOCK, "utf8");
  } catch {
    return "gone";
  }
  // Empty: its writer is between the create and the write.
  if (text === "") return "alive";
  try {
    process.kill(Number(text), 0);
    return "alive";
  } catch {
    return "dead";
  }
}

async function exclusively<T>(work: () => Promise<T>): Promise<T> {
  mkdirSync(join(process.cwd(), ".sst"), { recursive: true });
  for (;;) {
    try {
      const fd = openSync(LOCK, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      // A lock whose writer was killed mid-synthesis would otherwise block every later run.
      const state = lockState();
      if (state === "dead") rmSync(LOCK, { force: true });
      else if (state === "alive") await new Promise((done) => setTimeout(done, 250));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(LOCK, { force: true });
  }
}

/** The whole app synthesized once (≈10–20 s with bundling); each test file calls it in beforeAll. */
export function synthesizeTestApp(): Promise<OfflineSynth> {
  return exclusively(() => synthesizeOffline({ stage: STAGE, account: "123456789012", region: "eu-west-1" }));
}
