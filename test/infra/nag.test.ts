import type { CloudAssembly } from "aws-cdk-lib/cx-api";
import { beforeAll, describe, expect, it } from "vitest";
import { scheduledSubjectsOf } from "../../packages/core/src/config/project";
import { stackProject } from "../../stacks/project";
import type { NagFinding } from "../../scripts/offline-app";
import { SYNTH_TIMEOUT_MS, synthesizeTestApp } from "./synth";
import type { Cfn } from "./template";

/** A construct id as CDK's logical id spells it (alphanumerics only: `air_quality` → `airquality`). */
const idOf = (name: string) => name.replace(/[^A-Za-z0-9]/g, "");

/**
 * The suppressions each dataset's resources carry, the same for every dataset: its Firehose role's
 * object wildcards, and its producer's basic-execution policy, X-Ray and error-prefix wildcards.
 */
const perDataset = (dataset: string) => [
  `Ingest/FirehoseRole${idOf(dataset)}DefaultPolicy AwsSolutions-IAM5`,
  ...(SCHEDULED.includes(dataset)
    ? [`Ingest/Producer${idOf(dataset)}JobProducer${idOf(dataset)}ServiceRole AwsSolutions-IAM4`, `Ingest/Producer${idOf(dataset)}JobProducer${idOf(dataset)}ServiceRoleDefaultPolicy AwsSolutions-IAM5`]
    : []),
];

// The stacks deploy the repository's sluice.config.ts; a dataset without subjects has no producer.
const { pipeline } = stackProject();
const SCHEDULED = Object.values(pipeline.datasets).filter((d) => scheduledSubjectsOf(d) !== undefined).map((d) => d.name);

/** Every cdk-nag suppression written into the templates: stack, resource, rule, reason. */
function suppressionsOf(assembly: CloudAssembly) {
  return assembly.stacks.flatMap((stack) =>
    Object.entries((stack.template as Cfn).Resources).flatMap(([id, r]) =>
      ((r.Metadata?.cdk_nag?.rules_to_suppress ?? []) as { id: string; reason: string }[]).map((s) => ({
        at: `${stack.stackName.replace(/^test-sluice-/, "")}/${id.replace(/[A-F0-9]{8}$/, "")}`,
        rule: s.id,
        reason: s.reason,
      })),
    ),
  );
}

// cdk-nag AwsSolutions pack (https://github.com/cdklabs/cdk-nag/blob/main/RULES.md) over all stacks.
describe("cdk-nag AwsSolutionsChecks over the whole app", () => {
  let assembly: CloudAssembly;
  let findings: readonly NagFinding[];

  beforeAll(async () => {
    ({ assembly, findings } = await synthesizeTestApp());
  }, SYNTH_TIMEOUT_MS);

  it("leaves no unsuppressed error or warning", () => {
    const listed = findings.map((f) => `${f.level} ${f.path}: ${f.message.slice(0, 160)}`);
    expect(listed).toEqual([]);
  });

  it("suppresses only the reviewed findings, each with a written reason", () => {
    const suppressions = suppressionsOf(assembly);
    for (const s of suppressions) expect(s.reason.length, `${s.at} ${s.rule}`).toBeGreaterThanOrEqual(40);
    const reviewed = [...new Set(suppressions.map((s) => `${s.at.replace(/^[A-Za-z]+\/CustomResourceHandler.*/, "*/CustomResourceHandler")} ${s.rule}`))].sort();
    expect(reviewed).toEqual(
      [
        "*/CustomResourceHandler AwsSolutions-IAM4",
        "*/CustomResourceHandler AwsSolutions-L1",
        "Storage/accesslogs AwsSolutions-S1",
        "Catalog/CrawlerRoleDefaultPolicy AwsSolutions-IAM5",
        "Catalog/RawCrawler AwsSolutions-GL1",
        ...Object.keys(pipeline.datasets).flatMap(perDataset),
        "Api/StepRunnerServiceRole AwsSolutions-IAM4",
        "Api/StepRunnerServiceRoleDefaultPolicy AwsSolutions-IAM5",
        "Api/RunStateMachineRoleDefaultPolicy AwsSolutions-IAM5",
        "Api/ApiHandlerServiceRole AwsSolutions-IAM4",
        "Api/ApiHandlerServiceRoleDefaultPolicy AwsSolutions-IAM5",
        "Api/BackfillRunnerServiceRole AwsSolutions-IAM4",
        "Api/BackfillRunnerServiceRoleDefaultPolicy AwsSolutions-IAM5",
        "Api/BackfillStateMachineRoleDefaultPolicy AwsSolutions-IAM5",
        "Api/HttpRouteGET AwsSolutions-APIG4",
        "Api/HttpRouteANYproxy AwsSolutions-APIG4",
      ].sort(),
    );
  });

  it("runs every sluice function on nodejs24.x, the runtime the L1 rule accepts", () => {
    const runtimes = assembly.stacks.flatMap((stack) =>
      Object.entries((stack.template as Cfn).Resources)
        // sluice's own handlers; SST's CustomResourceHandler and CDK's S3 auto-delete provider pin theirs.
        .filter(([, r]) => r.Type === "AWS::Lambda::Function" && String(r.Properties?.Handler).startsWith("packages/functions/"))
        .map(([, r]) => r.Properties!.Runtime),
    );
    // One producer per dataset with subjects, the step runner, the back-fill runner and the API.
    expect(runtimes).toEqual(Array(SCHEDULED.length + 3).fill("nodejs24.x"));
  });
});
