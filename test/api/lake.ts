import type { PipelineDefinition } from "../../packages/core/src/pipeline/types";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../../packages/core/src/api/app";
import type { ApiDeps } from "../../packages/core/src/api/deps";
import type { InProcessRunLauncher } from "../../packages/core/src/api/run-launcher";
import { localApiDeps } from "../../packages/cli/src/commands/serve";
import { runDemoPipeline } from "../../packages/cli/src/commands/demo";
import { createLogger, type Logger } from "../../packages/core/src/log/logger";
import { pipeline } from "../../packages/core/src/pipeline/pipeline";
import type { RunRecord } from "../../packages/core/src/run/run-record";
import { LocalRuntime } from "../../packages/core/src/runtime/local";

/** The token every test app uses. */
export const TOKEN = "test-token-0123456789abcdef";

/** A local twin over a fresh temporary lake (the built-in pipeline, or one from a project config). */
export async function tempRuntime(label: string, logger: Logger = createLogger("silent"), definition: PipelineDefinition = pipeline): Promise<LocalRuntime> {
  const lake = await mkdtemp(join(tmpdir(), `sluice-api-${label}-`));
  return new LocalRuntime({ lake, pipeline: definition, logger });
}

/** Closes the runtime and removes its lake. */
export async function disposeRuntime(runtime: LocalRuntime): Promise<void> {
  await runtime.close();
  await rm(runtime.options.lake, { recursive: true, force: true });
}

/** The demo's synthetic week (Paris, London, Berlin, 2024-11-24..30) run on the lake; fails the test unless published. */
export async function publishDemoWeek(runtime: LocalRuntime): Promise<RunRecord> {
  const run = await runDemoPipeline(runtime);
  if (run.status !== "succeeded") throw new Error(`demo run ${run.id} ended ${run.status}`);
  return run;
}

/** The app over a runtime, as `sluice serve` builds it (production version read on every request). */
export async function localApp(runtime: LocalRuntime, overrides: Partial<ApiDeps> = {}) {
  const { deps, launcher, backfills } = await localApiDeps(runtime, { token: TOKEN, productionTtlMs: 0 });
  const app = createApp({ ...deps, ...overrides });
  return { app, launcher: launcher as InProcessRunLauncher, backfills, deps };
}

/** Headers of an authenticated JSON POST. */
export function authJson(token = TOKEN): Record<string, string> {
  return { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
}

/** The demo week as a POST /runs body. */
export const WEEK_BODY = { source: "synthetic", from: "2024-11-24", to: "2024-11-30", locations: ["Paris", "London", "Berlin"] };
