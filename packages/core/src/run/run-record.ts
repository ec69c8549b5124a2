/** The steps of a run, in order. */
export const RUN_STEPS = ["ingest", "crawl", "drop", "ctas", "dq", "publish"] as const;
export type RunStepName = (typeof RUN_STEPS)[number];

export type StepStatus = "pending" | "running" | "succeeded" | "failed" | "skipped";
/** `dq_failed`: a blocking rule failed, production unchanged. `abandoned`: the process died mid-run. */
export type RunStatus = "running" | "succeeded" | "failed" | "dq_failed" | "abandoned";

/** One step's record: status, timings and row counts. */
export interface StepRecord {
  readonly name: RunStepName;
  status: StepStatus;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  rowsIn?: number;
  rowsOut?: number;
  bytesScanned?: number;
  /** Step-specific facts (objects written, partitions added, drift, version published…). */
  detail?: Record<string, unknown>;
  error?: string;
}

/** What the run was asked to do. */
export interface RunParameters {
  readonly dataset: string;
  readonly source: string;
  readonly from: string;
  readonly to: string;
  readonly locations: readonly { name: string; latitude: number; longitude: number }[];
  readonly variables: readonly string[];
  readonly skipIngest: boolean;
  /** Rebuild production from all raw (rule or schema changes) instead of merging the new objects. */
  readonly fullRefresh?: boolean;
}

/** `incremental`: only raw objects not consumed before, merged into the months they touch. `full`: all raw. */
export type RunMode = "incremental" | "full";

/** A persisted run. */
export interface RunRecord {
  readonly id: string;
  status: RunStatus;
  readonly parameters: RunParameters;
  /** Which mode ran (a requested incremental run becomes full when production cannot be merged into). */
  mode?: RunMode;
  /** Why the mode differs from the one asked for. */
  modeReason?: string;
  readonly startedAt: string;
  endedAt?: string;
  durationMs?: number;
  steps: StepRecord[];
  /** The step that failed and why. */
  failure?: { step: RunStepName; message: string };
  /** Production version the run published (or that stayed current). */
  prodVersion?: string;
  dq?: { gate: "PASS" | "FAIL"; score: number; failedRules: string[] };
}

/** A run id that sorts by start time: `r20261123t121600z-1a2b`. */
export function newRunId(now: number, random: () => number = Math.random): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "z").toLowerCase();
  // Milliseconds × 65 plus a random 0–64 (at most 0xffff): runs started within the same second
  // still sort by start time, as "newest first" listings rely on.
  const suffix = (new Date(now).getUTCMilliseconds() * 65 + Math.floor(random() * 65)).toString(16).padStart(4, "0");
  return `r${stamp}-${suffix}`;
}

/** Run ids are validated wherever they come from outside (CLI, HTTP), so they can name files safely. */
export const RUN_ID_RE = /^r\d{8}t\d{6}z-[0-9a-f]{4}$/;
