import { scheduledSubjectsOf } from "../config/project";
import { DEFAULT_OVERLAP_HOURS } from "../ingest/incremental";
import { datasetModule } from "../datasets/registry";
import type { Quota, SourceQuotas } from "../sources/quota";
import { quotasOf, quotasOfSource } from "../sources/source-quotas";
import { windowMsOf } from "../sources/quota";
import { planChunks } from "../backfill/chunks";
import type { DatasetDefinition, PipelineDefinition } from "../pipeline/types";

/**
 * `sluice plan`: what the deployed pipeline will do per dataset, from the project config, against
 * the limits that matter — the source API's quotas, Firehose's 500 active partitions per stream,
 * small files in raw, Athena's bill ($5 per TB scanned, 10 MB minimum per query) and the
 * producer Lambda's timeout. Every figure is an estimate from the schedule, the subjects and the
 * record schema; the assumptions are printed with it.
 */

/** A source's quota: at most `limit` calls per `per` (declared with the source, packages/core/src/sources/quota.ts). */
export type { Quota } from "../sources/quota";

/** How one source is called by a scheduled ingest (records given for two days of it, scaled by `hoursPerIngest`). */
interface SourceProfile {
  readonly api: string;
  /** API calls of one scheduled invocation. */
  calls(subjects: number, variables: number): number;
  /** Records one subject yields per invocation (two days of hourly values). */
  recordsPerSubject(variables: number): number;
  readonly quotas: readonly Quota[];
  /** The source paces its requests under its per-minute quota (RequestPacer): more calls take longer instead of failing. */
  readonly paced: boolean;
}

/** Days of one scheduled ingest (yesterday..today). */
const SCHEDULED_DAYS = 2;

/** Records one subject yields per scheduled ingest, by dataset (the quotas come from the source's declaration). */
const RECORDS_PER_SUBJECT: Readonly<Record<string, (variables: number) => number>> = {
  weather: () => 48,
  stocks: () => 32,
  air_quality: (variables) => 48 * Math.max(1, variables),
};

/** A source's declared quotas as the plan weighs a scheduled ingest; a per-second quota counts per minute. */
function profileFrom(quotas: SourceQuotas, recordsPerSubject: (variables: number) => number): SourceProfile {
  return {
    api: quotas.api,
    calls: (subjects, variables) => Math.ceil(quotas.callWeight({ days: SCHEDULED_DAYS, variables, subjects })),
    recordsPerSubject,
    quotas: quotas.quotas.map((q) => (q.per === "second" ? { ...q, limit: q.limit * 60, per: "minute" as const } : q)),
    paced: quotas.paced,
  };
}

/** Firehose's default quota of active partitions per delivery stream (dynamic partitioning). */
export const FIREHOSE_ACTIVE_PARTITIONS = 500;
/** Athena: $5 per TB scanned, at least 10 MB billed per query. */
export const ATHENA_USD_PER_TB = 5;
export const ATHENA_MIN_BYTES = 10 * 1024 * 1024;
/** The producer Lambda's timeout (stacks/Ingest.ts). */
export const PRODUCER_TIMEOUT_S = 300;
/** Queries of one incremental run on Athena: stage, CTAS/INSERT, the DQ gate, publish, views. */
const QUERIES_PER_RUN = 6;
/** A raw object per subject per invocation; this many a day makes every listing and crawl heavy. */
const OBJECTS_PER_DAY_WARN = 20_000;

