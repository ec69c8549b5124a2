import type { Catalog } from "../catalog/catalog";
import type { Logger } from "../log/logger";
import type { PipelineDefinition } from "../pipeline/types";
import type { QueryEngine } from "../query/query-engine";
import type { RunStore } from "../run/run-store";
import type { ProductionVersion } from "./production-version";
import type { BackfillCursorStore } from "../backfill/cursor-store";
import type { BackfillLauncher } from "./backfill-launcher";
import type { RunLauncher } from "./run-launcher";
import type { WebAssets } from "./web-assets";

/** Bounds on every input; the defaults suit a laptop and a Lambda alike. */
export interface ApiLimits {
  /** Largest request body, bytes (413 above). */
  readonly bodyBytes: number;
  /** Longest /series, /stats and run range, days. */
  readonly rangeDays: number;
  /** Most rows POST /query answers. */
  readonly queryRows: number;
  /** Longest SQL text, characters. */
  readonly sqlChars: number;
  /** Longest POST /backfills range, days (a back-fill may be years long). */
  readonly backfillDays: number;
  /** Most locations a run may ask for. */
  readonly locations: number;
  /** Longest a POST /query may run, ms (504 `query_timeout` above; the query is interrupted). */
  readonly queryMs: number;
  /** Largest POST /query answer, bytes of its rows as JSON (413 `answer_too_large` above). */
  readonly answerBytes: number;
}

export const DEFAULT_LIMITS: ApiLimits = {
  bodyBytes: 64 * 1024,
  rangeDays: 366,
  backfillDays: 36_525,
  queryRows: 10_000,
  sqlChars: 20_000,
  locations: 100,
  queryMs: 25_000,
  answerBytes: 10 * 1024 * 1024,
};

/**
 * What `createApp` needs, as ports: the composition root (`sluice serve` locally, the Lambda on AWS)
 * binds them to adapters. Nothing here is local-only.
 */
export interface ApiDeps {
  readonly pipeline: PipelineDefinition;
  readonly catalog: Catalog;
  readonly runStore: RunStore;
  /** Read-only Athena SQL (the Warehouse's `query`). */
  readonly warehouse: Pick<QueryEngine, "query">;
  readonly launcher: RunLauncher;
  /** Back-fills: their cursors (GET) and what starts them (POST). */
  readonly backfills: { readonly cursors: BackfillCursorStore; readonly launcher: BackfillLauncher };
  readonly production: ProductionVersion;
  /** Bearer token of the POST routes. */
  readonly token: string;
  readonly logger: Logger;
  /** The dashboard's files; without them `/` and `/ui/*` answer 404. */
  readonly assets?: WebAssets;
  readonly limits?: Partial<ApiLimits>;
  /** Removes deployment details (lake paths, bucket names) from messages shown to clients. */
  readonly redact?: (message: string) => string;
  /**
   * While the server stops (sluice serve after SIGTERM): the seconds a client should wait before
   * retrying; every request then answers 503 `server_stopping` with Retry-After. Undefined while it serves.
   */
  readonly stopping?: () => number | undefined;
  /** Answers kept by the response cache (default 500). */
  readonly cacheEntries?: number;
}
