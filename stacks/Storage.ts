import { RemovalPolicy } from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Bucket, type StackContext } from "sst/constructs";
import { pipeline } from "../packages/core/src/pipeline/pipeline";

/** The lake's buckets; the raw bucket is immutable (versioned, retained). Grows with the AWS issue. */
export function Storage({ stack }: StackContext) {
  const raw = new Bucket(stack, pipeline.buckets.raw, {
    cdk: {
      bucket: {
        versioned: true,
        encryption: s3.BucketEncryption.S3_MANAGED,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        enforceSSL: true,
        removalPolicy: RemovalPolicy.RETAIN,
      },
    },
  });
  return { raw };
}
