import {
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  GetQueryRuntimeStatisticsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type AthenaClient,
  type ColumnInfo,
  type QueryExecution,
} from "@aws-sdk/client-athena";
import type { Clock } from "../lake/clock";
import { systemClock } from "../lake/clock";
import type { Logger } from "../log/logger";
import { silentLogger } from "../log/logger";
import type { QueryResult, ResultColumn, SqlValue } from "../query/query-engine";
import { QueryError } from "../query/query-engine";
import type { ExecuteResult, Warehouse } from "../query/warehouse";
import { messageOf, realSleep } from "./aws-errors";
import { leadingKeyword, toPositional } from "./athena-parameters";
import { typedValue } from "./athena-values";

/** GetQueryResults returns at most 1,000 rows a page. */
export const ATHENA_MAX_RESULTS_PER_PAGE = 1000;

/** Options of `AthenaWarehouse`. */
export interface AthenaWarehouseOptions {
  readonly workgroup: string;
  /** The Glue database unqualified names resolve in. */
  readonly database: string;
  /** Data catalog (default `AwsDataCatalog`, Glue's). */
  readonly catalog?: string;
  /** Query results location, for workgroups that do not enforce their own. */
  readonly outputLocation?: string;
  /** First wait between GetQueryExecution polls (default 250 ms); doubles up to `maxPollMs` (default 5 s). */
  readonly initialPollMs?: number;
  readonly maxPollMs?: number;
  /** Stop the query and fail after this long (default 14 min, inside a Lambda's 15). */
  readonly timeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

const READ_ONLY = new Set(["SELECT", "WITH", "VALUES"]);

/**
 * Athena behind the warehouse port. Each statement is StartQueryExecution in the workgroup with
 * `QueryExecutionContext { Catalog, Database }`, then GetQueryExecution polled with exponential
 * back-off until SUCCEEDED; FAILED and CANCELLED become a `QueryError` with Athena's reason (so the
 * engine can match e.g. HIVE_TOO_MANY_OPEN_PARTITIONS). SELECT results are read page by page; the
 * first row of the first page is the header, and only for SELECT (not DDL, CTAS or INSERT).
 * https://docs.aws.amazon.com/athena/latest/APIReference/API_GetQueryResults.html
 */
export class AthenaWarehouse implements Warehouse {
  readonly dialect = "athena" as const;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly clock: Clock;
  private readonly logger: Logger;

  constructor(
    private readonly athena: AthenaClient,
    private readonly options: AthenaWarehouseOptions,
  ) {
    this.sleep = options.sleep ?? realSleep;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
  }

  async query(sql: string, params?: Readonly<Record<string, SqlValue>>): Promise<QueryResult> {
    const keyword = leadingKeyword(sql);
    if (!READ_ONLY.has(keyword)) {
      throw new QueryError(`only SELECT and WITH queries are read-only; this is a ${keyword.toLowerCase() || "empty"} statement`, sql);
    }
    const positional = toPositional(sql, params);
    const execution = await this.run(positional.sql, positional.parameters, sql);
    const { columns, rows } = await this.results(execution, sql);
    return { columns, rows, bytesScanned: bytesOf(execution) };
  }

  async execute(sql: string): Promise<ExecuteResult> {
    const execution = await this.run(sql, [], sql);
    const bytesScanned = bytesOf(execution);
    if (!writesRows(execution, sql)) return { bytesScanned };
    const rowsWritten = await this.rowsWritten(execution.QueryExecutionId!);
    return rowsWritten === undefined ? { bytesScanned } : { bytesScanned, rowsWritten };
  }

  /** Starts a statement and waits for it to succeed; returns its final QueryExecution. */
  private async run(sql: string, parameters: readonly string[], original: string): Promise<QueryExecution> {
    let id: string | undefined;
    try {
      const started = await this.athena.send(
        new StartQueryExecutionCommand({
          QueryString: sql,
          WorkGroup: this.options.workgroup,
          QueryExecutionContext: { Catalog: this.options.catalog ?? "AwsDataCatalog", Database: this.options.database },
          ...(parameters.length > 0 ? { ExecutionParameters: [...parameters] } : {}),
          ...(this.options.outputLocation ? { ResultConfiguration: { OutputLocation: this.options.outputLocation } } : {}),
        }),
      );
      id = started.QueryExecutionId;
    } catch (error) {
      throw new QueryError(`Athena refused the statement: ${messageOf(error)}`, original, { cause: error });
    }
    if (!id) throw new QueryError("StartQueryExecution returned no QueryExecutionId", original);
    return this.waitFor(id, original);
  }

