import { analyticsViewsOf } from "../../packages/core/src/analytics";
import { execFile } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import type { CloudAssembly } from "aws-cdk-lib/cx-api";
import { beforeAll, describe, expect, it } from "vitest";
import { WEB_FILES } from "../../packages/core/src/api/web-assets";
import { LAMBDA_WEB_DIR, SST_BINDINGS } from "../../packages/core/src/runtime/aws";
import { scheduledSubjectsOf } from "../../packages/core/src/config/project";
import { stackProject } from "../../stacks/project";
import type { DatasetDefinition } from "../../packages/core/src/pipeline/types";
import { cleanViewSql } from "../../packages/core/src/transform/athena-sql";
import { SYNTH_TIMEOUT_MS, synthesizeTestApp, STAGE } from "./synth";
import { logicalIdOf, render, resourcesOf, statementsOf, templateOf } from "./template";
import type { Cfn } from "./template";
import type { Asl, AslState } from "./asl";
import { BACKFILL_STATE_MACHINE_GOLDEN, expectGoldenAsl, renderAsl } from "./asl";
import { DEFAULT_LOCK_TTL_MS } from "../../packages/core/src/aws/s3-run-lock";
import { RUN_STEPS } from "../../packages/core/src/run/run-record";
import { StepThrottledError } from "../../packages/functions/src/step";
import { THROTTLED_ERRORS } from "../../stacks/run-state-machine";

// The stacks deploy the repository's sluice.config.ts.
const { pipeline } = stackProject();
const DATASETS = Object.values(pipeline.datasets);
/** The datasets with subjects to schedule a producer for (air quality needs configured OpenAQ stations). */
const SCHEDULED = DATASETS.filter((d) => scheduledSubjectsOf(d) !== undefined);
/** A construct id as CDK's logical id spells it (alphanumerics only: `air_quality` → `airquality`). */
const idOf = (name: string) => name.replace(/[^A-Za-z0-9]/g, "");
/** The API keys each dataset's real source needs (Polygon, OpenAQ); weather's Open-Meteo needs none. */
const SECRETS_OF: Readonly<Record<string, readonly string[]>> = { stocks: ["POLYGON_API_KEY"], air_quality: ["OPENAQ_API_KEY"] };
const ALL_SECRETS = ["POLYGON_API_KEY", "OPENAQ_API_KEY"];
/** Every Glue table and view a dataset's run touches: its four tables, the version tables, its analytics views. */
const glueTablesOf = (d: DatasetDefinition) =>
  [...Object.values(d.tables), `${d.tables.prod}_v*`, ...analyticsViewsOf(d.name).map((v) => v.name)].map((t) => `${STAGE}_sluice/${t}`);

