import {
  AlreadyExistsException,
  BatchCreatePartitionCommand,
  BatchDeletePartitionCommand,
  CreateTableCommand,
  DeleteTableCommand,
  EntityNotFoundException,
  GetPartitionsCommand,
  GetTableCommand,
  GetTablesCommand,
  GlueClient,
  UpdateTableCommand,
  ValidationException,
  type Partition,
  type Table,
  type TableInput,
} from "@aws-sdk/client-glue";
import { mockClient } from "aws-sdk-client-mock";

/**
 * An in-memory Glue Data Catalog on aws-sdk-client-mock's `callsFake`, with the documented shapes:
 * EntityNotFoundException for a missing table, AlreadyExistsException from CreateTable, a
 * `VersionId` bumped by every UpdateTable, paged GetTables/GetPartitions (`NextToken`), and batch
 * partition calls that refuse more than 100 (create) or 25 (delete) items and report per-partition
 * `Errors` inside a 200.
 * https://docs.aws.amazon.com/glue/latest/webapi/API_BatchCreatePartition.html
 */
export class FakeGlue {
  readonly client = new GlueClient({ region: "eu-west-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  readonly mock = mockClient(this.client);
  readonly tables = new Map<string, Table>();
  readonly partitions = new Map<string, Map<string, Partition>>();
  /** Items per GetTables / GetPartitions page. */
  pageSize = 100;
  /** Partition values (joined by "/") that BatchCreatePartition refuses with this error code. */
  readonly refused = new Map<string, string>();
  private clock = Date.parse("2024-11-25T00:00:00Z");

  constructor() {
    this.mock.on(GetTableCommand).callsFake((input) => {
      const table = this.tables.get(`${input.DatabaseName}.${input.Name}`);
      if (!table) throw notFound(`Table ${input.Name} not found.`);
      return { Table: structuredClone(table) };
    });
    this.mock.on(GetTablesCommand).callsFake((input) => {
      const all = [...this.tables.values()].filter((t) => t.DatabaseName === input.DatabaseName).sort((a, b) => (a.Name! < b.Name! ? -1 : 1));
      return this.page(all, input.NextToken, (TableList, NextToken) => ({ TableList: structuredClone(TableList), NextToken }));
    });
    this.mock.on(CreateTableCommand).callsFake((input) => {
      const id = `${input.DatabaseName}.${input.TableInput!.Name}`;
      if (this.tables.has(id)) throw new AlreadyExistsException({ message: `Table already exists.`, $metadata: { httpStatusCode: 400 } });
      this.tables.set(id, this.tableOf(input.DatabaseName!, input.TableInput!, "0", new Date(this.tick())));
      this.partitions.set(id, new Map());
      return {};
    });
    this.mock.on(UpdateTableCommand).callsFake((input) => {
      const id = `${input.DatabaseName}.${input.TableInput!.Name}`;
      const before = this.tables.get(id);
      if (!before) throw notFound(`Table ${input.TableInput!.Name} not found.`);
      this.tables.set(id, this.tableOf(input.DatabaseName!, input.TableInput!, String(Number(before.VersionId) + 1), before.CreateTime!));
      return {};
    });
    this.mock.on(DeleteTableCommand).callsFake((input) => {
      const id = `${input.DatabaseName}.${input.Name}`;
      if (!this.tables.delete(id)) throw notFound(`Table ${input.Name} not found.`);
      this.partitions.delete(id);
      return {};
    });
    this.mock.on(GetPartitionsCommand).callsFake((input) => {
      const id = `${input.DatabaseName}.${input.TableName}`;
      if (!this.tables.has(id)) throw notFound(`Table ${input.TableName} not found.`);
      const all = [...(this.partitions.get(id)?.values() ?? [])];
      return this.page(all, input.NextToken, (Partitions, NextToken) => ({ Partitions: structuredClone(Partitions), NextToken }));
    });
    this.mock.on(BatchCreatePartitionCommand).callsFake((input) => {
      const id = `${input.DatabaseName}.${input.TableName}`;
      if ((input.PartitionInputList ?? []).length > 100) throw new ValidationException({ message: "PartitionInputList: at most 100 items", $metadata: { httpStatusCode: 400 } });
      const partitions = this.partitions.get(id);
      if (!partitions) throw notFound(`Table ${input.TableName} not found.`);
      const Errors = [];
      for (const p of input.PartitionInputList ?? []) {
        const key = p.Values!.join("/");
        const refused = this.refused.get(key);
        if (refused) Errors.push({ PartitionValues: p.Values, ErrorDetail: { ErrorCode: refused, ErrorMessage: `refused ${key}` } });
        else if (partitions.has(key)) Errors.push({ PartitionValues: p.Values, ErrorDetail: { ErrorCode: "AlreadyExistsException", ErrorMessage: "Partition already exists." } });
        else partitions.set(key, { DatabaseName: input.DatabaseName, TableName: input.TableName, Values: p.Values, StorageDescriptor: p.StorageDescriptor, CreationTime: new Date(this.tick()) });
      }
      return Errors.length ? { Errors } : {};
    });
    this.mock.on(BatchDeletePartitionCommand).callsFake((input) => {
      const id = `${input.DatabaseName}.${input.TableName}`;
      if ((input.PartitionsToDelete ?? []).length > 25) throw new ValidationException({ message: "PartitionsToDelete: at most 25 items", $metadata: { httpStatusCode: 400 } });
      const partitions = this.partitions.get(id);
      if (!partitions) throw notFound(`Table ${input.TableName} not found.`);
      const Errors = [];
      for (const p of input.PartitionsToDelete ?? []) {
        const key = p.Values!.join("/");
        if (!partitions.delete(key)) Errors.push({ PartitionValues: p.Values, ErrorDetail: { ErrorCode: "EntityNotFoundException", ErrorMessage: "Partition not found." } });
      }
      return Errors.length ? { Errors } : {};
    });
  }

  private tableOf(database: string, input: TableInput, versionId: string, created: Date): Table {
    return { ...structuredClone(input), Name: input.Name!, DatabaseName: database, VersionId: versionId, CreateTime: created, UpdateTime: new Date(this.tick()), CatalogId: "123456789012" };
  }

  private page<T, R>(all: T[], token: string | undefined, shape: (items: T[], next: string | undefined) => R): R {
    const start = token ? Number(token) : 0;
    const next = start + this.pageSize < all.length ? String(start + this.pageSize) : undefined;
    return shape(all.slice(start, start + this.pageSize), next);
  }

  private tick(): number {
    return (this.clock += 1000);
  }
}

function notFound(message: string): EntityNotFoundException {
  return new EntityNotFoundException({ message, $metadata: { httpStatusCode: 400 } });
}
