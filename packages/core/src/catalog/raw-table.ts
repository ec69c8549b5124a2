import type { DatasetDefinition, PipelineDefinition } from "../pipeline/types";
import type { CatalogTable } from "./catalog";
import { s3Uri } from "./catalog";

/** The raw table of a dataset as the catalog holds it: schema from the definition, Firehose's location. */
export function rawTableOf(pipeline: PipelineDefinition, dataset: DatasetDefinition): Omit<CatalogTable, "version" | "updatedAt"> {
  return {
    database: pipeline.glueDatabase,
    name: dataset.tables.raw,
    kind: "table",
    columns: dataset.recordSchema.map((c) => ({ name: c.name, type: c.type, comment: c.description })),
    partitionKeys: dataset.rawPartitionKeys,
    location: s3Uri(pipeline.buckets.raw, staticPrefixOf(dataset.firehose.prefix)),
    format: "json",
    compression: dataset.firehose.compression === "GZIP" ? "gzip" : "none",
    parameters: { classification: "json", compressionType: dataset.firehose.compression === "GZIP" ? "gzip" : "none" },
  };
}

/** The part of a Firehose prefix before its first expression (`weather/` for `weather/location=!{…}`). */
export function staticPrefixOf(prefix: string): string {
  const at = prefix.indexOf("!{");
  const head = at < 0 ? prefix : prefix.slice(0, at);
  return head.slice(0, head.lastIndexOf("/") + 1);
}
