import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  GetQueryRuntimeStatisticsCommand,
  InvalidRequestException,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type StartQueryExecutionCommandInput,
} from "@aws-sdk/client-athena";
import { mockClient } from "aws-sdk-client-mock";

/** How the scripted Athena answers one statement. */
export type AthenaAnswer =
  | {
      readonly state: "SUCCEEDED";
      /** `DML`/`SELECT` for queries (default), `DDL`/`CREATE_TABLE_AS_SELECT` for CTAS, `DML`/`INSERT`… */
      readonly statementType?: "DML" | "DDL" | "UTILITY";
      readonly substatementType?: string;
      readonly columns?: readonly { name: string; type: string }[];
      /** Values as Athena sends them: text, or null for SQL NULL (no VarCharValue). */
      readonly rows?: readonly (string | null)[][];
      readonly bytesScanned?: number;
      /** GetQueryRuntimeStatistics `Rows.OutputRows` (absent → the call fails, as for some statements). */
      readonly outputRows?: number;
      readonly updateCount?: number;
    }
  | { readonly state: "FAILED" | "CANCELLED"; readonly reason: string; readonly errorMessage?: string; readonly errorCategory?: number };

/**
 * A scripted Athena on aws-sdk-client-mock: StartQueryExecution hands the statement to `answer`,
 * GetQueryExecution reports QUEUED, then RUNNING `runningPolls` times, then the answer's state;
 * GetQueryResults pages rows (`pageSize`, NextToken) and, as Athena does, starts page 1 of a SELECT
 * with a header row of column names (never for DDL, CTAS or INSERT).
 * https://docs.aws.amazon.com/athena/latest/APIReference/API_GetQueryResults.html
 */
export class FakeAthena {
  readonly client = new AthenaClient({ region: "eu-west-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  readonly mock = mockClient(this.client);
  readonly started: StartQueryExecutionCommandInput[] = [];
  readonly stopped: string[] = [];
  runningPolls = 2;
  pageSize = 1000;
  private readonly executions = new Map<string, { input: StartQueryExecutionCommandInput; answer: AthenaAnswer; polls: number }>();

  constructor(private readonly answer: (sql: string, parameters: readonly string[]) => AthenaAnswer) {
    this.mock.on(StartQueryExecutionCommand).callsFake((input: StartQueryExecutionCommandInput) => this.startQuery(input));
    this.mock.on(GetQueryExecutionCommand).callsFake(({ QueryExecutionId }: { QueryExecutionId: string }) => {
      const execution = this.require(QueryExecutionId);
      const poll = execution.polls++;
      const { answer, input } = execution;
      const state = poll === 0 ? "QUEUED" : poll <= this.runningPolls ? "RUNNING" : answer.state;
      const done = state === answer.state;
      return {
        QueryExecution: {
          QueryExecutionId,
          Query: input.QueryString,
          ...(answer.state === "SUCCEEDED" ? { StatementType: answer.statementType ?? "DML", SubstatementType: answer.substatementType ?? "SELECT" } : {}),
          WorkGroup: input.WorkGroup,
          QueryExecutionContext: input.QueryExecutionContext,
          Status: {
            State: state,
            SubmissionDateTime: new Date("2024-11-25T10:00:00Z"),
            ...(done && answer.state !== "SUCCEEDED"
              ? { StateChangeReason: answer.reason, AthenaError: { ErrorCategory: answer.errorCategory ?? 2, ErrorType: 1006, Retryable: false, ErrorMessage: answer.errorMessage ?? answer.reason } }
              : {}),
          },
          Statistics: { DataScannedInBytes: done && answer.state === "SUCCEEDED" ? (answer.bytesScanned ?? 0) : 0, EngineExecutionTimeInMillis: 120 },
        },
      };
    });
    this.mock.on(GetQueryResultsCommand).callsFake(({ QueryExecutionId, NextToken, MaxResults }: { QueryExecutionId: string; NextToken?: string; MaxResults?: number }) => {
      const { answer } = this.require(QueryExecutionId);
      if (answer.state !== "SUCCEEDED") throw new InvalidRequestException({ message: `Query has not yet finished. Current state: ${answer.state}`, $metadata: { httpStatusCode: 400 } });
      const select = (answer.statementType ?? "DML") === "DML" && (answer.substatementType ?? "SELECT") === "SELECT";
      const columns = answer.columns ?? [];
      const datum = (value: string | null) => (value === null ? {} : { VarCharValue: value });
      const all = [...(select ? [columns.map((c) => c.name)] : []), ...(answer.rows ?? [])].map((row) => ({ Data: row.map(datum) }));
      const size = Math.min(MaxResults ?? 1000, this.pageSize);
      const start = NextToken ? Number(NextToken) : 0;
      const next = start + size < all.length ? String(start + size) : undefined;
      return {
        ...(answer.updateCount !== undefined ? { UpdateCount: answer.updateCount } : {}),
        ResultSet: {
          Rows: all.slice(start, start + size),
          ResultSetMetadata: { ColumnInfo: columns.map((c) => ({ CatalogName: "hive", Name: c.name, Label: c.name, Type: c.type, Nullable: "UNKNOWN", CaseSensitive: c.type === "varchar" })) },
        },
        ...(next ? { NextToken: next } : {}),
      };
    });
    this.mock.on(GetQueryRuntimeStatisticsCommand).callsFake(({ QueryExecutionId }: { QueryExecutionId: string }) => {
      const { answer } = this.require(QueryExecutionId);
      if (answer.state !== "SUCCEEDED" || answer.outputRows === undefined) {
        throw new InvalidRequestException({ message: "Query runtime statistics are not available for this query.", $metadata: { httpStatusCode: 400 } });
      }
      return { QueryRuntimeStatistics: { Rows: { InputRows: answer.outputRows, OutputRows: answer.outputRows, InputBytes: answer.bytesScanned, OutputBytes: 1 } } };
    });
    this.mock.on(StopQueryExecutionCommand).callsFake(({ QueryExecutionId }: { QueryExecutionId: string }) => {
      this.stopped.push(QueryExecutionId);
      return {};
    });
  }

  /** What StartQueryExecution does: records the statement and answers it (with `answer`, or the script's). A test that replaces the handler calls it. */
  startQuery(input: StartQueryExecutionCommandInput, answer?: AthenaAnswer): { QueryExecutionId: string } {
    this.started.push(input);
    const id = `qe-${this.started.length}`;
    this.executions.set(id, { input, answer: answer ?? this.answer(input.QueryString!, input.ExecutionParameters ?? []), polls: 0 });
    return { QueryExecutionId: id };
  }

  private require(id: string) {
    const execution = this.executions.get(id);
    if (!execution) throw new InvalidRequestException({ message: `QueryExecution ${id} was not found`, $metadata: { httpStatusCode: 400 } });
    return execution;
  }
}