/** The plan of one dataset. */
export interface DatasetPlan {
  readonly dataset: string;
  readonly api: string;
  readonly subjects: number;
  readonly schedule: string | null;
  readonly ingestsPerDay: number;
  readonly callsPerIngest: number;
  readonly callsPerDay: number;
  /** Worst quota use: calls in that window over the quota (1 = all of it). */
  readonly quotaUse: { readonly quota: string; readonly used: number; readonly limit: number } | null;
  readonly activePartitionsPerBuffer: number;
  readonly rawObjectsPerDay: number;
  readonly rawBytesPerDay: number;
  readonly runSchedule: string | null;
  readonly runsPerDay: number;
  readonly athenaBytesPerRun: number;
  readonly athenaUsdPerRun: number;
  readonly athenaUsdPerMonth: number;
  readonly producerSeconds: number;
  /** `sluice backfill` of one year for the subjects: chunks, weighted calls, and the time pacing them under the quotas takes. */
  readonly backfillYear: { readonly chunks: number; readonly calls: number; readonly seconds: number } | null;
  /** Limits crossed. */
  readonly warnings: readonly string[];
  /** What is not deployed or not scheduled (no limit crossed). */
  readonly notes: readonly string[];
}

/**
 * Records one subject yields per scheduled (incremental) ingest: the hours since the last ingest
 * plus the dataset's overlap (at most the two days a first ingest fetches), four values an hour in
 * `minutely_15` mode, one reading in `current` mode. `perTwoDays` is the profile's two-day figure.
 */
export function recordsPerIngestOf(dataset: Pick<DatasetDefinition, "overlapHours" | "ingestMode">, perTwoDays: number, ingestsPerDay: number): number {
  if (dataset.ingestMode === "current") return 1;
  const hours = Math.min(48, Math.ceil(24 / Math.max(1, ingestsPerDay)) + (dataset.overlapHours ?? DEFAULT_OVERLAP_HOURS));
  return (perTwoDays / 48) * hours * (dataset.ingestMode === "minutely_15" ? 4 : 1);
}

/** The plan of every dataset of the pipeline; `subjectsOverride` asks "what if each had N subjects". */
export function planOf(pipeline: PipelineDefinition, options: { subjectsOverride?: number } = {}): DatasetPlan[] {
  return Object.values(pipeline.datasets).map((dataset) => planDataset(dataset, options.subjectsOverride));
}