  private async waitFor(id: string, sql: string): Promise<QueryExecution> {
    const started = this.clock.now();
    const timeoutMs = this.options.timeoutMs ?? 14 * 60_000;
    let delay = this.options.initialPollMs ?? 250;
    for (;;) {
      const execution = (await this.athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution;
      const state = execution?.Status?.State;
      if (execution && state === "SUCCEEDED") {
        this.logger.debug("athena query succeeded", { queryExecutionId: id, bytesScanned: bytesOf(execution), ms: this.clock.now() - started });
        return execution;
      }
      if (state === "FAILED" || state === "CANCELLED") throw new QueryError(failureMessage(id, execution!), sql);
      if (this.clock.now() - started >= timeoutMs) {
        try {
          await this.athena.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
        } catch (error) {
          this.logger.warn("could not stop a timed-out query", { queryExecutionId: id, error: messageOf(error) });
        }
        throw new QueryError(`Athena query ${id} was still ${state ?? "pending"} after ${Math.round(timeoutMs / 1000)} s and was stopped`, sql);
      }
      await this.sleep(delay);
      delay = Math.min(this.options.maxPollMs ?? 5000, delay * 2);
    }
  }

  /** Every result row, typed; skips the header row that page 1 of a SELECT starts with. */
  private async results(execution: QueryExecution, sql: string): Promise<{ columns: ResultColumn[]; rows: Record<string, unknown>[] }> {
    const id = execution.QueryExecutionId!;
    const header = hasHeaderRow(execution, sql);
    let info: ColumnInfo[] = [];
    const rows: Record<string, unknown>[] = [];
    let token: string | undefined;
    let first = true;
    do {
      const page = await this.athena.send(new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token, MaxResults: ATHENA_MAX_RESULTS_PER_PAGE }));
      if (first) info = page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
      const names = info.map((c) => c.Label ?? c.Name ?? "");
      const data = page.ResultSet?.Rows ?? [];
      for (const row of first && header ? data.slice(1) : data) {
        const out: Record<string, unknown> = {};
        names.forEach((name, i) => (out[name] = typedValue(row.Data?.[i], info[i])));
        rows.push(out);
      }
      first = false;
      token = page.NextToken;
    } while (token);
    return { columns: info.map((c) => ({ name: c.Label ?? c.Name ?? "", type: c.Type ?? "varchar" })), rows };
  }

  /** Rows a CTAS or INSERT wrote: runtime statistics' OutputRows, else the result's UpdateCount. */
  private async rowsWritten(id: string): Promise<number | undefined> {
    try {
      const stats = await this.athena.send(new GetQueryRuntimeStatisticsCommand({ QueryExecutionId: id }));
      const rows = stats.QueryRuntimeStatistics?.Rows?.OutputRows;
      if (rows !== undefined) return rows;
    } catch (error) {
      this.logger.debug("no runtime statistics", { queryExecutionId: id, error: messageOf(error) });
    }
    const page = await this.athena.send(new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: 1 }));
    return page.UpdateCount;
  }
}

function bytesOf(execution: QueryExecution): number {
  return execution.Statistics?.DataScannedInBytes ?? 0;
}

/** Athena's reason for a FAILED or CANCELLED query, with its error message when that says more. */
function failureMessage(id: string, execution: QueryExecution): string {
  const status = execution.Status ?? {};
  const reason = status.StateChangeReason;
  const detail = status.AthenaError?.ErrorMessage;
  const parts = [reason, detail && detail !== reason ? detail : undefined].filter((p): p is string => Boolean(p));
  return `Athena query ${id} ${status.State}${parts.length ? `: ${parts.join(" — ")}` : ""}`;
}

/** Only SELECT results start with a header row (DDL, CTAS and INSERT results have none). */
function hasHeaderRow(execution: QueryExecution, sql: string): boolean {
  if (execution.StatementType) return execution.StatementType === "DML" && (execution.SubstatementType ?? "SELECT").toUpperCase() === "SELECT";
  return READ_ONLY.has(leadingKeyword(sql));
}

function writesRows(execution: QueryExecution, sql: string): boolean {
  const sub = execution.SubstatementType?.toUpperCase();
  if (sub) return sub === "CREATE_TABLE_AS_SELECT" || sub === "INSERT";
  const keyword = leadingKeyword(sql);
  return keyword === "INSERT" || (keyword === "CREATE" && /^\s*CREATE\s+TABLE\b[\s\S]*\bAS\s*(\(|SELECT\b|WITH\b)/i.test(sql));
}
