import {
  BatchCreatePartitionCommand,
  BatchDeletePartitionCommand,
  CreateTableCommand,
  DeleteTableCommand,
  GetCrawlerCommand,
  GetPartitionsCommand,
  GetTableCommand,
  GetTablesCommand,
  StartCrawlerCommand,
  UpdateTableCommand,
  type GlueClient,
  type PartitionError,
  type StorageDescriptor,
} from "@aws-sdk/client-glue";
import type { Catalog, CatalogPartition, CatalogTable } from "../catalog/catalog";
import { TableNotFoundError } from "../catalog/catalog";
import type { Clock } from "../lake/clock";
import { systemClock } from "../lake/clock";
import { awsErrorName, chunks, realSleep } from "./aws-errors";
import { catalogTableOf, tableInputOf } from "./glue-table-input";

/** BatchCreatePartition takes ≤ 100 partitions a call; BatchDeletePartition ≤ 25 (Glue API reference). */
export const GLUE_BATCH_LIMITS = { createPartitions: 100, deletePartitions: 25 } as const;

/** Partitions Glue refused in a batch call (other than "already exists" / "already gone"). */
export class GluePartitionError extends Error {
  override readonly name = "GluePartitionError";
  constructor(
    readonly operation: "BatchCreatePartition" | "BatchDeletePartition",
    readonly table: string,
    readonly errors: readonly { values: readonly string[]; code: string; message: string }[],
  ) {
    super(
      `${operation} on ${table} failed for ${errors.length} partition(s): ` +
        errors.slice(0, 5).map((e) => `[${e.values.join(", ")}] ${e.code}: ${e.message}`).join("; ") +
        (errors.length > 5 ? "; …" : ""),
    );
  }
}

/** A crawler that did not reach READY in time. */
export class CrawlerTimeoutError extends Error {
  override readonly name = "CrawlerTimeoutError";
  constructor(
    readonly crawler: string,
    readonly waitedMs: number,
  ) {
    super(`crawler ${crawler} was still running after ${Math.round(waitedMs / 1000)} s`);
  }
}

/** How the last crawl ended (Glue `LastCrawlInfo`). */
export interface CrawlReport {
  readonly crawler: string;
  readonly status: "SUCCEEDED" | "CANCELLED" | "FAILED" | "UNKNOWN";
  readonly errorMessage?: string;
  readonly logGroup?: string;
  readonly logStream?: string;
  readonly startTime?: string;
}

/** Options of `GlueCatalog`. */
export interface GlueCatalogOptions {
  /** Waits between GetCrawler polls (injected in tests). */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly clock?: Clock;
  /** Poll interval of `startCrawlerAndWait` (default 10 s: crawls take a minute or more). */
  readonly crawlerPollMs?: number;
  /** Give up waiting for a crawler after this long (default 14 min, inside a Lambda's 15). */
  readonly crawlerTimeoutMs?: number;
}

/**
 * The catalog port on the AWS Glue Data Catalog. Tables map to `TableInput` (EXTERNAL_TABLE with
 * JSON or Parquet storage, or an Athena VIRTUAL_VIEW whose SQL is decoded from `ViewOriginalText`);
 * `version` is Glue's `VersionId`. Partition calls are paged and chunked to Glue's batch limits, and
 * per-partition errors inside a 200 response are surfaced, except "already exists" on create.
 * https://docs.aws.amazon.com/glue/latest/webapi/API_BatchCreatePartition.html
 * https://docs.aws.amazon.com/glue/latest/webapi/API_BatchDeletePartition.html
 */
export class GlueCatalog implements Catalog {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly clock: Clock;

  constructor(
    private readonly glue: GlueClient,
    private readonly options: GlueCatalogOptions = {},
  ) {
    this.sleep = options.sleep ?? realSleep;
    this.clock = options.clock ?? systemClock;
  }

  async getTable(database: string, name: string): Promise<CatalogTable | undefined> {
    try {
      const output = await this.glue.send(new GetTableCommand({ DatabaseName: database, Name: name }));
      return output.Table ? catalogTableOf(database, output.Table) : undefined;
    } catch (error) {
      if (awsErrorName(error) === "EntityNotFoundException") return undefined;
      throw error;
    }
  }

