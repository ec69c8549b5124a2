import { createHash } from "node:crypto";
import type { Location } from "../pipeline/types";
import type { SourceQuotas } from "../sources/quota";

const DAY_MS = 86_400_000;

/** One piece of a back-fill: a day range and the subjects fetched together for it. */
export interface BackfillChunk {
  /** 0-based position in the back-fill; the cursor counts chunks done in this order. */
  readonly index: number;
  readonly from: string;
  readonly to: string;
  readonly subjects: readonly Location[];
  /** Calls the chunk counts as against the source's quotas. */
  readonly weight: number;
}

/** What a back-fill covers; the same request always cuts into the same chunks and has the same id. */
export interface BackfillRequest {
  readonly dataset: string;
  readonly source: string;
  readonly from: string;
  readonly to: string;
  readonly locations: readonly Location[];
  readonly variables: readonly string[];
}

/**
 * Cuts `[from, to]` into ranges of `chunkDays` (the source's longest sensible request unless
 * given), and the subjects into groups one chunk fetches together: as many as one call carries
 * (Open-Meteo: 10 coordinates), fewer when their weight would not fit the smallest quota window.
 * Chunks go range by range, each range's groups in subject order.
 */
export function planChunks(request: BackfillRequest, quotas: SourceQuotas, chunkDays = quotas.chunkDays(request.variables.length)): BackfillChunk[] {
  if (!Number.isInteger(chunkDays) || chunkDays < 1) throw new RangeError(`chunk days must be an integer ≥ 1, got ${chunkDays}`);
  const fromMs = Date.parse(`${request.from}T00:00:00Z`);
  const toMs = Date.parse(`${request.to}T00:00:00Z`);
  if (!(fromMs <= toMs)) throw new RangeError(`from (${request.from}) is after to (${request.to})`);
  const variables = request.variables.length;
  const smallest = Math.min(...quotas.quotas.map((q) => q.limit));
  const weightOf = (days: number, subjects: number) => quotas.callWeight({ days, variables, subjects });
  let group = Math.max(1, Math.min(request.locations.length, quotas.subjectsPerCall));
  while (group > 1 && weightOf(chunkDays, group) > smallest) group--;
  const chunks: BackfillChunk[] = [];
  for (let start = fromMs; start <= toMs; start += chunkDays * DAY_MS) {
    const end = Math.min(toMs, start + (chunkDays - 1) * DAY_MS);
    const days = (end - start) / DAY_MS + 1;
    for (let i = 0; i < request.locations.length; i += group) {
      const subjects = request.locations.slice(i, i + group);
      chunks.push({ index: chunks.length, from: dayOf(start), to: dayOf(end), subjects, weight: weightOf(days, subjects.length) });
    }
  }
  return chunks;
}

/**
 * The back-fill's id: the same dataset, source, range, subjects, variables and chunk length give
 * the same id (so a second start resumes it), a different range a new one.
 */
export function backfillIdOf(request: BackfillRequest, chunkDays: number): string {
  const identity = JSON.stringify([
    request.dataset,
    request.source,
    request.from,
    request.to,
    request.locations.map((l) => [l.name, l.latitude, l.longitude]),
    [...request.variables].sort(),
    chunkDays,
  ]);
  return `b-${request.dataset}-${request.from}-${request.to}-${createHash("sha256").update(identity).digest("hex").slice(0, 10)}`;
}

function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
