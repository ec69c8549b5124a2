import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { CloudAssembly } from "aws-cdk-lib/cx-api";
import { App } from "sst/constructs";
import { initProject } from "sst/project.js";
import { pipeline } from "../packages/core/src/pipeline/pipeline";
import { stacks } from "../stacks";

/** Where and as what the app is synthesized; the account is a placeholder, nothing reaches AWS. */
export interface OfflineSynthOptions {
  readonly stage: string;
  readonly region?: string;
  readonly account?: string;
  /** Cloud assembly folder; a temporary one when omitted. */
  readonly outdir?: string;
}

/** One cdk-nag finding left unsuppressed (an error or warning annotation of a stack). */
export interface NagFinding {
  readonly stack: string;
  readonly path: string;
  readonly level: string;
  readonly rule: string;
  readonly message: string;
}

/** The synthesized app, its cloud assembly and the cdk-nag findings nobody suppressed. */
export interface OfflineSynth {
  readonly app: App;
  readonly assembly: CloudAssembly;
  readonly findings: readonly NagFinding[];
}

/**
 * Synthesizes the SST v2 app as `sst deploy` would, offline (PLATFORM.md "SST v2 offline"):
 * `app.finish()` bundles the handlers and adds the bindings' SSM parameters; with NODE_ENV=test it
 * skips the bootstrap lookup. Synthesizes once: cdk-nag's annotations are read from that assembly.
 */
export function synthesizeOffline(options: OfflineSynthOptions): Promise<OfflineSynth> {
  return exclusively(() => synthesize(options));
}

async function synthesize(options: OfflineSynthOptions): Promise<OfflineSynth> {
  process.env.SST_TELEMETRY_DISABLED = "1";
  process.env.NODE_ENV ??= "test";
  await initProject({ stage: options.stage });
  const app = new App(
    {
      mode: "deploy",
      stage: options.stage,
      name: pipeline.app,
      region: options.region ?? "eu-west-1",
      account: options.account ?? "123456789012",
    },
    options.outdir ? { outdir: options.outdir } : {},
  );
  stacks(app);
  await app.finish();
  const assembly = app.synth();
  return { app, assembly, findings: nagFindings(assembly) };
}

/**
 * SST builds every function into the checkout's `.sst/artifacts/<function id>/` (deleting it first,
 * then bundling and copying files in): two syntheses running at once (two infra test files, or
 * `npm run synth` beside them) delete each other's bundles. This lock, taken with an exclusive create, makes them take turns.
 */
const LOCK = join(process.cwd(), ".sst", "synth.lock");

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

/** The `AwsSolutions-*` error and warning annotations of every stack in an assembly. */
export function nagFindings(assembly: CloudAssembly): NagFinding[] {
  return assembly.stacks.flatMap((stack) =>
    stack.messages
      .filter((m) => (m.level === "error" || m.level === "warning") && /^AwsSolutions-/.test(String(m.entry.data)))
      .map((m) => {
        const text = String(m.entry.data);
        return { stack: stack.stackName, path: m.id, level: m.level, rule: text.slice(0, text.indexOf(":")), message: text };
      }),
  );
}
