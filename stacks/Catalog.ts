import { ArnFormat } from "aws-cdk-lib";
import * as glue from "aws-cdk-lib/aws-glue";
import * as iam from "aws-cdk-lib/aws-iam";
import { NagSuppressions } from "cdk-nag";
import { Config, use, type StackContext } from "sst/constructs";
import { rawTableOf, staticPrefixOf } from "../packages/core/src/catalog/raw-table";
import { stackProject } from "./project";
import { defaultPolicyOf, suppressObjectWildcards } from "./nag";
import { glueName } from "./names";
import { Storage } from "./Storage";

/**
 * The Glue database, each dataset's raw table and the schema-drift crawler. The raw tables have no
 * partition projection: the city key would have to be `injected`, which makes Athena refuse every
 * query that does not name its cities (the run's full rebuild, the seed queries). The run's crawl
 * step registers new partitions instead, as it does on the twin.
 */
export function Catalog({ app, stack }: StackContext) {
  const { raw } = use(Storage);
  const { pipeline } = stackProject();
  const databaseName = glueName(app, pipeline.glueDatabase);
  const database = new glue.CfnDatabase(stack, "Database", { catalogId: stack.account, databaseInput: { name: databaseName } });
  const physical = { ...pipeline, glueDatabase: databaseName, buckets: { ...pipeline.buckets, raw: raw.bucketName } };

  const rawTables = Object.values(pipeline.datasets).map((dataset) => {
    const table = rawTableOf(physical, dataset);
    const cfn = new glue.CfnTable(stack, `RawTable-${dataset.name}`, {
      catalogId: stack.account,
      databaseName,
      tableInput: {
        name: table.name,
        tableType: "EXTERNAL_TABLE",
        parameters: { ...table.parameters },
        partitionKeys: table.partitionKeys.map((name) => ({ name, type: "string" })),
        storageDescriptor: {
          location: table.location,
          columns: table.columns.map((c) => ({ name: c.name, type: c.type, comment: c.comment })),
          inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
          outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
          serdeInfo: { serializationLibrary: "org.openx.data.jsonserde.JsonSerDe" },
        },
      },
    });
    cfn.addDependency(database);
    return cfn;
  });

  const crawlerRole = new iam.Role(stack, "CrawlerRole", { assumedBy: new iam.ServicePrincipal("glue.amazonaws.com") });
  const tableArn = (name: string) => stack.formatArn({ service: "glue", resource: "table", resourceName: `${databaseName}/${name}` });
  crawlerRole.addToPolicy(
    new iam.PolicyStatement({
      actions: ["glue:GetDatabase", "glue:GetTable", "glue:UpdateTable", "glue:GetPartition", "glue:GetPartitions", "glue:BatchGetPartition", "glue:BatchCreatePartition", "glue:UpdatePartition", "glue:BatchUpdatePartition"],
      resources: [
        stack.formatArn({ service: "glue", resource: "catalog" }),
        stack.formatArn({ service: "glue", resource: "database", resourceName: databaseName }),
        ...Object.values(pipeline.datasets).map((d) => tableArn(d.tables.raw)),
      ],
    }),
  );
  const rawPrefixes = Object.values(pipeline.datasets).map((d) => staticPrefixOf(d.firehose.prefix));
  crawlerRole.addToPolicy(new iam.PolicyStatement({ actions: ["s3:GetObject"], resources: rawPrefixes.map((p) => raw.arnForObjects(`${p}*`)) }));
  crawlerRole.addToPolicy(new iam.PolicyStatement({ actions: ["s3:ListBucket"], resources: [raw.bucketArn] }));
  crawlerRole.addToPolicy(
    new iam.PolicyStatement({
      actions: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
      resources: [stack.formatArn({ service: "logs", resource: "log-group", resourceName: "/aws-glue/crawlers:*", arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
    }),
  );
  suppressObjectWildcards(crawlerRole, "The crawler reads the objects under the raw datasets' prefixes, whose names Firehose generates.");
  NagSuppressions.addResourceSuppressions(
    defaultPolicyOf(crawlerRole),
    [{ id: "AwsSolutions-IAM5", reason: "Glue crawlers write to the fixed log group /aws-glue/crawlers, one stream per crawler run.", appliesTo: [{ regex: "/^Resource::arn:.*:log-group:\\/aws-glue\\/crawlers:\\*$/g" }] }],
  );

  // On demand, over the raw tables themselves: drift is logged (the run's crawl step reports it),
  // never applied or deleted behind the catalog's back.
  const crawler = new glue.CfnCrawler(stack, "RawCrawler", {
    name: app.logicalPrefixedName("raw-crawler"),
    role: crawlerRole.roleArn,
    databaseName,
    targets: { catalogTargets: [{ databaseName, tables: Object.values(pipeline.datasets).map((d) => d.tables.raw) }] },
    schemaChangePolicy: { updateBehavior: "LOG", deleteBehavior: "LOG" },
    configuration: JSON.stringify({ Version: 1.0, CrawlerOutput: { Partitions: { AddOrUpdateBehavior: "InheritFromTable" } } }),
  });
  rawTables.forEach((t) => crawler.addDependency(t));
  NagSuppressions.addResourceSuppressions(crawler, [
    { id: "AwsSolutions-GL1", reason: "Crawler logs hold object paths and schema, no record values; a customer-managed KMS key for them would add $1/month per stage." },
  ]);

  const parameters = Config.Parameter.create(stack, { GLUE_DATABASE: databaseName, RAW_CRAWLER: crawler.ref });
  return { databaseName, crawler, parameters };
}
