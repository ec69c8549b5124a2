import type { Clock } from "../lake/clock";
import type { DatasetDefinition, Location } from "../pipeline/types";
import { RateLimitedError } from "../sources/http/errors";
import { SourceError } from "../sources/source";
import type { FetchRequest, IngestMode, LocationOutcome, Source } from "../sources/source";
import type { CursorStore } from "./cursor";
import { ingest } from "./ingest";
import type { IngestOptions } from "./ingest";
import type { IngestSummary } from "./summary";

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The overlap a dataset re-fetches before its cursor when the config sets none (late corrections). */
export const DEFAULT_OVERLAP_HOURS = 3;

/** What a dataset's definition decides about its scheduled ingest: its time column, its overlap and its mode (`mode` overrides the dataset's). */
export function incrementalSettingsOf(
  dataset: Pick<DatasetDefinition, "transform" | "overlapHours" | "ingestMode">,
  mode?: IngestMode,
): Pick<IncrementalIngestOptions, "timeColumn" | "overlapHours" | "mode"> {
  return { timeColumn: dataset.transform.timeColumn, overlapHours: dataset.overlapHours ?? DEFAULT_OVERLAP_HOURS, mode: mode ?? dataset.ingestMode ?? "hourly" };
}

/** Subjects asked for the same hours. */
export interface WindowGroup {
  /** First and last measurement time wanted, inclusive (ms, on the mode's step); undefined in `current` mode. */
  readonly window?: { readonly startMs: number; readonly endMs: number };
  readonly locations: readonly Location[];
}

/** What a scheduled ingest asks for: subjects grouped by window, and those with nothing new yet. */
export interface IncrementalPlan {
  readonly groups: readonly WindowGroup[];
  /** Subjects whose cursor is already at the last complete step before now. */
  readonly upToDate: readonly string[];
  /**
   * Subjects whose cursor is after now: sluice never writes one (cursors never pass now), so the clock
   * went back or the cursor was edited. Not asked for, and failed by name: calling them up to date
   * would stop their collection, silently, until the clock reaches the cursor.
   */
  readonly ahead: readonly { readonly location: Location; readonly cursor: string }[];
}

/** The step of a mode: an hour, or a quarter of one for `minutely_15`. */
function stepOf(mode: IngestMode): number {
  return mode === "minutely_15" ? 15 * MINUTE_MS : HOUR_MS;
}

/**
 * The windows of a scheduled ingest at `nowMs`: each subject from the step after its cursor, less
 * `overlapHours` (re-fetched for late corrections), to the last step that has begun by now (so
 * forecast hours are never asked for); a subject without a cursor from yesterday 00:00 UTC, the
 * producer's old default. `current` mode needs no window: one reading per subject, now.
 */
export function planIncremental(locations: readonly Location[], cursors: Readonly<Record<string, string>>, nowMs: number, overlapHours: number, mode: IngestMode = "hourly"): IncrementalPlan {
  if (mode === "current") return { groups: locations.length > 0 ? [{ locations }] : [], upToDate: [], ahead: [] };
  const step = stepOf(mode);
  const endMs = Math.floor(nowMs / step) * step;
  const yesterday = Math.floor(nowMs / DAY_MS) * DAY_MS - DAY_MS;
  const byStart = new Map<number, Location[]>();
  const upToDate: string[] = [];
  const ahead: { location: Location; cursor: string }[] = [];
  for (const location of locations) {
    const cursor = cursors[location.name];
    if (cursor !== undefined && Date.parse(cursor) > nowMs) {
      ahead.push({ location, cursor });
      continue;
    }
    const startMs = cursor === undefined ? yesterday : Math.floor(Date.parse(cursor) / step) * step + step - overlapHours * HOUR_MS;
    if (startMs > endMs) {
      upToDate.push(location.name);
      continue;
    }
    byStart.set(startMs, [...(byStart.get(startMs) ?? []), location]);
  }
  const groups = [...byStart.entries()].sort(([a], [b]) => a - b).map(([startMs, group]) => ({ window: { startMs, endMs }, locations: group }));
  return { groups, upToDate, ahead };
}