// Every property here is what the deployed pipeline relies on; AWS cannot be reached, so the
// synthesized templates are the evidence.
describe("the SST v2 app's stacks", () => {
  let assembly: CloudAssembly;
  let storage: Cfn;
  let rawId: string;
  let logsId: string;

  beforeAll(async () => {
    ({ assembly } = await synthesizeTestApp());
    storage = templateOf(assembly, STAGE, "Storage");
    rawId = logicalIdOf(storage, "AWS::S3::Bucket", pipeline.buckets.raw);
    logsId = logicalIdOf(storage, "AWS::S3::Bucket", "access-logs");
  }, SYNTH_TIMEOUT_MS);

  describe("Storage", () => {
    it("makes every bucket private, encrypted, ACL-free and TLS-only", () => {
      const buckets = resourcesOf(assembly, "AWS::S3::Bucket");
      expect(buckets).toHaveLength(5);
      const policies = resourcesOf(assembly, "AWS::S3::BucketPolicy");
      for (const bucket of buckets) {
        expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
        expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe("AES256");
        expect(bucket.Properties.OwnershipControls.Rules).toEqual([{ ObjectOwnership: "BucketOwnerEnforced" }]);
        const policy = policies.find((p) => p.Properties.Bucket.Ref === bucket.id);
        // https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html (deny aws:SecureTransport=false)
        expect(policy?.Properties.PolicyDocument.Statement).toContainEqual(
          expect.objectContaining({ Effect: "Deny", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        );
      }
    });

    it("logs access of every lake bucket into the access-log bucket", () => {
      const lake = resourcesOf(assembly, "AWS::S3::Bucket").filter((b) => b.id !== logsId);
      expect(lake).toHaveLength(4);
      for (const bucket of lake) expect(bucket.Properties.LoggingConfiguration.DestinationBucketName).toEqual({ Ref: logsId });
    });

    it("keeps raw versioned, to Infrequent Access after 90 days and Glacier after 180 (retained on production stages: stages.test.ts)", () => {
      const raw = storage.Resources[rawId]!;
      expect(raw.Properties!.VersioningConfiguration).toEqual({ Status: "Enabled" });
      const tiering = raw.Properties!.LifecycleConfiguration.Rules.find((r: { Id: string }) => r.Id === "raw-tiering");
      expect(tiering.Transitions).toEqual([
        { StorageClass: "STANDARD_IA", TransitionInDays: 90 },
        { StorageClass: "GLACIER_IR", TransitionInDays: 180 },
      ]);
      expect(tiering.ExpirationInDays).toBeUndefined();
    });

    it("expires Athena results after 30 days", () => {
      const id = logicalIdOf(storage, "AWS::S3::Bucket", pipeline.buckets.athenaResults);
      expect(storage.Resources[id]!.Properties!.LifecycleConfiguration.Rules).toContainEqual({ Id: "expire-query-results", ExpirationInDays: 30, Status: "Enabled" });
    });
  });

  describe("Ingest", () => {
    const streams = () => resourcesOf(assembly, "AWS::KinesisFirehose::DeliveryStream");
    const streamOf = (dataset: DatasetDefinition) => streams().find((s) => s.Properties.DeliveryStreamName === `${STAGE}-sluice-${dataset.firehose.streamName}`)!;
    const producers = () => resourcesOf(assembly, "AWS::Lambda::Function").filter((f) => f.Properties.Handler === "packages/functions/src/producer.handler");
    const producerOf = (dataset: DatasetDefinition) => producers().find((f) => f.id.startsWith(`Producer${idOf(dataset.name)}`))!;
    const boundOf = (fn: { Properties: Record<string, any> }, kind: "Parameter" | "Secret") =>
      Object.keys(fn.Properties.Environment.Variables as Record<string, unknown>)
        .filter((k) => k.startsWith(`SST_${kind}_value_`))
        .map((k) => k.slice(`SST_${kind}_value_`.length))
        .sort();

    it("creates one stream and one Firehose role per dataset of the config, one producer per dataset with subjects", () => {
      expect(streams().map((s) => s.Properties.DeliveryStreamName).sort()).toEqual(DATASETS.map((d) => `${STAGE}-sluice-${d.firehose.streamName}`).sort());
      expect(new Set(streams().map((s) => s.Properties.ExtendedS3DestinationConfiguration.RoleARN["Fn::GetAtt"][0])).size).toBe(DATASETS.length);
      expect(producers()).toHaveLength(SCHEDULED.length);
      for (const dataset of SCHEDULED) expect(producerOf(dataset), dataset.name).toBeDefined();
    });

    it("schedules no air-quality producer while no OpenAQ stations are configured, and synthesis says so", () => {
      expect(SCHEDULED.map((d) => d.name)).not.toContain("air_quality");
      expect(producers().filter((f) => f.id.startsWith("Producerairquality"))).toEqual([]);
      expect(resourcesOf(assembly, "AWS::Events::Rule").filter((r) => r.id.startsWith("Producerairquality"))).toEqual([]);
      const notes = assembly.getStackArtifact(`${STAGE}-sluice-Ingest`).messages.map((m) => String(m.entry.data));
      expect(notes).toContainEqual(expect.stringMatching(/^air_quality: no producer schedule, it has no subjects: set datasets\.air_quality\.subjects in sluice\.config\.ts/));
    });

    describe.each(DATASETS.map((d) => [d.name, d] as const))("%s", (name, dataset) => {
      it("delivers into raw with the definition's prefixes, GZIP, ≥ 64 MiB buffers and CloudWatch logging", () => {
        const { Properties: p } = streamOf(dataset);
        const s3 = p.ExtendedS3DestinationConfiguration;
        expect(p.DeliveryStreamType).toBe("DirectPut");
        expect(p.DeliveryStreamEncryptionConfigurationInput).toEqual({ KeyType: "AWS_OWNED_CMK" });
        expect(JSON.stringify(s3.BucketARN)).toContain(rawId);
        expect(s3.Prefix).toBe(dataset.firehose.prefix);
        expect(s3.ErrorOutputPrefix).toBe(dataset.firehose.errorOutputPrefix);
        expect(s3.CompressionFormat).toBe("GZIP");
        // https://docs.aws.amazon.com/firehose/latest/dev/dynamic-partitioning.html: SizeInMBs ≥ 64 with dynamic partitioning
        expect(s3.BufferingHints.SizeInMBs).toBeGreaterThanOrEqual(64);
        expect(s3.BufferingHints).toEqual({ SizeInMBs: dataset.firehose.buffering.sizeInMBs, IntervalInSeconds: dataset.firehose.buffering.intervalInSeconds });
        expect(s3.CloudWatchLoggingOptions.Enabled).toBe(true);
        expect(JSON.stringify(s3.CloudWatchLoggingOptions.LogGroupName)).toContain(`FirehoseLogs${idOf(name)}`);
      });

      it("partitions dynamically with the definition's jq query, then appends a newline to each record", () => {
        const s3 = streamOf(dataset).Properties.ExtendedS3DestinationConfiguration;
        expect(s3.DynamicPartitioningConfiguration.Enabled).toBe(true);
        expect(s3.ProcessingConfiguration).toEqual({
          Enabled: true,
          Processors: [
            {
              Type: "MetadataExtraction",
              Parameters: [
                { ParameterName: "MetadataExtractionQuery", ParameterValue: dataset.firehose.partitionKeyQuery },
                { ParameterName: "JsonParsingEngine", ParameterValue: "JQ-1.6" },
              ],
            },
            { Type: "AppendDelimiterToRecord" },
          ],
        });
      });

      it("lets its Firehose role write only under the dataset's prefix and error prefix, never delete", () => {
        const roleId = streamOf(dataset).Properties.ExtendedS3DestinationConfiguration.RoleARN["Fn::GetAtt"][0] as string;
        const firehose = statementsOf(assembly).filter((s) => s.policy.includes(`FirehoseRole${idOf(name)}`));
        expect(roleId.startsWith(`FirehoseRole${idOf(name)}`)).toBe(true);
        const objectStatement = firehose.find((s) => s.actions.includes("s3:PutObject"))!;
        expect(objectStatement.actions.sort()).toEqual(["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"]);
        expect(objectStatement.resources.map(render)).toEqual([`<ref>/${name}/*`, `<ref>/errors/${name}/*`]);
        expect(firehose.flatMap((s) => s.actions).filter((a) => /Delete/.test(a))).toEqual([]);
      });

      it.skipIf(!scheduledSubjectsOf(dataset))("runs its producer on nodejs24.x on the definition's schedule with { dataset } as the event, allowed PutRecordBatch on its own stream only", () => {
        const rules = resourcesOf(assembly, "AWS::Events::Rule").filter((r) => r.id.startsWith(`Producer${idOf(name)}`));
        expect(rules.map((r) => r.Properties.ScheduleExpression)).toEqual([dataset.schedule]);
        const producer = producerOf(dataset);
        expect(rules[0]!.Properties.Targets).toEqual([expect.objectContaining({ Arn: { "Fn::GetAtt": [producer.id, "Arn"] }, Input: JSON.stringify({ dataset: name }) })]);
        expect(producer.Properties.Runtime).toBe("nodejs24.x");
        const streamBindings = boundOf(producer, "Parameter").filter((p) => p.startsWith("FIREHOSE_STREAM_"));
        expect(streamBindings).toEqual([`FIREHOSE_STREAM_${name.toUpperCase()}`]);
        expect(boundOf(producer, "Parameter")).toEqual(expect.arrayContaining(["RAW_BUCKET", "GLUE_DATABASE"]));
        const own = statementsOf(assembly).filter((s) => s.policy.startsWith(`${STAGE}-sluice-Ingest/Producer${idOf(name)}`));
        const put = own.filter((s) => s.actions.includes("firehose:PutRecordBatch"));
        expect(put.map((s) => s.actions)).toEqual([["firehose:PutRecordBatch"]]);
        expect(put[0]!.resources).toEqual([{ "Fn::GetAtt": [streamOf(dataset).id, "Arn"] }]);
        expect(own.find((s) => s.actions.includes("s3:PutObject"))!.resources.map(render)).toEqual([`<ref>/errors/${name}/*`]);
      });

      it.skipIf(!scheduledSubjectsOf(dataset))("lets its producer read and write its own dataset's cursors in the processed bucket only", () => {
        const own = statementsOf(assembly).filter((s) => s.policy.startsWith(`${STAGE}-sluice-Ingest/Producer${idOf(name)}`));
        const cursors = own.filter((s) => s.resources.some((r) => render(r).includes("_sluice/cursors/")));
        expect(cursors.map((s) => [s.actions.sort(), s.resources.map(render)])).toEqual([[["s3:GetObject", "s3:PutObject"], [`<ref>/_sluice/cursors/${name}/*`]]]);
        const list = own.filter((s) => s.actions.includes("s3:ListBucket"));
        expect(list).toHaveLength(1);
        expect(own.flatMap((s) => s.actions).filter((a) => /Delete/.test(a))).toEqual([]);
      });

      it.skipIf(!scheduledSubjectsOf(dataset))("binds its producer to its own source's API key secret only", () => {
        const producer = producerOf(dataset);
        expect(boundOf(producer, "Secret")).toEqual([...(SECRETS_OF[name] ?? [])]);
        const ssm = statementsOf(assembly).filter((s) => s.policy.startsWith(`${STAGE}-sluice-Ingest/Producer${idOf(name)}`) && s.actions.some((a) => a.startsWith("ssm:")));
        const secretPaths = ssm.flatMap((s) => s.resources).map(render).filter((r) => r.includes("/Secret/"));
        for (const secret of ALL_SECRETS) {
          const expected = (SECRETS_OF[name] ?? []).includes(secret);
          expect(secretPaths.some((r) => r.includes(`/Secret/${secret}/`)), secret).toBe(expected);
        }
      });
    });
  });

  describe("Catalog", () => {
    const rawTableOf = (dataset: DatasetDefinition) => resourcesOf(assembly, "AWS::Glue::Table").find((t) => t.Properties.TableInput.Name === dataset.tables.raw)?.Properties.TableInput;

    it("defines one raw table per dataset, and nothing else", () => {
      expect(resourcesOf(assembly, "AWS::Glue::Table").map((t) => t.Properties.TableInput.Name).sort()).toEqual(DATASETS.map((d) => d.tables.raw).sort());
    });

    describe.each(DATASETS.map((d) => [d.name, d] as const))("%s", (name, dataset) => {
      it("defines the raw table from the record schema, with string partition keys and the JSON SerDe", () => {
        const table = rawTableOf(dataset);
        expect(table.StorageDescriptor.Columns.map((c: { Name: string; Type: string }) => [c.Name, c.Type])).toEqual(dataset.recordSchema.map((c) => [c.name, c.type]));
        expect(table.PartitionKeys).toEqual(dataset.rawPartitionKeys.map((key) => ({ Name: key, Type: "string" })));
        expect(table.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe("org.openx.data.jsonserde.JsonSerDe");
        expect(render(table.StorageDescriptor.Location)).toBe(`s3://<ref>/${name}/`);
      });

      it("does not project partitions: the run's crawl step registers them (an injected key would make Athena refuse the full rebuild)", () => {
        const p = rawTableOf(dataset).Parameters;
        expect(Object.keys(p).filter((k) => k.startsWith("projection."))).toEqual([]);
        expect(p.classification).toBe("json");
      });
    });

    it("crawls every raw table on demand and only logs schema changes and deletions", () => {
      const crawlers = resourcesOf(assembly, "AWS::Glue::Crawler");
      expect(crawlers).toHaveLength(1);
      const [crawler] = crawlers;
      expect(crawler!.Properties.Schedule).toBeUndefined();
      expect(crawler!.Properties.SchemaChangePolicy).toEqual({ UpdateBehavior: "LOG", DeleteBehavior: "LOG" });
      expect(crawler!.Properties.Targets.CatalogTargets[0].Tables).toEqual(DATASETS.map((d) => d.tables.raw));
      expect(crawler!.Properties.DatabaseName).toBe(`${STAGE}_${pipeline.glueDatabase}`);
    });

    it("lets the crawler read only the datasets' raw prefixes and update only their raw tables", () => {
      const crawler = statementsOf(assembly).filter((s) => s.policy.includes("CrawlerRole"));
      const objects = crawler.filter((s) => s.actions.includes("s3:GetObject")).flatMap((s) => s.resources).map(render);
      expect(objects.sort()).toEqual(DATASETS.map((d) => `<ref>/${d.name}/*`).sort());
      const tables = crawler.flatMap((s) => s.resources).map(render).filter((r) => r.includes(":table/"));
      expect(tables.map((r) => r.slice(r.indexOf(":table/") + 7)).sort()).toEqual(DATASETS.map((d) => `${STAGE}_sluice/${d.tables.raw}`).sort());
    });
  });

  describe("Analytics", () => {
    it("enforces an engine-3 workgroup with encrypted results in athena-results and a 10 GB cutoff", () => {
      const [workgroup] = resourcesOf(assembly, "AWS::Athena::WorkGroup");
      const c = workgroup!.Properties.WorkGroupConfiguration;
      expect(c.EngineVersion).toEqual({ SelectedEngineVersion: "Athena engine version 3" });
      expect(c.EnforceWorkGroupConfiguration).toBe(true);
      expect(c.PublishCloudWatchMetricsEnabled).toBe(true);
      expect(c.BytesScannedCutoffPerQuery).toBe(10 * 1024 ** 3);
      expect(c.ResultConfiguration.EncryptionConfiguration).toEqual({ EncryptionOption: "SSE_S3" });
      expect(render(c.ResultConfiguration.OutputLocation)).toBe("s3://<ref>/results/");
      expect(JSON.stringify(c.ResultConfiguration.OutputLocation)).toContain(logicalIdOf(storage, "AWS::S3::Bucket", pipeline.buckets.athenaResults));
    });

    it("saves each dataset's clean view DDL, built by cleanViewSql, as a named query", () => {
      const queries = resourcesOf(assembly, "AWS::Athena::NamedQuery");
      expect(queries.map((q) => q.Properties.Name).sort()).toEqual(DATASETS.map((d) => d.tables.clean).sort());
      for (const dataset of DATASETS) {
        const query = queries.find((q) => q.Properties.Name === dataset.tables.clean)!;
        expect(query.Properties.QueryString).toBe(`CREATE OR REPLACE VIEW "${dataset.tables.clean}" AS\n${cleanViewSql(dataset)}`);
      }
    });
  });

  describe("Api", () => {
    const PARAMETERS = ["RAW_BUCKET", "PROCESSED_BUCKET", "PROD_BUCKET", "ATHENA_RESULTS_BUCKET", "GLUE_DATABASE", "ATHENA_WORKGROUP", ...DATASETS.map((d) => `FIREHOSE_STREAM_${d.name.toUpperCase()}`), "RAW_CRAWLER", "RUN_STATE_MACHINE", "DQ_ALERT_TOPIC"];

    it("stores every binding of the bindings doc as an SST SSM parameter", () => {
      const names = resourcesOf(assembly, "AWS::SSM::Parameter").map((p) => p.Properties.Name as string);
      for (const name of PARAMETERS) expect(names).toContain(`/sst/sluice/${STAGE}/Parameter/${name}/value`);
      const metadata = JSON.parse(render(templateOf(assembly, STAGE, "Api").Outputs!.SSTMetadata!.Value)) as { metadata: { type: string; id: string }[] };
      expect(metadata.metadata).toContainEqual(expect.objectContaining({ type: "Secret", id: "API_TOKEN" }));
    });

    it("runs the step runner for up to 15 minutes on nodejs24.x, bound to every parameter but the state machine that invokes it", () => {
      const runner = resourcesOf(assembly, "AWS::Lambda::Function").find((f) => f.Properties.Handler === "packages/functions/src/step.handler")!;
      expect(runner.Properties.Timeout).toBe(900);
      expect(runner.Properties.Runtime).toBe("nodejs24.x");
      const bound = Object.keys(runner.Properties.Environment.Variables).filter((k) => k.startsWith("SST_Parameter_value_")).map((k) => k.slice(20));
      expect(bound.sort()).toEqual(PARAMETERS.filter((p) => p !== "RUN_STATE_MACHINE").sort());
    });

    it("binds the sources' API keys as secrets to the step runner (it can ingest any dataset), never to the API", () => {
      const secretsOf = (handler: string) =>
        Object.keys(resourcesOf(assembly, "AWS::Lambda::Function").find((f) => f.Properties.Handler === handler)!.Properties.Environment.Variables)
          .filter((k) => k.startsWith("SST_Secret_value_"))
          .map((k) => k.slice(17))
          .sort();
      expect(secretsOf("packages/functions/src/step.handler")).toEqual([...ALL_SECRETS].sort());
      expect(secretsOf("packages/functions/src/api.handler")).toEqual(["API_TOKEN"]);
      // The names the runtime reads (runtime/aws.ts) are the secrets the stacks create.
      expect([SST_BINDINGS.polygonApiKey, SST_BINDINGS.openAqApiKey].sort()).toEqual([...ALL_SECRETS].sort());
      const metadata = JSON.parse(render(templateOf(assembly, STAGE, "Ingest").Outputs!.SSTMetadata!.Value)) as { metadata: { type: string; id: string }[] };
      expect(metadata.metadata.filter((m) => m.type === "Secret").map((m) => m.id).sort()).toEqual([...ALL_SECRETS].sort());
    });

    const apiFunction = () => resourcesOf(assembly, "AWS::Lambda::Function").find((f) => f.Properties.Handler === "packages/functions/src/api.handler")!;

    it("routes GET / and ANY /{proxy+} of an HTTP API to api.handler (payload 2.0), CORS off, access-logged and throttled", () => {
      const api = templateOf(assembly, STAGE, "Api");
      const handlerId = logicalIdOf(api, "AWS::Lambda::Function", "ApiHandler");
      expect(resourcesOf(assembly, "AWS::ApiGatewayV2::Route").map((r) => r.Properties.RouteKey).sort()).toEqual(["ANY /{proxy+}", "GET /"]);
      const integrations = resourcesOf(assembly, "AWS::ApiGatewayV2::Integration");
      expect(integrations).toHaveLength(2);
      for (const i of integrations) expect(i.Properties).toMatchObject({ IntegrationType: "AWS_PROXY", PayloadFormatVersion: "2.0", IntegrationUri: { "Fn::GetAtt": [handlerId, "Arn"] } });
      const [httpApi] = resourcesOf(assembly, "AWS::ApiGatewayV2::Api");
      expect(httpApi!.Properties.ProtocolType).toBe("HTTP");
      expect(httpApi!.Properties.CorsConfiguration).toBeUndefined();
      const [stage] = resourcesOf(assembly, "AWS::ApiGatewayV2::Stage");
      const [logGroup] = resourcesOf(assembly, "AWS::Logs::LogGroup").filter((g) => JSON.stringify(stage!.Properties.AccessLogSettings.DestinationArn).includes(g.id));
      expect(logGroup!.Properties.RetentionInDays).toBe(30);
      expect(stage!.Properties.AccessLogSettings.Format).toContain("$context.requestId");
      expect(stage!.Properties.DefaultRouteSettings).toEqual({ ThrottlingBurstLimit: 50, ThrottlingRateLimit: 25 });
    });

    it("runs api.handler for at most 30 s (API Gateway's limit), bound to the lake, catalog, workgroup, run and back-fill state machines and API_TOKEN only", () => {
      const fn = apiFunction();
      expect(fn.Properties.Timeout).toBe(30);
      expect(fn.Properties.Runtime).toBe("nodejs24.x");
      const variables = fn.Properties.Environment.Variables as Record<string, unknown>;
      const bound = Object.keys(variables).filter((k) => k.startsWith("SST_Parameter_value_")).map((k) => k.slice(20));
      expect(bound.sort()).toEqual(["ATHENA_RESULTS_BUCKET", "ATHENA_WORKGROUP", "BACKFILL_STATE_MACHINE", "GLUE_DATABASE", "PROCESSED_BUCKET", "PROD_BUCKET", "RAW_BUCKET", "RUN_STATE_MACHINE"]);
      expect(variables.SST_Secret_value_API_TOKEN).toBe("__FETCH_FROM_SSM__");
      expect(variables.SST_Parameter_value_RUN_STATE_MACHINE).toEqual({ Ref: logicalIdOf(templateOf(assembly, STAGE, "Api"), "AWS::StepFunctions::StateMachine", "RunStateMachine") });
      expect(variables.SST_Parameter_value_BACKFILL_STATE_MACHINE).toEqual({ Ref: logicalIdOf(templateOf(assembly, STAGE, "Api"), "AWS::StepFunctions::StateMachine", "BackfillStateMachine") });
    });

    it("lets the API start only the run and back-fill state machines, query only the workgroup, read Glue and processed/prod, and write only query results, run records and back-fill cursors (deleting only back-fill start locks)", () => {
      const api = templateOf(assembly, STAGE, "Api");
      const own = statementsOf(assembly).filter((s) => s.policy.includes("ApiHandler") && !s.actions.every((a) => a.startsWith("xray:")));
      expect(own.flatMap((s) => s.resources)).not.toContain("*");
      expect(own.filter((s) => s.actions.some((a) => a.startsWith("lambda:")))).toEqual([]);
      const start = own.filter((s) => s.actions.some((a) => a.startsWith("states:")));
      expect(start).toEqual([
        expect.objectContaining({
          actions: ["states:StartExecution"],
          resources: [{ Ref: logicalIdOf(api, "AWS::StepFunctions::StateMachine", "RunStateMachine") }, { Ref: logicalIdOf(api, "AWS::StepFunctions::StateMachine", "BackfillStateMachine") }],
        }),
        // Only the back-fill machine's executions: whether the one a cursor names still runs
        expect.objectContaining({ actions: ["states:DescribeExecution"] }),
      ]);
      expect(render(start[1]!.resources[0])).toBe("arn:<ref>:states:eu-west-1:123456789012:execution:<ref>:*");
      const athena = own.filter((s) => s.actions.some((a) => a.startsWith("athena:")));
      expect(athena.flatMap((s) => s.resources).map(render)).toEqual(["arn:<ref>:athena:eu-west-1:123456789012:workgroup/<ref>"]);
      const glue = own.filter((s) => s.actions.some((a) => a.startsWith("glue:")));
      expect(glue.flatMap((s) => s.actions).filter((a) => !/^glue:(Batch)?Get/.test(a))).toEqual([]);
      expect(glue.flatMap((s) => s.resources).map(render).filter((r) => r.includes(":table/")).map((r) => r.slice(r.indexOf(":table/") + 7))).toEqual(
        DATASETS.flatMap(glueTablesOf),
      );
      const writes = own.filter((s) => s.actions.includes("s3:PutObject"));
      expect(writes.flatMap((s) => s.resources).map(render).sort()).toEqual(["<ref>/_sluice/backfills/*", "<ref>/_sluice/runs/*", "<ref>/results/*"]);
      // The only delete: a back-fill's start lock, released once its execution is started
      const deletes = own.filter((s) => s.actions.some((a) => /Delete/.test(a)));
      expect(deletes.flatMap((s) => s.actions)).toEqual(["s3:DeleteObject"]);
      expect(deletes.flatMap((s) => s.resources).map(render)).toEqual(["<ref>/_sluice/backfills/*.start.lock"]);
      expect(own.flatMap((s) => s.actions).filter((a) => /Create|Update|Publish|PutRecord/.test(a))).toEqual([]);
      expect(own.filter((s) => JSON.stringify(s.resources).includes(rawId))).toEqual([]);
      const ssm = own.filter((s) => s.actions.some((a) => a.startsWith("ssm:")));
      expect(ssm.flatMap((s) => s.resources).map(render)).toEqual([
        `arn:<ref>:ssm:eu-west-1:123456789012:parameter/sst/sluice/${STAGE}/Secret/API_TOKEN/value`,
        "arn:<ref>:ssm:eu-west-1:123456789012:parameter/sst/sluice/.fallback/Secret/API_TOKEN/value",
      ]);
    });

    it("bundles the dashboard and uPlot with api.handler, and the bundle itself serves them", async () => {
      // Prepare: the function's asset folder in the cloud assembly, and Glue on 127.0.0.1 answering
      // GetTable with its documented EntityNotFoundException (no production yet)
      const asset = join(assembly.directory, `asset.${String(apiFunction().Properties.Code.S3Key).replace(/\.zip$/, "")}`);
      const glueCalls: string[] = [];
      const glue = createServer((req, res) => {
        let body = "";
        req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
        req.on("end", () => {
          glueCalls.push(`${req.headers["x-amz-target"]} ${body}`);
          res.writeHead(400, { "Content-Type": "application/x-amz-json-1.1" });
          res.end(JSON.stringify({ __type: "EntityNotFoundException", Message: "Table weather_prod not found." }));
        });
      });
      await new Promise<void>((done) => glue.listen(0, "127.0.0.1", done));
      const script = `
        const { handler } = await import(${JSON.stringify(join(asset, "packages/functions/src/api.mjs"))});
        const answers = [];
        for (const path of ["/", "/ui/uPlot.iife.min.js", "/ui/app.js", "/health"]) {
          const http = { method: "GET", path, protocol: "HTTP/1.1", sourceIp: "203.0.113.7", userAgent: "t" };
          const r = await handler({ version: "2.0", routeKey: "ANY /{proxy+}", rawPath: path, rawQueryString: "", headers: { host: "h" }, body: null, isBase64Encoded: false,
            requestContext: { accountId: "123456789012", apiId: "h", domainName: "h", domainPrefix: "h", http, requestId: "r", routeKey: "ANY /{proxy+}", stage: "$default", time: "", timeEpoch: 0 } }, {});
          answers.push({ path, status: r.statusCode, type: r.headers["content-type"], start: path === "/health" ? r.body : r.body.slice(0, 60) });
        }
        process.stdout.write(JSON.stringify(answers));`;
      const env = {
        PATH: process.env.PATH,
        LAMBDA_TASK_ROOT: asset,
        AWS_REGION: "eu-west-1",
        AWS_ACCESS_KEY_ID: "test",
        AWS_SECRET_ACCESS_KEY: "test",
        AWS_ENDPOINT_URL_GLUE: `http://127.0.0.1:${(glue.address() as AddressInfo).port}`,
        SLUICE_LOG_LEVEL: "silent",
        SST_APP: "sluice",
        SST_STAGE: STAGE,
        SST_Secret_value_API_TOKEN: "bundle-test-token-0123456789",
        ...Object.fromEntries(["RAW_BUCKET", "PROCESSED_BUCKET", "PROD_BUCKET", "ATHENA_RESULTS_BUCKET", "ATHENA_WORKGROUP", "RUN_STATE_MACHINE", "BACKFILL_STATE_MACHINE"].map((n) => [`SST_Parameter_value_${n}`, n.toLowerCase()])),
        SST_Parameter_value_GLUE_DATABASE: `${STAGE}_sluice`,
      };
      try {
        // Act
        const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], { cwd: asset, env, timeout: 20_000 });
        // Assess
        expect(readdirSync(join(asset, LAMBDA_WEB_DIR)).sort()).toEqual([...WEB_FILES].sort());
        expect(existsSync(join(asset, "node_modules/uplot/dist/uPlot.iife.min.js"))).toBe(true);
        expect(JSON.parse(stdout)).toEqual([
          { path: "/", status: 200, type: "text/html; charset=utf-8", start: expect.stringMatching(/^<!doctype html>/) },
          { path: "/ui/uPlot.iife.min.js", status: 200, type: "text/javascript; charset=utf-8", start: expect.stringMatching(/^\/\*! https:\/\/github.com\/leeoniya\/uPlot/) },
          { path: "/ui/app.js", status: 200, type: "text/javascript; charset=utf-8", start: expect.stringMatching(/^\/\/ The sluice dashboard/) },
          // No production yet: Glue answered EntityNotFoundException for every dataset's prod view.
          { path: "/health", status: 200, type: "application/json", start: JSON.stringify({ status: "ok", productionVersion: DATASETS.map((d) => `${d.name}:none:0`).join(",") }) },
        ]);
        for (const dataset of DATASETS) expect(glueCalls).toContain(`AWSGlue.GetTable {"DatabaseName":"${STAGE}_sluice","Name":"${dataset.tables.prod}"}`);
      } finally {
        await new Promise<void>((done) => glue.close(() => done()));
      }
    });

    it("encrypts the alert topic with a rotated key of its own that CloudWatch alarms may use, and accepts TLS only", () => {
      const [topic] = resourcesOf(assembly, "AWS::SNS::Topic");
      const [key] = resourcesOf(assembly, "AWS::KMS::Key");
      // Not alias/aws/sns: alarms cannot publish under SNS's AWS-managed key (https://repost.aws/knowledge-center/cloudwatch-configure-alarm-sns).
      expect(topic!.Properties.KmsMasterKeyId).toEqual({ "Fn::GetAtt": [key!.id, "Arn"] });
      expect(key!.Properties.EnableKeyRotation).toBe(true);
      const cloudwatch = { Effect: "Allow", Principal: { Service: "cloudwatch.amazonaws.com" }, Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } };
      expect(key!.Properties.KeyPolicy.Statement).toContainEqual(expect.objectContaining({ ...cloudwatch, Action: ["kms:Decrypt", "kms:GenerateDataKey"] }));
      const [policy] = resourcesOf(assembly, "AWS::SNS::TopicPolicy");
      expect(policy!.Properties.PolicyDocument.Statement).toContainEqual(expect.objectContaining({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }));
      expect(policy!.Properties.PolicyDocument.Statement).toContainEqual(expect.objectContaining({ ...cloudwatch, Action: "sns:Publish" }));
      for (const name of ["StepRunner", "RunStateMachine"]) {
        const kms = statementsOf(assembly).filter((st) => st.policy.includes(`/${name}${name === "RunStateMachine" ? "Role" : "ServiceRole"}`) && st.actions.some((a) => a.startsWith("kms:")));
        expect(kms.map((st) => st.actions), name).toEqual([["kms:Decrypt", "kms:GenerateDataKey"]]);
      }
    });

    it.each(["StepRunner"])("scopes the %s to the workgroup, the dataset's Glue tables and the lake, with no delete on raw", (name) => {
      const runner = statementsOf(assembly).filter((s) => s.policy.includes(`/${name}ServiceRole`));
      const athena = runner.filter((s) => s.actions.some((a) => a.startsWith("athena:")));
      expect(athena.flatMap((s) => s.resources).map(render)).toEqual([`arn:<ref>:athena:eu-west-1:123456789012:workgroup/<ref>`]);
      const glueTables = runner.flatMap((s) => s.resources).map(render).filter((r) => r.includes(":table/"));
      expect(glueTables.map((r) => r.slice(r.indexOf(":table/") + 7))).toEqual(
        DATASETS.flatMap(glueTablesOf),
      );
      const onRaw = runner.filter((s) => JSON.stringify(s.resources).includes(rawId));
      expect(onRaw.flatMap((s) => s.actions).filter((a) => /Delete|Abort/.test(a))).toEqual([]);
      expect(runner.find((s) => s.actions.includes("sns:Publish"))!.actions).toEqual(["sns:Publish"]);
    });
  });

  describe("Run state machine", () => {
    let api: Cfn;
    let machine: ReturnType<typeof resourcesOf>[number];
    let asl: Asl;
    const stepRunnerId = () => logicalIdOf(api, "AWS::Lambda::Function", "StepRunner");

    beforeAll(() => {
      api = templateOf(assembly, STAGE, "Api");
      const machines = resourcesOf(assembly, "AWS::StepFunctions::StateMachine");
      // The run state machine and the back-fill's, both in the Api stack.
      expect(machines.map((m) => m.stack)).toEqual([`${STAGE}-sluice-Api`, `${STAGE}-sluice-Api`]);
      machine = machines.find((m) => m.id === logicalIdOf(api, "AWS::StepFunctions::StateMachine", "RunStateMachine"))!;
      asl = JSON.parse(renderAsl(machine.Properties.DefinitionString)) as Asl;
    });

    it("keeps its definition (ASL, tokens normalised) as the golden file test/infra/golden/run-state-machine.asl.json", () => {
      expectGoldenAsl(renderAsl(machine.Properties.DefinitionString));
    });

    it("has one state per run step, between Start (takes the lock) and Finish (releases it), each invoking the step runner with its step", () => {
      const tasks = Object.entries(asl.States).filter(([, state]) => state.Type === "Task" && state.Resource === "<StepRunner.Arn>");
      expect(tasks.map(([, state]) => state.Parameters!.step)).toEqual(["start", ...RUN_STEPS, "finish", "fail"]);
      for (const [, state] of tasks) {
        expect(state.Parameters!.execution).toEqual({ "name.$": "$$.Execution.Name", "startTime.$": "$$.Execution.StartTime", "input.$": "$$.Execution.Input" });
        expect(state.TimeoutSeconds).toBe(900);
      }
      expect(asl.StartAt).toBe("Start");
      expect(machine.Properties.DefinitionString["Fn::Join"][1]).toContainEqual({ "Fn::GetAtt": [stepRunnerId(), "Arn"] });
    });

    it("retries the step runner's throttling error and Lambda's throttling with exponential back-off, and catches everything into RecordFailure", () => {
      const throttled = new StepThrottledError("ctas", "TooManyRequestsException").name;
      for (const [name, state] of Object.entries(asl.States).filter(([, s]) => s.Type === "Task" && s.Resource === "<StepRunner.Arn>")) {
        expect(state.Retry![0], name).toMatchObject({ ErrorEquals: [throttled, "Lambda.TooManyRequestsException"], BackoffRate: 2, JitterStrategy: "FULL" });
        expect(state.Retry![0]!.MaxAttempts).toBeGreaterThanOrEqual(3);
        if (name === "RecordFailure") expect(state.Catch).toEqual([{ ErrorEquals: ["States.ALL"], ResultPath: "$.recordError", Next: "AlertUnrecordedFailure" }]);
        else expect(state.Catch, name).toEqual([{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "RecordFailure" }]);
      }
      expect(THROTTLED_ERRORS).toContain(throttled);
    });

    it("logs every event to a log group kept 30 days, traces with X-Ray, and times out inside the run lock's TTL", () => {
      expect(machine.Properties.TracingConfiguration).toEqual({ Enabled: true });
      expect(machine.Properties.LoggingConfiguration.Level).toBe("ALL");
      const [destination] = machine.Properties.LoggingConfiguration.Destinations;
      const group = resourcesOf(assembly, "AWS::Logs::LogGroup").find((g) => JSON.stringify(destination).includes(g.id))!;
      expect(group.Properties.RetentionInDays).toBe(30);
      expect(asl.TimeoutSeconds! * 1000).toBeLessThan(DEFAULT_LOCK_TTL_MS);
    });

    it("may invoke only the step runner and publish only to the alert topic", () => {
      const own = statementsOf(assembly).filter((s) => s.policy.includes("/RunStateMachineRoleDefaultPolicy"));
      const invoke = own.filter((s) => s.actions.some((a) => a.startsWith("lambda:")));
      expect(invoke.flatMap((s) => s.actions)).toEqual(["lambda:InvokeFunction"]);
      // The function and its versions (`<arn>:*`), nothing else.
      expect(invoke.flatMap((s) => s.resources).map(render)).toHaveLength(2);
      expect(invoke.flatMap((s) => s.resources).every((r) => JSON.stringify(r).includes(stepRunnerId()))).toBe(true);
      const topicId = logicalIdOf(api, "AWS::SNS::Topic", "DqAlerts");
      expect(own.filter((s) => s.actions.includes("sns:Publish")).flatMap((s) => s.resources)).toEqual([{ Ref: topicId }]);
      expect(own.flatMap((s) => s.actions).filter((a) => /^(s3|glue|athena|firehose):/.test(a))).toEqual([]);
    });

    it("is the only thing that runs the run engine on AWS: no function's handler is a whole-run runner", () => {
      const handlers = resourcesOf(assembly, "AWS::Lambda::Function").map((f) => String(f.Properties.Handler)).filter((h) => h.startsWith("packages/functions/"));
      // The back-fill runner ingests one chunk per invocation; its run is an execution of the run state machine.
      expect(handlers.sort()).toEqual(["packages/functions/src/api.handler", "packages/functions/src/backfill.handler", ...SCHEDULED.map(() => "packages/functions/src/producer.handler"), "packages/functions/src/step.handler"].sort());
    });

    it("is started by one EventBridge rule per dataset with a runSchedule (none in the built-in definition: test/infra/run-schedules.test.ts)", () => {
      const machineId = logicalIdOf(api, "AWS::StepFunctions::StateMachine", "RunStateMachine");
      const rules = resourcesOf(assembly, "AWS::Events::Rule").filter((r) => JSON.stringify(r.Properties.Targets ?? []).includes(machineId));
      expect(rules).toHaveLength(DATASETS.filter((d) => d.runSchedule).length);
    });
  });

  describe("Back-fill state machine", () => {
    let api: Cfn;
    let machine: ReturnType<typeof resourcesOf>[number];
    let asl: Asl;
    beforeAll(() => {
      api = templateOf(assembly, STAGE, "Api");
      machine = resourcesOf(assembly, "AWS::StepFunctions::StateMachine").find((m) => m.id === logicalIdOf(api, "AWS::StepFunctions::StateMachine", "BackfillStateMachine"))!;
      asl = JSON.parse(renderAsl(machine.Properties.DefinitionString)) as Asl;
    });

    it("keeps its definition (ASL, tokens normalised) as the golden file test/infra/golden/backfill-state-machine.asl.json", () => {
      expectGoldenAsl(renderAsl(machine.Properties.DefinitionString), BACKFILL_STATE_MACHINE_GOLDEN);
    });

    it("plans, ingests the chunks one at a time with a pacing Wait after each, waits for Firehose, then runs the run state machine once and records it", () => {
      expect(asl.StartAt).toBe("Plan");
      const states = asl.States as Record<string, AslState & { ItemsPath?: string; MaxConcurrency?: number; ItemProcessor?: { StartAt: string; States: Record<string, AslState> } }>;
      expect(states.Plan).toMatchObject({ Type: "Task", Resource: "<BackfillRunner.Arn>", Parameters: { step: "plan" }, ResultPath: "$.plan", Next: "Chunks" });
      expect(states.Chunks).toMatchObject({ Type: "Map", ItemsPath: "$.plan.chunks", MaxConcurrency: 1, Next: "WaitForLastChunk", Catch: [{ ErrorEquals: ["States.ALL"], Next: "BackfillStopped" }] });
      const inner = states.Chunks!.ItemProcessor!;
      expect(inner.StartAt).toBe("IngestChunk");
      expect(inner.States.IngestChunk).toMatchObject({ Resource: "<BackfillRunner.Arn>", Parameters: { step: "chunk", "index.$": "$.index" }, Next: "PaceChunk" });
      expect(inner.States.PaceChunk).toMatchObject({ Type: "Wait", SecondsPath: "$.chunk.waitSeconds", End: true });
      expect(states.WaitForLastChunk).toMatchObject({ Type: "Wait", SecondsPath: "$.plan.settleSeconds", Next: "RunOverRange" });
      expect(states.RunOverRange).toMatchObject({ Resource: "arn:<AWS::Partition>:states:::states:startExecution.sync:2", Parameters: { StateMachineArn: "<RunStateMachine>", "Input.$": "$.plan.run" }, Next: "RecordRun" });
      expect(states.RecordRun).toMatchObject({ Resource: "<BackfillRunner.Arn>", Parameters: { step: "record" }, Next: "BackfillDone" });
    });

    it("runs the back-fill runner for up to 15 minutes an invocation, allowed only to ingest and keep its cursors", () => {
      const runner = resourcesOf(assembly, "AWS::Lambda::Function").find((f) => f.Properties.Handler === "packages/functions/src/backfill.handler")!;
      expect(runner.Properties).toMatchObject({ Timeout: 900, Runtime: "nodejs24.x" });
      const own = statementsOf(assembly).filter((st) => /\/BackfillRunnerServiceRoleDefaultPolicy/.test(st.policy) && st.effect === "Allow");
      const actions = new Set(own.flatMap((st) => st.actions));
      // No Athena, no Glue, no SNS: the run over the range is the run state machine's.
      expect([...actions].filter((a) => /^(athena|glue|sns|kms):/.test(a))).toEqual([]);
      expect(own.find((st) => st.actions.includes("firehose:PutRecordBatch"))!.resources).toHaveLength(DATASETS.length);
      const writes = own.filter((st) => st.actions.includes("s3:PutObject")).flatMap((st) => st.resources.map(render));
      expect(writes.filter((r) => !/\/errors\//.test(r))).toEqual([expect.stringMatching(/\/_sluice\/backfills\/\*$/)]);
    });
  });

  it("grants * resources to X-Ray and the state machine's log delivery only, and no service-wide action anywhere", () => {
    const statements = statementsOf(assembly).filter((s) => s.effect === "Allow");
    const star = statements.filter((s) => s.resources.includes("*"));
    // CloudWatch Logs vended delivery has no resource-level permissions (Step Functions' logging guide).
    const logDelivery = ["logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"];
    expect(star.filter((s) => s.actions.some((a) => a.startsWith("logs:"))).map((s) => s.policy)).toEqual([expect.stringMatching(/\/RunStateMachineRoleDefaultPolicy/), expect.stringMatching(/\/BackfillStateMachineRoleDefaultPolicy/)]);
    expect(star.flatMap((s) => s.actions).filter((a) => !a.startsWith("xray:") && !logDelivery.includes(a))).toEqual([]);
    expect(statements.flatMap((s) => s.actions).filter((a) => a.endsWith(":*") || a === "*")).toEqual([]);
  });

  it("never lets the pipeline delete from the raw bucket", () => {
    const onRaw = statementsOf(assembly).filter((s) => s.effect === "Allow" && JSON.stringify(s.resources).includes(rawId));
    expect(onRaw.length).toBeGreaterThan(0);
    expect(onRaw.flatMap((s) => s.actions).filter((a) => /^s3:Delete/.test(a))).toEqual([]);
  });

  describe("Operations", () => {
    let alarms: ReturnType<typeof resourcesOf>;
    let topicExport: string;

    beforeAll(() => {
      alarms = resourcesOf(assembly, "AWS::CloudWatch::Alarm");
      const api = templateOf(assembly, STAGE, "Api");
      const topicId = Object.entries(api.Resources).find(([, r]) => r.Type === "AWS::SNS::Topic")![0];
      // The Operations stack reads the topic through the Api stack's export of its Ref.
      topicExport = Object.values(api.Outputs ?? {}).map((o) => o as { Value: unknown; Export?: { Name: string } }).find((o) => JSON.stringify(o.Value) === JSON.stringify({ Ref: topicId }) && o.Export)!.Export!.Name;
    });

    const byMetric = (namespace: string, metric: string) => alarms.filter((a) => a.Properties.Namespace === namespace && a.Properties.MetricName === metric);

    it("alarms on each producer's errors, failed and timed-out runs and back-fills and each stream's failed S3 deliveries, in one stack", () => {
      expect(new Set(alarms.map((a) => a.stack))).toEqual(new Set([`${STAGE}-sluice-Operations`]));
      // The producers' errors (one producer per dataset with subjects); the runs' failures are the state machine's.
      expect(byMetric("AWS/Lambda", "Errors")).toHaveLength(SCHEDULED.length);
      expect(byMetric("AWS/Firehose", "DeliveryToS3.Success")).toHaveLength(DATASETS.length);
      // One alarm per metric on each state machine, the run's and the back-fill's (each named by the Api stack's export of its ARN).
      const api = templateOf(assembly, STAGE, "Api");
      const machineExports = ["RunStateMachine", "BackfillStateMachine"].map((name) => {
        const ref = { Ref: logicalIdOf(api, "AWS::StepFunctions::StateMachine", name) };
        return Object.values(api.Outputs ?? {}).map((o) => o as { Value: unknown; Export?: { Name: string } }).find((o) => JSON.stringify(o.Value) === JSON.stringify(ref) && o.Export)!.Export!.Name;
      });
      for (const metric of ["ExecutionsFailed", "ExecutionsTimedOut"]) {
        const found = byMetric("AWS/States", metric);
        expect(found).toHaveLength(2);
        for (const alarm of found) expect(alarm.Properties).toMatchObject({ Statistic: "Sum", ComparisonOperator: "GreaterThanOrEqualToThreshold" });
        expect(found.map((a) => a.Properties.Dimensions).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual(
          machineExports.map((name) => [{ Name: "StateMachineArn", Value: { "Fn::ImportValue": name } }]).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
        );
      }
      expect(alarms).toHaveLength(SCHEDULED.length + DATASETS.length + 4);
    });

    it("breaches on one 5-minute period, treats no data as fine, and notifies the alert topic", () => {
      for (const alarm of alarms) {
        expect(alarm.Properties).toMatchObject({ Period: 300, EvaluationPeriods: 1, Threshold: 1, TreatMissingData: "notBreaching" });
        expect(alarm.Properties.AlarmActions).toEqual([{ "Fn::ImportValue": topicExport }]);
        expect(alarm.Properties.AlarmDescription).toEqual(expect.any(String));
      }
    });

    // https://docs.aws.amazon.com/firehose/latest/dev/monitoring-with-cloudwatch-metrics.html: successful puts over all puts.
    it("fires a delivery alarm when the minimum success ratio is below 1, and an error alarm from one error", () => {
      for (const alarm of byMetric("AWS/Firehose", "DeliveryToS3.Success")) {
        expect(alarm.Properties).toMatchObject({ Statistic: "Minimum", ComparisonOperator: "LessThanThreshold" });
        expect(alarm.Properties.Dimensions).toEqual([{ Name: "DeliveryStreamName", Value: expect.anything() }]);
      }
      for (const alarm of byMetric("AWS/Lambda", "Errors")) expect(alarm.Properties).toMatchObject({ Statistic: "Sum", ComparisonOperator: "GreaterThanOrEqualToThreshold" });
    });
  });
  // Issue 11: each function bundle minified, ≤ 2 MB, with one copy (so one version) of each
  // @aws-sdk/* and @smithy/* package. SST writes each bundle's source map (gzipped) beside the
  // assets; its `sources` name the installed folder of every bundled module.
  describe("Function bundles", () => {
    const handlers = () => resourcesOf(assembly, "AWS::Lambda::Function").filter((f) => String(f.Properties.Handler).startsWith("packages/functions/"));
    const entryOf = (handler: string) => handler.replace(/\.[A-Za-z]+$/, "");
    const sourceMaps = () =>
      readdirSync(assembly.directory)
        .filter((f) => f.startsWith("asset.") && f.endsWith(".map"))
        .map((f) => JSON.parse(gunzipSync(readFileSync(join(assembly.directory, f))).toString("utf8")) as { sources: string[] });

    it("keeps every function's bundle minified and under 2 MB", () => {
      for (const fn of handlers()) {
        const entry = entryOf(String(fn.Properties.Handler));
        const bundle = join(assembly.directory, `asset.${String(fn.Properties.Code.S3Key).replace(/\.zip$/, "")}`, `${entry}.mjs`);
        const size = statSync(bundle).size;
        expect(size, `${entry}.mjs is ${(size / 1e6).toFixed(2)} MB`).toBeLessThanOrEqual(2 * 1024 * 1024);
        // Minified: long lines (an unminified bundle averages ~40 characters a line).
        expect(size / readFileSync(bundle, "utf8").split("\n").length).toBeGreaterThan(2_000);
      }
    });

    it("bundles one copy of each AWS SDK and Smithy package in every function", () => {
      const entries = new Set(handlers().map((fn) => entryOf(String(fn.Properties.Handler))));
      const mapped = new Set<string>();
      for (const map of sourceMaps()) {
        // esbuild lists a bundle's modules dependencies first: its entry is the last handler file (backfill imports step).
        const entry = map.sources.map((s) => s.match(/(packages\/functions\/src\/[a-z-]+)\.ts$/)?.[1]).filter(Boolean).at(-1);
        if (!entry) continue;
        mapped.add(entry);
        const folders = new Map<string, Set<string>>();
        for (const source of map.sources) {
          const found = source.match(/^(.*node_modules\/(@(?:aws-sdk|smithy)\/[^/]+))\//);
          if (found) folders.set(found[2]!, (folders.get(found[2]!) ?? new Set()).add(found[1]!.replace(/^(\.\.\/)+/, "")));
        }
        expect(folders.get("@aws-sdk/core")?.size, `${entry} bundles @aws-sdk/core`).toBe(1);
        const copies = [...folders].filter(([, at]) => at.size > 1).map(([name, at]) => `${name}: ${[...at].join(", ")}`);
        expect(copies, `${entry} bundles packages twice`).toEqual([]);
      }
      expect(mapped).toEqual(entries);
    });
  });
});
