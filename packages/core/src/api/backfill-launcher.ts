import { BackfillInProgressError, BackfillStoppedError, type BackfillOptions, type BackfillRequest, type BackfillResult, type BackfillState } from "../backfill/backfill";
import type { Clock } from "../lake/clock";
import type { Logger } from "../log/logger";
import { BackgroundSlot } from "./background-slot";

/** What POST /backfills asks for: a back-fill request (subjects resolved), and whether to ignore its cursor. */
export interface BackfillStart extends BackfillRequest {
  readonly restart: boolean;
}

/**
 * Starts a back-fill and answers once it is under way (its lock held and its cursor saved on the
 * twin; its first cursor saved and an execution started on AWS). Rejects with
 * BackfillInProgressError while the same back-fill is being driven.
 */
export interface BackfillLauncher {
  start(request: BackfillStart): Promise<{ backfillId: string }>;
  /** Whether a back-fill whose cursor says it is under way (ingesting, running) is still driven by someone: else it stopped without saying so (a killed process, a timed-out execution). */
  active(state: BackfillState): Promise<boolean>;
}

/** Options of the in-process launcher. */
export interface InProcessBackfillLauncherOptions {
  /** Drives one back-fill to its end (`backfill()` over the composition root's deps, its lock included). */
  readonly drive: (request: BackfillRequest, options: BackfillOptions) => Promise<BackfillResult>;
  /** The id the request's back-fill has (the same quotas as `drive` uses). */
  readonly idOf: (request: BackfillRequest) => string;
  /** Whether a live process (another `sluice backfill`, another serve) holds the back-fill's lock. */
  readonly heldElsewhere: (backfillId: string) => Promise<boolean>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Called when a back-fill ended with a run (the API empties its cache on a publish). */
  readonly onFinished?: (result: BackfillResult) => void;
}

/**
 * Drives back-fills in this process, in the background, one at a time (the back-fill's lock keeps
 * another process from driving the same one). A serve restarted meanwhile resumes from the cursor
 * on the next POST of the same request.
 */
export class InProcessBackfillLauncher implements BackfillLauncher {
  private readonly slot = new BackgroundSlot();

  constructor(private readonly options: InProcessBackfillLauncherOptions) {}

  async start(request: BackfillStart): Promise<{ backfillId: string }> {
    const running = this.slot.current;
    if (running) throw new BackfillInProgressError(running.id, running.since);
    const { restart, ...backfillRequest } = request;
    const backfillId = this.options.idOf(backfillRequest);
    const { signal, release } = this.slot.claim(backfillId, new Date(this.options.clock.now()).toISOString());
    const log = this.options.logger.child({ backfill: backfillId });
    return new Promise((resolve, reject) => {
      let started = false;
      const answer = () => {
        started = true;
        resolve({ backfillId });
      };
      Promise.resolve()
        .then(() => this.options.drive(backfillRequest, { restart, signal, onStart: answer }))
        .then(
          (result) => {
            // A back-fill that had finished already answers without starting.
            if (!started) answer();
            log.info("background back-fill finished", { status: result.state.status, runId: result.state.runId });
            this.options.onFinished?.(result);
          },
          (error: unknown) => {
            if (!started) reject(error);
            else if (error instanceof BackfillStoppedError) log.warn("background back-fill stopped", { chunk: error.chunk.index + 1, error });
            else log.error("background back-fill crashed", { error });
          },
        )
        .finally(release);
    });
  }

  async active(state: BackfillState): Promise<boolean> {
    if (state.status !== "ingesting" && state.status !== "running") return false;
    return this.slot.current?.id === state.id || (await this.options.heldElsewhere(state.id));
  }

  /** Stops the background back-fill after the chunk in flight (its cursor stays before it); resolves with its id once it ended. */
  stop(reason: string): Promise<string | undefined> {
    return this.slot.stop(reason);
  }

  /** Resolves when the background back-fill, if any, has ended. */
  settled(): Promise<void> {
    return this.slot.settled();
  }
}
