import * as iam from "aws-cdk-lib/aws-iam";
import type { IBucket } from "aws-cdk-lib/aws-s3";
import type { CfnDeliveryStream } from "aws-cdk-lib/aws-kinesisfirehose";
import type { Stack } from "sst/constructs";
import { staticPrefixOf } from "../packages/core/src/catalog/raw-table";
import type { DatasetDefinition } from "../packages/core/src/pipeline/types";
import { BACKFILL_PREFIX } from "../packages/core/src/backfill/cursor-store";
import { datasetGlueTables } from "./names";

/** What the runner's policy is scoped to. */
export interface RunnerPolicyTargets {
  readonly stack: Stack;
  readonly buckets: { readonly raw: IBucket; readonly processed: IBucket; readonly prod: IBucket; readonly athenaResults: IBucket };
  readonly databaseName: string;
  readonly crawlerName: string;
  readonly workgroupArn: string;
  readonly datasets: readonly DatasetDefinition[];
  readonly streams: readonly { readonly stream: CfnDeliveryStream; readonly errorObjects: string }[];
}

const BUCKET_READ = ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"];
const OBJECT_WRITE = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"];

/**
 * The run engine's permissions, least privilege: Athena in sluice's workgroup only; Glue on the
 * dataset's own tables (Athena runs DDL with the caller's Glue rights); raw read-only (immutable);
 * processed, prod and athena-results read/write; Firehose and the error prefix for the ingest step.
 */
export function runnerPolicy(t: RunnerPolicyTargets): iam.PolicyStatement[] {
  const { stack, buckets } = t;
  const glue = (resource: string, resourceName?: string) => stack.formatArn({ service: "glue", resource, resourceName });
  const tables = t.datasets.flatMap(datasetGlueTables);
  return [
    new iam.PolicyStatement({
      actions: ["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults", "athena:GetQueryRuntimeStatistics", "athena:StopQueryExecution", "athena:GetWorkGroup"],
      resources: [t.workgroupArn],
    }),
    new iam.PolicyStatement({
      actions: [
        "glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:CreateTable", "glue:UpdateTable", "glue:DeleteTable",
        "glue:GetPartition", "glue:GetPartitions", "glue:BatchGetPartition", "glue:BatchCreatePartition", "glue:BatchDeletePartition", "glue:UpdatePartition",
      ],
      resources: [glue("catalog"), glue("database", t.databaseName), ...tables.map((name) => glue("table", `${t.databaseName}/${name}`))],
    }),
    new iam.PolicyStatement({ actions: ["glue:StartCrawler", "glue:GetCrawler"], resources: [glue("crawler", t.crawlerName)] }),
    new iam.PolicyStatement({ actions: BUCKET_READ, resources: [buckets.raw, buckets.processed, buckets.prod, buckets.athenaResults].map((b) => b.bucketArn) }),
    new iam.PolicyStatement({
      actions: ["s3:GetObject"],
      resources: t.datasets.map((d) => buckets.raw.arnForObjects(`${staticPrefixOf(d.firehose.prefix)}*`)),
    }),
    new iam.PolicyStatement({ actions: OBJECT_WRITE, resources: [buckets.processed, buckets.prod, buckets.athenaResults].map((b) => b.arnForObjects("*")) }),
    new iam.PolicyStatement({ actions: ["firehose:PutRecordBatch"], resources: t.streams.map((s) => s.stream.attrArn) }),
    new iam.PolicyStatement({ actions: ["s3:PutObject"], resources: t.streams.map((s) => s.errorObjects) }),
  ];
}

/**
 * The back-fill runner's permissions: it only ingests chunks and keeps their cursors. Firehose and
 * the error prefix as the ingest step; its cursors under `_sluice/backfills/` of processed. No
 * Athena, no Glue, no other object: the run over the range is an execution of the run state machine.
 */
export function backfillRunnerPolicy(t: Pick<RunnerPolicyTargets, "buckets" | "streams">): iam.PolicyStatement[] {
  const { processed } = t.buckets;
  return [
    new iam.PolicyStatement({ actions: ["firehose:PutRecordBatch"], resources: t.streams.map((s) => s.stream.attrArn) }),
    new iam.PolicyStatement({ actions: ["s3:PutObject"], resources: t.streams.map((s) => s.errorObjects) }),
    new iam.PolicyStatement({ actions: ["s3:GetObject", "s3:PutObject"], resources: [processed.arnForObjects(`${BACKFILL_PREFIX}*`)] }),
    // Unconditioned: S3 answers a GetObject of a key not written yet (a new back-fill) with 404 only to
    // a caller allowed s3:ListBucket on the bucket, and a prefix condition does not apply to GetObject.
    new iam.PolicyStatement({ actions: ["s3:ListBucket"], resources: [processed.bucketArn] }),
  ];
}

