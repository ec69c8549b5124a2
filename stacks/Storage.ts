import { Duration } from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";
import { NagSuppressions } from "cdk-nag";
import { Config, type StackContext } from "sst/constructs";
import { stackProject } from "./project";
import { secureBucket } from "./secure-bucket";
import { retainsData } from "./stage";

/** Days after which raw objects move to cheaper storage (seed 003's lifecycle rules). */
export const RAW_TO_INFREQUENT_ACCESS_DAYS = 90;
export const RAW_TO_GLACIER_DAYS = 180;
/** Athena result files are only read right after their query; the run engine keeps its own records. */
export const ATHENA_RESULTS_EXPIRY_DAYS = 30;
const ACCESS_LOG_EXPIRY_DAYS = 365;

/** The lake's buckets (raw is immutable: versioned, retained, never deleted from by the pipeline). */
export function Storage({ app, stack }: StackContext) {
  const { buckets } = stackProject().pipeline;
  const retain = retainsData(app);
  const accessLogs = secureBucket(stack, "access-logs", {
    retain,
    lifecycleRules: [{ id: "expire-access-logs", expiration: Duration.days(ACCESS_LOG_EXPIRY_DAYS) }],
  });
  NagSuppressions.addResourceSuppressions(accessLogs, [
    { id: "AwsSolutions-S1", reason: "This is the server access log target of every lake bucket; logging it into itself would loop." },
  ]);

  const raw = secureBucket(stack, buckets.raw, {
    retain,
    accessLogs,
    versioned: true,
    lifecycleRules: [
      {
        id: "raw-tiering",
        transitions: [
          { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(RAW_TO_INFREQUENT_ACCESS_DAYS) },
          // Instant Retrieval, not Flexible Retrieval: Athena cannot read Flexible Retrieval objects,
          // and every run rebuilds the Parquet table from all of raw.
          { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(RAW_TO_GLACIER_DAYS) },
        ],
      },
    ],
  });
  const processed = secureBucket(stack, buckets.processed, { accessLogs, retain });
  const prod = secureBucket(stack, buckets.prod, { accessLogs, retain });
  const athenaResults = secureBucket(stack, buckets.athenaResults, {
    retain,
    accessLogs,
    lifecycleRules: [{ id: "expire-query-results", expiration: Duration.days(ATHENA_RESULTS_EXPIRY_DAYS) }],
  });

  const parameters = Config.Parameter.create(stack, {
    RAW_BUCKET: raw.bucketName,
    PROCESSED_BUCKET: processed.bucketName,
    PROD_BUCKET: prod.bucketName,
    ATHENA_RESULTS_BUCKET: athenaResults.bucketName,
  });
  return { raw, processed, prod, athenaResults, parameters };
}
