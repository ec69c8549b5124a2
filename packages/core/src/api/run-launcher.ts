import type { Clock } from "../lake/clock";
import type { Logger } from "../log/logger";
import type { RunEngine } from "../run/run-engine";
import { RunInProgressError } from "../run/run-lock";
import type { RunParameters, RunRecord } from "../run/run-record";
import { newRunId } from "../run/run-record";
import { BackgroundSlot } from "./background-slot";

/**
 * Starts a run and answers once it is under way (its lock held, its record saved). On the twin the
 * engine runs in this process; on AWS the runner Lambda is invoked asynchronously.
 * Rejects with RunInProgressError while another run holds the lake.
 */
export interface RunLauncher {
  start(parameters: RunParameters): Promise<{ runId: string }>;
}

/** Options of the in-process launcher. */
export interface InProcessRunLauncherOptions {
  /** Builds the engine for one run (the composition root decides its adapters). */
  readonly engine: () => Promise<RunEngine>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Called when a run ends, whatever its status (the API empties its cache on a publish). */
  readonly onFinished?: (run: RunRecord) => void;
}

/** Runs the engine in this process, in the background, one run at a time (the lake's lock decides across processes). */
export class InProcessRunLauncher implements RunLauncher {
  private readonly slot = new BackgroundSlot();

  constructor(private readonly options: InProcessRunLauncherOptions) {}

  async start(parameters: RunParameters): Promise<{ runId: string }> {
    const { clock, logger } = this.options;
    const running = this.slot.current;
    if (running) throw new RunInProgressError(running.id, running.since);
    const runId = newRunId(clock.now());
    const { signal, release } = this.slot.claim(runId, new Date(clock.now()).toISOString());
    const log = logger.child({ runId });
    try {
      const engine = await this.options.engine();
      return await new Promise<{ runId: string }>((resolve, reject) => {
        let started = false;
        engine
          .run(parameters, { onRunStarted: () => ((started = true), resolve({ runId })), signal }, { runId })
          .then(
            (run) => {
              log.info("background run finished", { status: run.status });
              this.options.onFinished?.(run);
            },
            (error: unknown) => {
              if (!started) reject(error);
              else log.error("background run crashed", { error });
            },
          )
          .finally(release);
      });
    } catch (error) {
      release();
      throw error;
    }
  }

  /**
   * Stops the background run, if any, as `sluice run` stops on a signal: the step under way ends,
   * no later one starts, the run is recorded failed naming `reason`. Resolves with its id once it ended.
   */
  stop(reason: string): Promise<string | undefined> {
    return this.slot.stop(reason);
  }

  /** Resolves when the background run, if any, has ended (tests and shutdown wait on it). */
  settled(): Promise<void> {
    return this.slot.settled();
  }
}