function planDataset(dataset: DatasetDefinition, override: number | undefined): DatasetPlan {
  const warnings: string[] = [];
  const notes: string[] = [];
  const configured = scheduledSubjectsOf(dataset);
  const subjects = override ?? configured?.length ?? 0;
  const variables = dataset.defaults?.variables?.length ?? (dataset.name === "air_quality" ? 4 : 1);
  const profile = profileOf(dataset);
  const scheduled = subjects > 0 && dataset.files === undefined;
  if (!scheduled && dataset.files === undefined) notes.push(`no subjects: no producer is deployed (set datasets.${dataset.name}.subjects)`);
  const ingestsPerDay = scheduled ? runsPerDayOf(dataset.schedule) : 0;
  const callsPerIngest = scheduled ? profile.calls(subjects, variables) : 0;
  const callsPerDay = callsPerIngest * ingestsPerDay;
  // One invocation runs within minutes: its calls land in one minute/hour window when the quota allows.
  let quotaUse: DatasetPlan["quotaUse"] = null;
  let producerSeconds = callsPerIngest * 0.3;
  for (const quota of profile.quotas) {
    const inWindow = quota.per === "day" ? callsPerDay : quota.per === "hour" ? callsPerIngest * Math.min(ingestsPerDay, Math.max(1, ingestsPerDay / 24)) : callsPerIngest;
    if (!quotaUse || inWindow / quota.limit > quotaUse.used / quotaUse.limit) quotaUse = { quota: `${quota.limit}/${quota.per} (${quota.what})`, used: Math.round(inWindow), limit: quota.limit };
    if (quota.per === "minute" && callsPerIngest > quota.limit) producerSeconds = Math.max(producerSeconds, (callsPerIngest / quota.limit) * 60);
    if (inWindow > quota.limit) {
      const said = `${profile.api}: ${Math.round(inWindow)} calls ${quota.per === "hour" ? "an" : "a"} ${quota.per} against ${quota.limit}/${quota.per} (${quota.what})`;
      if (quota.per === "minute" && profile.paced) notes.push(`${said}: the source paces them, the ingest takes ~${Math.round((callsPerIngest / quota.limit) * 60)} s`);
      else warnings.push(`${said}: the calls beyond get 429s and their subjects are reported failed`);
    }
  }
  if (producerSeconds > PRODUCER_TIMEOUT_S) warnings.push(`the producer needs ~${Math.round(producerSeconds)} s paced under the quota, beyond its ${PRODUCER_TIMEOUT_S} s Lambda timeout: split the subjects or back-fill`);
  const activePartitionsPerBuffer = scheduled ? subjects : 0;
  if (activePartitionsPerBuffer > FIREHOSE_ACTIVE_PARTITIONS) {
    warnings.push(`Firehose: ${activePartitionsPerBuffer} active partitions per buffer against the default quota of ${FIREHOSE_ACTIVE_PARTITIONS}: records of the partitions beyond it go to the error output (ActivePartitionsExceeded) — ask AWS for a higher quota`);
  }
  const recordBytes = jsonBytesOf(dataset);
  const recordsPerDay = scheduled ? recordsPerIngestOf(dataset, profile.recordsPerSubject(variables), ingestsPerDay) * subjects * ingestsPerDay : 0;
  const rawObjectsPerDay = scheduled ? subjects * ingestsPerDay : 0;
  const rawBytesPerDay = Math.round(recordsPerDay * recordBytes * GZIP_RATIO);
  if (rawObjectsPerDay > OBJECTS_PER_DAY_WARN) warnings.push(`raw: ${rawObjectsPerDay.toLocaleString("en-US")} objects a day (one per subject and ingest, ~${Math.round(rawBytesPerDay / Math.max(1, rawObjectsPerDay))} B each): small files make listings and Athena's raw reads slow — ingest less often`);
  const runSchedule = dataset.runSchedule ?? null;
  const runsPerDay = runSchedule ? runsPerDayOf(runSchedule) : 0;
  // An incremental run reads the raw it has not consumed and rewrites the touched month (Parquet ~ 1/6 of JSON).
  const monthRecords = (recordsPerDay / Math.max(1, ingestsPerDay)) * (ingestsPerDay > 0 ? 30 / 2 : 0);
  const athenaBytesPerRun = Math.round((runsPerDay > 0 ? rawBytesPerDay / runsPerDay : rawBytesPerDay) + monthRecords * recordBytes * PARQUET_RATIO * 2);
  const billedPerRun = QUERIES_PER_RUN * ATHENA_MIN_BYTES + Math.max(0, athenaBytesPerRun - QUERIES_PER_RUN * ATHENA_MIN_BYTES);
  const athenaUsdPerRun = (billedPerRun / 1e12) * ATHENA_USD_PER_TB;
  const athenaUsdPerMonth = athenaUsdPerRun * runsPerDay * 30;
  if (runsPerDay === 0 && scheduled) notes.push(`no runSchedule: records land in raw but production is only refreshed by POST /runs or sluice run`);
  return {
    dataset: dataset.name,
    api: profile.api,
    subjects,
    schedule: scheduled ? dataset.schedule : null,
    ingestsPerDay,
    callsPerIngest,
    callsPerDay,
    quotaUse,
    activePartitionsPerBuffer,
    rawObjectsPerDay,
    rawBytesPerDay,
    runSchedule,
    runsPerDay,
    athenaBytesPerRun,
    athenaUsdPerRun,
    athenaUsdPerMonth,
    producerSeconds: Math.round(producerSeconds),
    backfillYear: subjects > 0 && dataset.files === undefined ? backfillYearOf(dataset, subjects, variables) : null,
    warnings,
    notes,
  };
}

/**
 * A year's back-fill for `subjects` subjects, cut and weighed as `sluice backfill` does (planChunks
 * over the source's declared quotas); its duration is the windows it fills, the tightest one
 * deciding: a call waits a whole window once the window's limit is spent.
 */
