import type { CutShortIngest } from "./journal";

/** What an ingest did: the CLI prints it, `--json` emits it, runs record it. */
export interface IngestSummary {
  readonly dataset: string;
  readonly source: string;
  readonly from: string;
  readonly to: string;
  readonly locationsRequested: number;
  readonly locationsDelivered: number;
  readonly recordsFetched: number;
  /** Records written under the main prefix. */
  readonly recordsDelivered: number;
  readonly objectsWritten: number;
  /** Distinct resolved prefixes written. */
  readonly partitionsWritten: number;
  /** Records sent to the error output, all types together. */
  readonly recordsToErrorOutput: number;
  /** Records sent to the error output by error type (`partitioning-failed`, `processing-failed`, …). */
  readonly errorOutput: Readonly<Record<string, number>>;
  readonly failures: readonly { readonly location: string; readonly error: string }[];
  readonly durationMs: number;
  /** The signal that stopped this ingest (it wrote what it had accepted; later locations were not fetched). */
  readonly interrupted?: string;
  /** Earlier ingests found cut short (killed, or stopped by a signal), reported once. */
  readonly cutShort?: readonly CutShortIngest[];
}

/** Progress reported while ingesting. */
export interface IngestProgress {
  readonly locationsDone: number;
  readonly locationsTotal: number;
  readonly recordsFetched: number;
  readonly lastLocation: string;
}
