import { gunzipSync } from "node:zlib";
import type { ObjectStore } from "../lake/object-store";
import type { Logger } from "../log/logger";
import { silentLogger } from "../log/logger";
import type { ColumnType } from "../pipeline/types";
import type { Catalog, CatalogColumn, CatalogPartition, CatalogTable } from "./catalog";
import { parseS3Uri, s3Uri } from "./catalog";

/** Table parameter holding the newest object name a crawl has seen. */
const NEWEST_OBJECT_PARAM = "sluice.crawler.newestObject";

/** A difference between what the objects hold and what the catalog says. */
export interface SchemaDrift {
  /** `case-collision`: a new key that differs from a known column only by case (Athena's JSON SerDe would read both into one column): reported, never added. */
  readonly kind: "new-column" | "type-change" | "case-collision";
  readonly column: string;
  readonly catalogType?: ColumnType;
  readonly observedType: ColumnType;
  /** Object in which the drift was seen. */
  readonly seenIn: string;
}

/** What a crawl did. */
export interface CrawlResult {
  readonly table: string;
  readonly objectsSeen: number;
  readonly partitionsAdded: number;
  /** Partitions registered in all (only when the crawl listed the whole table). */
  readonly partitionsTotal?: number;
  /** Objects whose keys do not follow `k=v/` for every partition key (left out, counted). */
  readonly objectsOutsideLayout: number;
  readonly drift: readonly SchemaDrift[];
  /** Columns added to the catalog table because of drift. */
  readonly columnsAdded: readonly string[];
}

/** Options of a crawl. */
export interface CrawlOptions {
  /** Objects sampled for schema inference among the new partitions (default 20). */
  readonly sampleObjects?: number;
  /** Records read per sampled object (default 200). */
  readonly sampleRecords?: number;
  readonly logger?: Logger;
  /**
   * The new objects, when the caller knows them (the run engine's raw manifest): the crawl then
   * neither lists the table nor reads its partition list, it registers these objects' partitions.
   */
  readonly objects?: readonly { readonly key: string }[];
}

/**
 * The twin of a Glue crawler over a Hive-partitioned JSON table: registers partitions it has not
 * seen, infers the schema of a sample of new objects, and reports drift instead of failing on it.
 * New columns are added to the table (as a crawler's default "update the table definition" does);
 * a changed type is reported and the catalog type kept, so queries over old data keep working.
 */
export async function crawlTable(store: ObjectStore, catalog: Catalog, table: CatalogTable, options: CrawlOptions = {}): Promise<CrawlResult> {
  const logger = options.logger ?? silentLogger;
  if (!table.location) throw new Error(`table ${table.name} has no location to crawl`);
  const { bucket, prefix } = parseS3Uri(table.location);
  const given = options.objects;
  const objects = given ?? (await store.list(bucket, prefix));
  const known = new Set(given ? [] : (await catalog.getPartitions(table.database, table.name)).map((p) => JSON.stringify(p.values)));

  const found = new Map<string, CatalogPartition>();
  const newObjects: string[] = [];
  // Firehose names objects `<stream>-<version>-yyyy-MM-dd-HH-mm-ss-<uuid>`, so names sort by delivery
  // time: objects named after the newest one the last crawl saw are new even in known partitions.
  const marker = table.parameters[NEWEST_OBJECT_PARAM] ?? "";
  let newest = marker;
  let outside = 0;
  for (const object of objects) {
    const parsed = partitionOf(object.key.slice(prefix.length), table.partitionKeys);
    if (!parsed) {
      outside++;
      continue;
    }
    const id = JSON.stringify(parsed.values);
    const name = object.key.slice(object.key.lastIndexOf("/") + 1);
    if (!found.has(id)) found.set(id, { values: parsed.values, location: s3Uri(bucket, prefix + parsed.path) });
    if (!known.has(id) || name > marker) newObjects.push(object.key);
    if (name > newest) newest = name;
  }
  const fresh = [...found.entries()].filter(([id]) => !known.has(id)).map(([, p]) => p);
  // addPartitions keeps partitions that are there already (Glue: AlreadyExistsException per entry).
  const added = fresh.length > 0 ? await catalog.addPartitions(table.database, table.name, fresh) : 0;

  // Sample the newest of the new objects: drift shows up in what arrived last.
  const sample = newObjects.sort((a, b) => (baseName(b) < baseName(a) ? -1 : 1)).slice(0, options.sampleObjects ?? 20);
  const drift = await inferDrift(store, bucket, sample, table, options.sampleRecords ?? 200);
  const newColumns = dedupe(drift.filter((d) => d.kind === "new-column"));
  if (newColumns.length > 0 || newest !== marker) {
    const columns: CatalogColumn[] = [...table.columns, ...newColumns.map((d) => ({ name: d.column, type: d.observedType }))];
    const { version: _version, updatedAt: _updatedAt, ...definition } = table;
    await catalog.putTable({ ...definition, columns, parameters: { ...table.parameters, [NEWEST_OBJECT_PARAM]: newest } });
  }
  for (const d of drift) logger.warn("schema drift", { table: table.name, ...d });
  logger.info("crawled", { table: table.name, objects: objects.length, partitionsAdded: added });
  return {
    table: table.name,
    objectsSeen: objects.length,
    partitionsAdded: added,
    ...(given ? {} : { partitionsTotal: known.size + added }),
    objectsOutsideLayout: outside,
    drift,
    columnsAdded: newColumns.map((d) => d.column),
  };
}