function backfillYearOf(dataset: DatasetDefinition, subjects: number, variables: number): DatasetPlan["backfillYear"] {
  const source = dataset.rest ? "rest" : (datasetModule(dataset.name)?.scheduledSource ?? dataset.name);
  const quotas = quotasOf(dataset, source);
  const locations = Array.from({ length: subjects }, (_, i) => ({ name: `s${i}`, latitude: 0, longitude: 0 }));
  const chunks = planChunks({ dataset: dataset.name, source, from: "2023-01-01", to: "2023-12-31", locations, variables: Array.from({ length: Math.max(1, variables) }, (_, i) => `v${i}`) }, quotas);
  const calls = chunks.reduce((n, c) => n + c.weight, 0);
  const seconds = Math.max(0, ...quotas.quotas.map((q) => (Math.ceil(calls / q.limit) - 1) * (windowMsOf(q) / 1000)));
  return { chunks: chunks.length, calls: Math.round(calls), seconds };
}

/** NDJSON compresses ~5× with gzip; Parquet with ZSTD holds a record in ~1/6 of its JSON. */
const GZIP_RATIO = 0.2;
const PARQUET_RATIO = 1 / 6;

/** A record's JSON size estimated from its schema: each name quoted plus a typical value. */
function jsonBytesOf(dataset: DatasetDefinition): number {
  const value: Record<string, number> = { string: 14, double: 8, bigint: 8, boolean: 5, timestamp: 22, date: 12 };
  return 2 + dataset.recordSchema.reduce((n, c) => n + c.name.length + 4 + (value[c.type] ?? 10), 0);
}

function profileOf(dataset: DatasetDefinition): SourceProfile {
  if (dataset.rest) return profileFrom(quotasOf(dataset, "rest"), () => 100);
  if (dataset.files) return { api: "files", calls: () => 0, recordsPerSubject: () => 0, quotas: [], paced: false };
  const source = datasetModule(dataset.name)?.scheduledSource;
  if (!source) return { api: dataset.name, calls: (s) => s, recordsPerSubject: () => 48, quotas: [], paced: false };
  return profileFrom(quotasOfSource(source), RECORDS_PER_SUBJECT[dataset.name] ?? (() => 48));
}

/** How many times a day an EventBridge schedule fires (a cron's day-of-week share averaged over the week). */
export function runsPerDayOf(expression: string): number {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const n = Number(rate[1]);
    const minutes = rate[2]!.startsWith("minute") ? n : rate[2]!.startsWith("hour") ? n * 60 : n * 1440;
    return 1440 / minutes;
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (!cron) return 0;
  const [minutes, hours, dayOfMonth, , dayOfWeek] = cron[1]!.trim().split(/\s+/);
  const perDay = countOf(minutes!, 0, 59) * countOf(hours!, 0, 23);
  const weekShare = dayOfWeek && dayOfWeek !== "?" && dayOfWeek !== "*" ? countOf(dayOfWeek.replace(/#\d|L/g, ""), 1, 7, DAY_NAMES) / 7 : 1;
  const monthShare = dayOfMonth && dayOfMonth !== "?" && dayOfMonth !== "*" ? Math.min(1, countOf(dayOfMonth.replace(/[LW]/g, ""), 1, 31) / 30.4) : 1;
  return perDay * weekShare * monthShare;
}

const DAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/** How many values a cron field matches: `*`, lists, ranges and steps. */
function countOf(field: string, min: number, max: number, names: readonly string[] = []): number {
  const value = (text: string) => {
    const named = names.indexOf(text.toUpperCase());
    return named >= 0 ? named + min : Number(text);
  };
  const matched = new Set<number>();
  for (const part of field.split(",")) {
    const [range, stepText] = part.split("/");
    const step = stepText ? Number(stepText) : 1;
    let [from, to] = range === "*" ? [min, max] : range!.includes("-") ? range!.split("-").map(value) : [value(range!), stepText ? max : value(range!)];
    if (!Number.isFinite(from) || !Number.isFinite(to)) continue;
    for (let v = from!; v <= to!; v += step) matched.add(v);
  }
  return Math.max(1, matched.size);
}
