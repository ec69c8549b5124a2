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

/** One window of a {@link QuotaPacer}: at most `limit` weight per `windowMs`. */
export interface PacerWindow {
  readonly limit: number;
  readonly windowMs: number;
  /** Named in errors ("600/minute (Open-Meteo free tier)"). */
  readonly label: string;
}

/** Settings of a {@link QuotaPacer}. */
export interface QuotaPacerOptions {
  readonly windows: readonly PacerWindow[];
  readonly clock?: Clock;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** A finished call as the pacer counts it against its windows (and as a resumed back-fill hands it over). */
export interface SpentCall {
  readonly weight: number;
  /** When its response arrived (epoch ms). */
  readonly endMs: number;
}

/** A call as the pacer remembers it: it holds its weight in every window until `endMs + windowMs`. */
interface PacedCall {
  readonly weight: number;
  /** When its response arrived; `Infinity` while it is in flight. */
  endMs: number;
}

/**
 * Paces weighted calls under several windows at once (Open-Meteo: 600 a minute, 5,000 an hour and
 * 10,000 a day, a call of many days × variables weighing several): a call of weight `w` waits until
 * every window has room for it. A call holds its weight from its start until one window after its
 * response arrived — the server counted it somewhere in between, so whichever way the server cuts
 * its windows (fixed UTC minutes, sliding), the calls it sees in one never exceed the limit.
 * Callers are served in arrival order.
 */
export class QuotaPacer {
  private readonly windows: readonly PacerWindow[];
  private readonly clock: Clock;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly calls: PacedCall[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private released: { promise: Promise<void>; resolve: () => void } = deferred();

  constructor(options: QuotaPacerOptions) {
    for (const w of options.windows) {
      if (!(w.limit > 0) || !(w.windowMs > 0)) throw new RangeError(`quota ${w.label}: limit and window must be > 0`);
    }
    this.windows = options.windows;
    this.clock = options.clock ?? systemClock;
    this.sleep = options.sleep ?? abortableSleep;
  }

  /**
   * Resolves when a call of `weight` may start; call the returned function when its response
   * arrived (or it failed). A weight no window can ever hold is a RangeError naming the window.
   */
  async acquire(weight: number, signal?: AbortSignal): Promise<() => void> {
    if (!(weight > 0)) throw new RangeError(`a call's weight must be > 0, got ${weight}`);
    const tooHeavy = this.windows.find((w) => weight > w.limit);
    if (tooHeavy) throw new RangeError(`a call weighing ${round(weight)} can never fit the quota ${tooHeavy.label}`);
    const turn = this.queue.then(() => this.waitForRoom(weight, signal));
    this.queue = turn.catch(() => undefined);
    const call = await turn;
    return () => {
      if (call.endMs === Infinity) call.endMs = this.clock.now();
      const { resolve } = this.released;
      this.released = deferred();
      resolve();
    };
  }

  /**
   * The finished calls that still hold weight in some window: what another process (a resumed
   * back-fill) must count as spent. Calls in flight are given as ending now.
   */
  spent(): SpentCall[] {
    const now = this.clock.now();
    const longest = Math.max(0, ...this.windows.map((w) => w.windowMs));
    return this.calls.map((c) => ({ weight: c.weight, endMs: Math.min(c.endMs, now) })).filter((c) => c.endMs + longest > now);
  }

  /**
   * Counts calls made before this pacer existed (by a killed process, read from a back-fill's
   * cursor) against its windows, as if it had made them itself.
   */
  remember(calls: readonly SpentCall[]): void {
    for (const call of calls) {
      if (!(call.weight > 0) || !Number.isFinite(call.endMs)) throw new RangeError(`a spent call needs a weight > 0 and an end time, got ${JSON.stringify(call)}`);
      this.calls.push({ weight: call.weight, endMs: call.endMs });
    }
  }

  /** Weight held in each window right now (for progress and tests). */
  used(): number[] {
    const now = this.clock.now();
    return this.windows.map((w) => this.calls.filter((c) => c.endMs + w.windowMs > now).reduce((n, c) => n + c.weight, 0));
  }

  private async waitForRoom(weight: number, signal?: AbortSignal): Promise<PacedCall> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.clock.now();
      const longest = Math.max(0, ...this.windows.map((w) => w.windowMs));
      for (let i = this.calls.length - 1; i >= 0; i--) if (this.calls[i]!.endMs + longest <= now) this.calls.splice(i, 1);
      let until = now;
      let blockedByFlight = false;
      for (const w of this.windows) {
        const holding = this.calls.filter((c) => c.endMs + w.windowMs > now).sort((a, b) => a.endMs - b.endMs);
        let used = holding.reduce((n, c) => n + c.weight, 0);
        // Free the oldest holders until the call fits: the window has room once the last of them expires.
        for (const call of holding) {
          if (used + weight <= w.limit) break;
          used -= call.weight;
          if (call.endMs === Infinity) blockedByFlight = true;
          else until = Math.max(until, call.endMs + w.windowMs);
        }
      }
      if (blockedByFlight) {
        await abortable(this.released.promise, signal);
        continue;
      }
      if (until <= now) {
        const call: PacedCall = { weight, endMs: Infinity };
        this.calls.push(call);
        return call;
      }
      await this.sleep(until - now, signal);
    }
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function abortable(promise: Promise<void>, signal?: AbortSignal): Promise<void> {
  if (!signal) return promise;
  return Promise.race([promise, new Promise<void>((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }))]);
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