  async listTables(database: string): Promise<CatalogTable[]> {
    const tables: CatalogTable[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.glue.send(new GetTablesCommand({ DatabaseName: database, NextToken: token }));
        for (const table of page.TableList ?? []) tables.push(catalogTableOf(database, table));
        token = page.NextToken;
      } while (token);
    } catch (error) {
      if (awsErrorName(error) === "EntityNotFoundException") return [];
      throw error;
    }
    return tables.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async putTable(table: Omit<CatalogTable, "version" | "updatedAt">): Promise<CatalogTable> {
    const input = tableInputOf(table);
    const exists = (await this.getTable(table.database, table.name)) !== undefined;
    if (exists) {
      await this.glue.send(new UpdateTableCommand({ DatabaseName: table.database, TableInput: input }));
    } else {
      try {
        await this.glue.send(new CreateTableCommand({ DatabaseName: table.database, TableInput: input }));
      } catch (error) {
        // Created by someone else since our GetTable: replace it, as putTable promises.
        if (awsErrorName(error) !== "AlreadyExistsException") throw error;
        await this.glue.send(new UpdateTableCommand({ DatabaseName: table.database, TableInput: input }));
      }
    }
    const stored = await this.getTable(table.database, table.name);
    if (!stored) throw new TableNotFoundError(table.database, table.name);
    return stored;
  }

  async deleteTable(database: string, name: string): Promise<boolean> {
    try {
      // Glue removes the table's partitions with it (asynchronously).
      await this.glue.send(new DeleteTableCommand({ DatabaseName: database, Name: name }));
      return true;
    } catch (error) {
      if (awsErrorName(error) === "EntityNotFoundException") return false;
      throw error;
    }
  }

