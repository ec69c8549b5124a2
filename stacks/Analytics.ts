import * as athena from "aws-cdk-lib/aws-athena";
import { Config, use, type StackContext } from "sst/constructs";
import { stackProject } from "./project";
import { cleanViewSql, ident } from "../packages/core/src/transform/athena-sql";
import { Catalog } from "./Catalog";
import { Storage } from "./Storage";

/** A runaway query (e.g. a dashboard without a time filter) stops at 10 GB: $0.05 at $5/TB. */
export const BYTES_SCANNED_CUTOFF_PER_QUERY = 10 * 1024 ** 3;

/** The Athena workgroup every sluice query runs in, and each dataset's clean view as a saved query. */
export function Analytics({ app, stack }: StackContext) {
  const { athenaResults } = use(Storage);
  const { databaseName } = use(Catalog);
  const workgroup = new athena.CfnWorkGroup(stack, "WorkGroup", {
    name: app.logicalPrefixedName("workgroup"),
    description: "sluice: runs, DQ checks, the API and dashboards",
    state: "ENABLED",
    // `sst remove` deletes the workgroup together with its saved queries.
    recursiveDeleteOption: true,
    workGroupConfiguration: {
      engineVersion: { selectedEngineVersion: "Athena engine version 3" },
      // Clients cannot pick another result location or turn encryption off.
      enforceWorkGroupConfiguration: true,
      publishCloudWatchMetricsEnabled: true,
      bytesScannedCutoffPerQuery: BYTES_SCANNED_CUTOFF_PER_QUERY,
      resultConfiguration: {
        outputLocation: `s3://${athenaResults.bucketName}/results/`,
        encryptionConfiguration: { encryptionOption: "SSE_S3" },
        expectedBucketOwner: stack.account,
      },
    },
  });

  // The run engine creates the real views; the saved query lets a person recreate one by hand.
  for (const dataset of Object.values(stackProject().pipeline.datasets)) {
    const query = new athena.CfnNamedQuery(stack, `CleanView-${dataset.name}`, {
      name: dataset.tables.clean,
      description: `Clean view of ${dataset.name}: one row per ${dataset.transform.keyColumns.join(" × ")}`,
      database: databaseName,
      workGroup: workgroup.ref,
      queryString: `CREATE OR REPLACE VIEW ${ident(dataset.tables.clean)} AS\n${cleanViewSql(dataset)}`,
    });
    query.addDependency(workgroup);
  }

  const workgroupArn = stack.formatArn({ service: "athena", resource: "workgroup", resourceName: workgroup.ref });
  const parameters = Config.Parameter.create(stack, { ATHENA_WORKGROUP: workgroup.ref });
  return { workgroupName: workgroup.ref, workgroupArn, parameters };
}