/** `location=Paris/year=2026/…/file.gz` → values in key order and the partition's relative path. */
export function partitionOf(relativeKey: string, keys: readonly string[]): { values: string[]; path: string } | undefined {
  const segments = relativeKey.split("/");
  if (segments.length < keys.length + 1) return undefined;
  const values: string[] = [];
  for (let i = 0; i < keys.length; i++) {
    const segment = segments[i]!;
    const eq = segment.indexOf("=");
    if (eq < 0 || segment.slice(0, eq) !== keys[i]) return undefined;
    values.push(segment.slice(eq + 1));
  }
  return { values, path: segments.slice(0, keys.length).join("/") + "/" };
}

async function inferDrift(store: ObjectStore, bucket: string, keys: readonly string[], table: CatalogTable, maxRecords: number): Promise<SchemaDrift[]> {
  const catalogTypes = new Map(table.columns.map((c) => [c.name, c.type] as const));
  const lowerNames = new Map(table.columns.map((c) => [c.name.toLowerCase(), c.name] as const));
  const partitionKeys = new Set(table.partitionKeys);
  const drift = new Map<string, SchemaDrift>();
  for (const key of keys) {
    const body = await store.get(bucket, key);
    const text = (key.endsWith(".gz") ? gunzipSync(body) : Buffer.from(body)).toString("utf8");
    let read = 0;
    for (const line of text.split("\n")) {
      if (!line.trim() || read++ >= maxRecords) continue;
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch {
        continue; // not JSON: the Firehose twin routes such records to its error output, never here
      }
      if (typeof record !== "object" || record === null || Array.isArray(record)) continue;
      for (const [column, value] of Object.entries(record)) {
        if (value === null || partitionKeys.has(column)) continue;
        const observed = typeOfValue(value);
        const expected = catalogTypes.get(column);
        const id = `${column}`;
        const sameButCase = expected === undefined ? lowerNames.get(column.toLowerCase()) : undefined;
        if (sameButCase !== undefined) {
          if (!drift.has(id)) drift.set(id, { kind: "case-collision", column, catalogType: catalogTypes.get(sameButCase), observedType: observed, seenIn: key });
        } else if (expected === undefined) {
          const before = drift.get(id);
          drift.set(id, { kind: "new-column", column, observedType: widen(before?.observedType, observed), seenIn: before?.seenIn ?? key });
        } else if (!compatible(expected, observed) && !drift.has(id)) {
          drift.set(id, { kind: "type-change", column, catalogType: expected, observedType: observed, seenIn: key });
        }
      }
    }
  }
  return [...drift.values()];
}

function baseName(key: string): string {
  return key.slice(key.lastIndexOf("/") + 1);
}

function typeOfValue(value: unknown): ColumnType {
  if (typeof value === "boolean") return "boolean";
  if (typeof value === "number") return Number.isInteger(value) ? "bigint" : "double";
  return "string";
}

/** JSON has one number type: an integer in a double column is fine, and bigint widens to double. */
function compatible(catalog: ColumnType, observed: ColumnType): boolean {
  if (catalog === observed) return true;
  if (catalog === "double" && observed === "bigint") return true;
  if ((catalog === "timestamp" || catalog === "date") && observed === "string") return true;
  return false;
}

function widen(before: ColumnType | undefined, next: ColumnType): ColumnType {
  if (!before || before === next) return next;
  if ((before === "bigint" && next === "double") || (before === "double" && next === "bigint")) return "double";
  return "string";
}

function dedupe(drift: readonly SchemaDrift[]): SchemaDrift[] {
  const seen = new Map<string, SchemaDrift>();
  for (const d of drift) if (!seen.has(d.column)) seen.set(d.column, d);
  return [...seen.values()];
}
