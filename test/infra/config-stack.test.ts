import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CloudAssembly } from "aws-cdk-lib/cx-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { synthesizeOffline } from "../../scripts/offline-app";
import { BUNDLED_CONFIG_FILE } from "../../stacks/project";
import { CONFIG } from "../config/deploy-config";
import { SYNTH_TIMEOUT_MS } from "./synth";
import { render, resourcesOf, statementsOf } from "./template";

// issue 10: the same config that `sluice run --config` reads synthesizes the deployed pipeline —
// a config dataset's Firehose stream, raw table, producer schedule and secret — and a bad field
// stops synthesis naming it.

const STAGE = "cfg";

describe("synthesizing the stacks from a project config (SLUICE_CONFIG)", () => {
  let dir: string;
  let assembly: CloudAssembly;
  const producers = () => resourcesOf(assembly, "AWS::Lambda::Function").filter((f) => f.Properties.Handler === "packages/functions/src/producer.handler");
  const bound = (fn: { Properties: Record<string, any> }, kind: string) =>
    Object.keys(fn.Properties.Environment.Variables as Record<string, unknown>)
      .filter((k) => k.startsWith(`SST_${kind}_value_`))
      .map((k) => k.slice(`SST_${kind}_value_`.length))
      .sort();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "sluice-config-stack-"));
    const file = join(dir, "deploy.json");
    writeFileSync(file, JSON.stringify(CONFIG));
    process.env.SLUICE_CONFIG = file;
    try {
      ({ assembly } = await synthesizeOffline({ stage: STAGE, outdir: join(dir, "cdk.out") }));
    } finally {
      delete process.env.SLUICE_CONFIG;
    }
  }, SYNTH_TIMEOUT_MS);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("creates the config dataset's Firehose stream into raw under its own prefix, and none for a disabled dataset", () => {
    const streams = resourcesOf(assembly, "AWS::KinesisFirehose::DeliveryStream");
    expect(streams.map((s) => s.Properties.DeliveryStreamName).sort()).toEqual([`${STAGE}-sluice-air_quality`, `${STAGE}-sluice-quakes`, `${STAGE}-sluice-weather`].sort());
    const quakes = streams.find((s) => s.Properties.DeliveryStreamName === `${STAGE}-sluice-quakes`)!.Properties.ExtendedS3DestinationConfiguration;
    expect(quakes.Prefix).toMatch(/^quakes\/subject=!\{partitionKeyFromQuery:subject\}\/year=!\{timestamp:yyyy\}\//);
    expect(quakes.ErrorOutputPrefix).toMatch(/^errors\/quakes\/!\{firehose:error-output-type\}\//);
  });

  it("catalogs its raw table with the schema's columns plus subject and collection_time", () => {
    const table = resourcesOf(assembly, "AWS::Glue::Table").find((t) => t.Properties.TableInput.Name === "raw_quakes")!.Properties.TableInput;
    expect(table.StorageDescriptor.Columns.map((c: { Name: string; Type: string }) => `${c.Name}:${c.Type}`)).toEqual(["subject:string", "id:string", "magnitude:double", "event_time:string", "depth_km:double", "collection_time:string"]);
    expect(table.PartitionKeys.map((k: { Name: string }) => k.Name)).toEqual(["subject", "year", "month", "day", "hour"]);
  });

  it("schedules its producer with the config's schedule and { dataset } as the event, bound to its auth secret only", () => {
    const rules = resourcesOf(assembly, "AWS::Events::Rule").filter((r) => r.id.startsWith("Producerquakes"));
    expect(rules.map((r) => r.Properties.ScheduleExpression)).toEqual(["rate(30 minutes)"]);
    const producer = producers().find((f) => f.id.startsWith("Producerquakes"))!;
    expect(rules[0]!.Properties.Targets).toEqual([expect.objectContaining({ Arn: { "Fn::GetAtt": [producer.id, "Arn"] }, Input: JSON.stringify({ dataset: "quakes" }) })]);
    expect(bound(producer, "Secret")).toEqual(["QUAKES_API_KEY"]);
    expect(bound(producer, "Parameter")).toContain("FIREHOSE_STREAM_QUAKES");
    const ssm = statementsOf(assembly).filter((s) => s.policy.startsWith(`${STAGE}-sluice-Ingest/Producerquakes`) && s.actions.some((a) => a.startsWith("ssm:")));
    const secretPaths = ssm.flatMap((s) => s.resources).map(render).filter((r) => r.includes("/Secret/"));
    expect(secretPaths.some((r) => r.includes("/Secret/QUAKES_API_KEY/"))).toBe(true);
    expect(secretPaths.some((r) => r.includes("/Secret/OPENAQ_API_KEY/"))).toBe(false);
  });

  it("schedules the air-quality producer once stations are configured, with its OpenAQ key; no stocks producer", () => {
    const rules = resourcesOf(assembly, "AWS::Events::Rule").filter((r) => r.id.startsWith("Producerairquality"));
    expect(rules.map((r) => r.Properties.ScheduleExpression)).toEqual(["rate(2 hours)"]);
    expect(bound(producers().find((f) => f.id.startsWith("Producerairquality"))!, "Secret")).toEqual(["OPENAQ_API_KEY"]);
    expect(producers().filter((f) => f.id.startsWith("Producerstocks"))).toEqual([]);
  });

  it("bundles the checked config into every function and points SLUICE_CONFIG at it", () => {
    const functions = resourcesOf(assembly, "AWS::Lambda::Function").filter((f) => f.Properties.Handler?.startsWith("packages/functions/"));
    expect(functions.length).toBeGreaterThanOrEqual(4);
    for (const fn of functions) expect(fn.Properties.Environment.Variables.SLUICE_CONFIG, fn.id).toBe(BUNDLED_CONFIG_FILE);
    // Each function's asset folder in the cloud assembly holds the file beside the handler.
    for (const fn of functions) {
      const path = join(assembly.directory, `asset.${String(fn.Properties.Code.S3Key).replace(/\.zip$/, "")}`, BUNDLED_CONFIG_FILE);
      expect(existsSync(path), path).toBe(true);
      expect(Object.keys((JSON.parse(readFileSync(path, "utf8")) as typeof CONFIG).datasets)).toEqual(["air_quality", "stocks", "quakes"]);
    }
  });

  it("stops synthesis on a bad field, naming the file and the field's path", async () => {
    // Prepare
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({ datasets: { quakes: { ...CONFIG.datasets.quakes, source: { ...CONFIG.datasets.quakes.source, client: { paginator: { type: "link_header" } } } } } }));
    process.env.SLUICE_CONFIG = file;

    // Act
    const failure = await synthesizeOffline({ stage: "bad", outdir: join(dir, "bad.out") }).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    delete process.env.SLUICE_CONFIG;

    // Assess
    expect(failure).toBeInstanceOf(Error);
    expect(failure!.message).toContain(file);
    expect(failure!.message).toMatch(/datasets\.quakes\.source\.client\.base_url/);
    expect(failure!.message).toMatch(/datasets\.quakes\.source\.client\.paginator/);
  }, SYNTH_TIMEOUT_MS);

  it("keeps the buckets of a stage the config names as production, and keeps every log the config's days", () => {
    expect(resourcesOf(assembly, "AWS::S3::Bucket").map((b) => b.DeletionPolicy)).toEqual(Array(5).fill("Retain"));
    expect(resourcesOf(assembly, "Custom::S3AutoDeleteObjects")).toEqual([]);
    const groups = resourcesOf(assembly, "AWS::Logs::LogGroup");
    expect(groups.length).toBeGreaterThanOrEqual(8);
    expect(groups.filter((g) => g.Properties.RetentionInDays !== 90)).toEqual([]);
    const stages = resourcesOf(assembly, "AWS::ApiGatewayV2::Stage");
    expect(stages.length).toBeGreaterThan(0);
    for (const stage of stages) expect(stage.Properties.AccessLogSettings).toBeDefined();
  });
});
