import type { Clock } from "../../lake/clock";
import { systemClock } from "../../lake/clock";
import { abortableSleep } from "./sleep";

/** Settings of a {@link RequestPacer}. */
export interface RequestPacerOptions {
  /** Request starts allowed per minute; `Infinity` turns pacing off. */
  readonly requestsPerMinute: number;
  readonly clock?: Clock;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Keeps request starts at least `60 000 / requestsPerMinute` ms apart (a free tier such as
 * Polygon's 5 calls/minute): each caller reserves the next start slot synchronously, so
 * concurrent callers queue in arrival order instead of bursting together.
 */
export class RequestPacer {
  /** Milliseconds between two request starts. */
  readonly intervalMs: number;
  private readonly clock: Clock;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private nextStartMs = -Infinity;

  constructor(options: RequestPacerOptions) {
    const rpm = options.requestsPerMinute;
    if (!(rpm > 0)) throw new RangeError(`requestsPerMinute must be > 0 (or Infinity), got ${rpm}`);
    this.intervalMs = rpm === Infinity ? 0 : 60_000 / rpm;
    this.clock = options.clock ?? systemClock;
    this.sleep = options.sleep ?? abortableSleep;
  }

  /** Resolves when the caller may start its request; the start time is reserved on call. */
  async wait(signal?: AbortSignal): Promise<void> {
    const now = this.clock.now();
    const start = Math.max(now, this.nextStartMs);
    this.nextStartMs = start + this.intervalMs;
    if (start > now) await this.sleep(start - now, signal);
  }
}
