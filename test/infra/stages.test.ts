import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CloudAssembly } from "aws-cdk-lib/cx-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { synthesizeOffline } from "../../scripts/offline-app";
import { PRODUCTION_STAGES } from "../../stacks/stage";
import { SYNTH_TIMEOUT_MS, synthesizeTestApp, STAGE } from "./synth";
import { resourcesOf } from "./template";

/** Every function's LoggingConfig log group, and that group's retention and deletion policy. */
function functionLogGroups(assembly: CloudAssembly) {
  const groups = resourcesOf(assembly, "AWS::Logs::LogGroup");
  return resourcesOf(assembly, "AWS::Lambda::Function").map((fn) => {
    const ref = (fn.Properties.LoggingConfig as { LogGroup?: { Ref?: string } } | undefined)?.LogGroup?.Ref;
    const group = groups.find((g) => g.stack === fn.stack && g.id === ref);
    return { fn: `${fn.stack}/${fn.id}`, retention: group?.Properties.RetentionInDays, deletion: group?.DeletionPolicy };
  });
}

// A personal or CI stage (the infra tests' own) is disposable; a production stage keeps the lake.
// https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_s3.Bucket.html#autodeleteobjects
describe("what a stage leaves behind on sst remove", () => {
  let personal: CloudAssembly;
  let production: CloudAssembly;
  let out: string;

  beforeAll(async () => {
    expect(PRODUCTION_STAGES).not.toContain(STAGE);
    ({ assembly: personal } = await synthesizeTestApp());
    out = await mkdtemp(join(tmpdir(), "sluice-synth-prod-"));
    ({ assembly: production } = await synthesizeOffline({ stage: PRODUCTION_STAGES[0]!, outdir: out }));
  }, SYNTH_TIMEOUT_MS);
  afterAll(() => rm(out, { recursive: true, force: true }));

  it("deletes a personal stage's buckets, emptied first (auto-delete), so sst remove leaves none", () => {
    const buckets = resourcesOf(personal, "AWS::S3::Bucket");
    const autoDelete = resourcesOf(personal, "Custom::S3AutoDeleteObjects");

    expect(buckets.map((b) => b.DeletionPolicy)).toEqual(Array(5).fill("Delete"));
    expect(autoDelete.map((r) => r.Properties.BucketName.Ref).sort()).toEqual(buckets.map((b) => b.id).sort());
  });

  it("retains a production stage's buckets (raw above all) and never auto-deletes their objects", () => {
    const buckets = resourcesOf(production, "AWS::S3::Bucket");

    expect(buckets.map((b) => b.DeletionPolicy)).toEqual(Array(5).fill("Retain"));
    expect(resourcesOf(production, "Custom::S3AutoDeleteObjects")).toEqual([]);
  });

  it("gives every function of both stages (SST's and CDK's too) a log group kept 30 days", () => {
    for (const [assembly, deletion] of [
      [personal, "Delete"],
      [production, "Retain"],
    ] as const) {
      const groups = functionLogGroups(assembly);

      expect(groups.length).toBeGreaterThanOrEqual(5);
      expect(groups.filter((g) => g.retention !== 30 || g.deletion !== deletion)).toEqual([]);
    }
  });
});
