import { Template } from "aws-cdk-lib/assertions";
import { App, getStack } from "sst/constructs";
import { initProject } from "sst/project.js";
import { beforeAll, describe, expect, it } from "vitest";
import { stacks } from "../../stacks";
import { Storage } from "../../stacks/Storage";

// Synthesizes the SST v2 app offline (PLATFORM.md: initProject + App in deploy mode, NODE_ENV=test).
describe("the SST v2 app", () => {
  let template: Template;

  beforeAll(async () => {
    process.env.SST_TELEMETRY_DISABLED = "1";
    await initProject({ stage: "test" });
    const app = new App({ mode: "deploy", stage: "test", name: "sluice", region: "eu-west-1", account: "123456789012" });
    stacks(app);
    template = Template.fromStack(getStack(Storage));
  });

  it("synthesizes the raw bucket as versioned, encrypted and private", () => {
    template.hasResourceProperties("AWS::S3::Bucket", {
      VersioningConfiguration: { Status: "Enabled" },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    expect(Object.keys(template.findResources("AWS::S3::Bucket"))).toHaveLength(1);
  });
});
