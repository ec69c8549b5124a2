import { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";
import type { Construct } from "constructs";

/** What differs between the lake's buckets; everything else is the same secure default. */
export interface SecureBucketProps {
  /** Where server access logs go; omitted only for the log bucket itself. */
  readonly accessLogs?: s3.IBucket;
  readonly versioned?: boolean;
  readonly lifecycleRules?: s3.LifecycleRule[];
  /** Kept by `sst remove` (a production stage); otherwise emptied and deleted with the stage. */
  readonly retain: boolean;
}

/**
 * A private, encrypted, TLS-only bucket that logs its access. On a production stage it is retained
 * on `sst remove`: the lake's data outlives the stage (docs/deploy.md says how to empty and delete
 * the buckets by hand); on any other stage `sst remove` empties and deletes it.
 */
export function secureBucket(scope: Construct, id: string, props: SecureBucketProps): s3.Bucket {
  return new s3.Bucket(scope, id, {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    versioned: props.versioned ?? false,
    serverAccessLogsBucket: props.accessLogs,
    serverAccessLogsPrefix: props.accessLogs ? `${id}/` : undefined,
    lifecycleRules: [
      { id: "abort-incomplete-uploads", abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ...(props.lifecycleRules ?? []),
    ],
    removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    autoDeleteObjects: !props.retain,
  });
}