  async getPartitions(database: string, table: string): Promise<CatalogPartition[]> {
    const partitions: CatalogPartition[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.glue.send(new GetPartitionsCommand({ DatabaseName: database, TableName: table, NextToken: token }));
        for (const p of page.Partitions ?? []) partitions.push({ values: p.Values ?? [], location: p.StorageDescriptor?.Location ?? "" });
        token = page.NextToken;
      } while (token);
    } catch (error) {
      if (awsErrorName(error) === "EntityNotFoundException") return [];
      throw error;
    }
    return partitions.sort((a, b) => compareValues(a.values, b.values));
  }

  async addPartitions(database: string, table: string, partitions: readonly CatalogPartition[]): Promise<number> {
    const template = await this.storageOf(database, table);
    const unique = dedupe(partitions);
    let added = 0;
    for (const batch of chunks(unique, GLUE_BATCH_LIMITS.createPartitions)) {
      added += await this.createBatch(database, table, template, batch);
    }
    return added;
  }

  /**
   * Makes the partition list exactly `partitions`. Glue has no atomic replace: partitions that are
   * gone or moved are deleted (≤ 25 a call) and new or moved ones created (≤ 100 a call); unchanged
   * partitions are left alone, so readers never miss them during the swap.
   */
  async replacePartitions(database: string, table: string, partitions: readonly CatalogPartition[]): Promise<void> {
    const template = await this.storageOf(database, table);
    const wanted = new Map(dedupe(partitions).map((p) => [key(p.values), p] as const));
    const current = await this.getPartitions(database, table);
    const stale = current.filter((p) => wanted.get(key(p.values))?.location !== p.location);
    const unchanged = new Set(current.filter((p) => !stale.includes(p)).map((p) => key(p.values)));
    for (const batch of chunks(stale, GLUE_BATCH_LIMITS.deletePartitions)) {
      const output = await this.glue.send(
        new BatchDeletePartitionCommand({ DatabaseName: database, TableName: table, PartitionsToDelete: batch.map((p) => ({ Values: [...p.values] })) }),
      );
      const errors = partitionErrors(output.Errors, "EntityNotFoundException");
      if (errors.length > 0) throw new GluePartitionError("BatchDeletePartition", `${database}.${table}`, errors);
    }
    const fresh = [...wanted.values()].filter((p) => !unchanged.has(key(p.values)));
    for (const batch of chunks(fresh, GLUE_BATCH_LIMITS.createPartitions)) await this.createBatch(database, table, template, batch);
  }

  /**
   * Starts a Glue crawler (or joins the crawl already running) and polls GetCrawler until it is
   * READY again, then reports how the last crawl ended.
   * https://docs.aws.amazon.com/glue/latest/webapi/API_GetCrawler.html
   */
  async startCrawlerAndWait(name: string): Promise<CrawlReport> {
    const started = this.clock.now();
    try {
      await this.glue.send(new StartCrawlerCommand({ Name: name }));
    } catch (error) {
      if (awsErrorName(error) !== "CrawlerRunningException") throw error;
    }
    const pollMs = this.options.crawlerPollMs ?? 10_000;
    const timeoutMs = this.options.crawlerTimeoutMs ?? 14 * 60_000;
    let sawRunning = false;
    for (;;) {
      const crawler = (await this.glue.send(new GetCrawlerCommand({ Name: name }))).Crawler;
      const last = crawler?.LastCrawl;
      // Right after StartCrawler the state can still read READY with the previous crawl's result:
      // only a crawl seen running, or one that started after our call, is ours.
      const ours = sawRunning || (last?.StartTime !== undefined && last.StartTime.getTime() >= started - 1000);
      if (crawler?.State === "READY" && ours) {
        return {
          crawler: name,
          status: last?.Status ?? "UNKNOWN",
          ...(last?.ErrorMessage ? { errorMessage: last.ErrorMessage } : {}),
          ...(last?.LogGroup ? { logGroup: last.LogGroup } : {}),
          ...(last?.LogStream ? { logStream: last.LogStream } : {}),
          ...(last?.StartTime ? { startTime: last.StartTime.toISOString() } : {}),
        };
      }
      if (crawler?.State === "RUNNING" || crawler?.State === "STOPPING") sawRunning = true;
      if (this.clock.now() - started >= timeoutMs) throw new CrawlerTimeoutError(name, this.clock.now() - started);
      await this.sleep(pollMs);
    }
  }

  /** The table's storage descriptor, the template of its partitions' descriptors. */
  private async storageOf(database: string, table: string): Promise<StorageDescriptor> {
    const found = await this.getTable(database, table);
    if (!found || found.kind !== "table") throw new TableNotFoundError(database, table);
    return tableInputOf(found).StorageDescriptor ?? {};
  }

  private async createBatch(database: string, table: string, template: StorageDescriptor, batch: readonly CatalogPartition[]): Promise<number> {
    if (batch.length === 0) return 0;
    const output = await this.glue.send(
      new BatchCreatePartitionCommand({
        DatabaseName: database,
        TableName: table,
        PartitionInputList: batch.map((p) => ({ Values: [...p.values], StorageDescriptor: { ...template, Location: p.location } })),
      }),
    );
    const existing = (output.Errors ?? []).filter((e) => e.ErrorDetail?.ErrorCode === "AlreadyExistsException").length;
    const errors = partitionErrors(output.Errors, "AlreadyExistsException");
    if (errors.length > 0) throw new GluePartitionError("BatchCreatePartition", `${database}.${table}`, errors);
    return batch.length - existing;
  }
}

function partitionErrors(errors: readonly PartitionError[] | undefined, ignored: string) {
  return (errors ?? [])
    .filter((e) => e.ErrorDetail?.ErrorCode !== ignored)
    .map((e) => ({ values: e.PartitionValues ?? [], code: e.ErrorDetail?.ErrorCode ?? "Unknown", message: e.ErrorDetail?.ErrorMessage ?? "" }));
}

function dedupe(partitions: readonly CatalogPartition[]): CatalogPartition[] {
  const seen = new Map<string, CatalogPartition>();
  for (const p of partitions) if (!seen.has(key(p.values))) seen.set(key(p.values), p);
  return [...seen.values()];
}

function key(values: readonly string[]): string {
  return JSON.stringify(values);
}

function compareValues(a: readonly string[], b: readonly string[]): number {
  const x = key(a);
  const y = key(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