/** A record's measurement time in ms: ISO text (UTC when it names no zone) or epoch seconds/milliseconds; undefined when it has none. */
export function recordTimeMs(record: object, column: string): number | undefined {
  const value = (record as Record<string, unknown>)[column];
  if (typeof value === "number" && Number.isFinite(value)) return value < 1e11 ? value * 1000 : value;
  if (typeof value !== "string") return undefined;
  const ms = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(value) ? value : `${value}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * The source asked once per window group, its records cut to the group's window (a no-op for a
 * source that honours `window`), the latest delivered-candidate time of each subject kept in `latest`.
 */
function windowedSource(inner: Source<object>, plan: IncrementalPlan, timeColumn: string, nowMs: number, latest: Map<string, number>, reset: string): Source<object> {
  const { groups } = plan;
  return {
    name: inner.name,
    ...(inner.modes ? { modes: inner.modes } : {}),
    async *fetch(request: FetchRequest, signal?: AbortSignal): AsyncIterable<LocationOutcome<object>> {
      for (const { location, cursor } of plan.ahead) {
        const message = `${inner.name} request for "${location.name}" not sent: its cursor is at ${cursor}, after now (${new Date(nowMs).toISOString().slice(0, 19)}Z); the clock went back or the cursor was edited. ${reset.replace("SUBJECT", location.name)} makes the next ingest start from yesterday`;
        yield { location, error: new SourceError(message, location) };
      }
      // A rate limit answered to one group is the API's for the whole invocation: the later groups are not sent.
      let limited: RateLimitedError | undefined;
      for (const group of groups) {
        if (limited) {
          for (const location of group.locations) {
            yield { location, error: new SourceError(`${inner.name} request for "${location.name}" not sent: an earlier call of this ingest hit a rate limit (${limited.message})`, location, { cause: limited }) };
          }
          continue;
        }
        const days = group.window ? { from: dayOf(group.window.startMs), to: dayOf(group.window.endMs) } : { from: request.from, to: request.to };
        const asked: FetchRequest = { ...request, ...days, locations: group.locations, ...(group.window ? { window: group.window } : {}) };
        for await (const outcome of inner.fetch(asked, signal)) {
          if (outcome.error) {
            limited ??= rateLimitOf(outcome.error);
            yield outcome;
            continue;
          }
          const records = group.window ? outcome.records.filter((r) => inWindow(recordTimeMs(r, timeColumn), group.window!)) : outcome.records;
          for (const record of records) {
            const ms = recordTimeMs(record, timeColumn);
            if (ms !== undefined && ms <= nowMs && ms > (latest.get(outcome.location.name) ?? -Infinity)) latest.set(outcome.location.name, ms);
          }
          yield { ...outcome, records };
        }
        if (signal?.aborted) return;
      }
    },
  };
}

/** The rate limit an error stands for (itself or a cause), if any. */
function rateLimitOf(error: unknown): RateLimitedError | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) if (e instanceof RateLimitedError) return e;
  return undefined;
}

/** A record without a time is kept (it cannot be placed, and dropping it would lose data silently). */
function inWindow(ms: number | undefined, window: { startMs: number; endMs: number }): boolean {
  return ms === undefined || (ms >= window.startMs && ms <= window.endMs);
}

function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Options of a scheduled (cursor-driven) ingest: an ingest's, less the request, which the cursors decide. */
export interface IncrementalIngestOptions extends Omit<IngestOptions, "request" | "now"> {
  readonly locations: readonly Location[];
  readonly variables: readonly string[];
  readonly cursors: CursorStore;
  readonly clock: Clock;
  /** "Now" for the windows and the cursors' limit (default the clock's). */
  readonly nowMs?: number;
  /** The dataset's event-time column (`transform.timeColumn`): what the cursor and the window read. */
  readonly timeColumn: string;
  readonly overlapHours: number;
  readonly mode?: IngestMode;
}

/** What a scheduled ingest of a runtime is asked for: no range (the cursors decide it). */
export interface ScheduledIngestParameters {
  readonly dataset: string;
  readonly source: string;
  readonly locations: readonly Location[];
  readonly variables: readonly string[];
  /** Default: the dataset's `ingestMode`, else hourly. */
  readonly mode?: IngestMode;
}

/** What a scheduled ingest adds to its summary. */
export interface IncrementalReport {
  readonly mode: IngestMode;
  readonly overlapHours: number;
  /** What each group of subjects was asked for (UTC ISO, inclusive). */
  readonly windows: readonly { readonly subjects: readonly string[]; readonly start?: string; readonly end?: string }[];
  readonly upToDate: readonly string[];
  /** Subject → the latest measurement time it delivered (≤ now): its cursor is now at least this. */
  readonly cursorsAdvanced: Readonly<Record<string, string>>;
}

/**
 * One scheduled ingest: reads the cursors, asks the source only for what is new (see
 * {@link planIncremental}), delivers through the same `ingest`, then moves the cursor of each
 * subject whose records were all written (after the delivery's `finish`): a subject that failed,
 * sent records to the error output, or was not fetched keeps its cursor, and so does every subject
 * when accepted records were lost at write time. Cursors never pass now.
 */
export async function ingestIncrementally(options: IncrementalIngestOptions): Promise<IngestSummary & { readonly incremental: IncrementalReport }> {
  const nowMs = options.nowMs ?? options.clock.now();
  const mode = options.mode ?? "hourly";
  const stored = await options.cursors.read(options.dataset, options.source.name);
  const plan = planIncremental(options.locations, stored, nowMs, options.overlapHours, mode);
  const latest = new Map<string, number>();
  const asked = [...plan.ahead.map((a) => a.location), ...plan.groups.flatMap((g) => g.locations)];
  const starts = plan.groups.flatMap((g) => (g.window ? [g.window.startMs] : []));
  const { cursors: _cursors, clock, nowMs: _now, timeColumn, overlapHours: _overlap, locations: _locations, variables, mode: _mode, ...rest } = options;
  const summary = await ingest({
    ...rest,
    request: {
      from: dayOf(starts.length > 0 ? Math.min(...starts) : nowMs),
      to: dayOf(nowMs),
      locations: asked,
      variables,
      mode,
    },
    source: windowedSource(options.source, plan, timeColumn, nowMs, latest, `\`sluice cursors --dataset ${options.dataset} --source ${options.source.name} --reset SUBJECT\``),
    now: () => clock.now(),
  });
  const requested = new Set(asked.map((l) => l.name));
  const failed = new Set(summary.failures.map((f) => f.location));
  // A failure that names no subject (records lost while writing a partition) cannot be placed: move no cursor.
  const unplaced = [...failed].some((name) => !requested.has(name));
  const advanced: Record<string, string> = {};
  if (!unplaced) {
    for (const [subject, ms] of latest) {
      if (!failed.has(subject) && requested.has(subject)) advanced[subject] = new Date(ms).toISOString().slice(0, 19) + "Z";
    }
  }
  await options.cursors.advance(options.dataset, options.source.name, advanced);
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 19) + "Z";
  return {
    ...summary,
    incremental: {
      mode,
      overlapHours: options.overlapHours,
      windows: plan.groups.map((g) => ({ subjects: g.locations.map((l) => l.name), ...(g.window ? { start: iso(g.window.startMs), end: iso(g.window.endMs) } : {}) })),
      upToDate: plan.upToDate,
      cursorsAdvanced: advanced,
    },
  };
}
