import { WEB_FILES } from "../../packages/core/src/api/web-assets";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { StepFunctionsBackfillLauncher } from "../../packages/core/src/aws/sfn-backfill-launcher";
import { StepFunctionsRunLauncher } from "../../packages/core/src/aws/sfn-run-launcher";
import { createLogger } from "../../packages/core/src/log/logger";

// SST v2 binds a Config.Secret as SST_Secret_value_<NAME> (on Lambda the value "__FETCH_FROM_SSM__"
// makes sst/node/config fetch it from SSM on import) and reads the environment once, on the first
// import of sst/node/*: this file runs in its own worker.

const BOUND: Record<string, string> = {
  SST_Parameter_value_RAW_BUCKET: "sluice-prod-raw",
  SST_Parameter_value_PROCESSED_BUCKET: "sluice-prod-processed",
  SST_Parameter_value_PROD_BUCKET: "sluice-prod-prod",
  SST_Parameter_value_ATHENA_RESULTS_BUCKET: "sluice-prod-athena-results",
  SST_Parameter_value_GLUE_DATABASE: "prod_sluice",
  SST_Parameter_value_ATHENA_WORKGROUP: "prod-sluice-workgroup",
  SST_Parameter_value_RUN_STATE_MACHINE: "arn:aws:states:eu-west-1:123456789012:stateMachine:prod-sluice-RunStateMachine",
  SST_Parameter_value_BACKFILL_STATE_MACHINE: "arn:aws:states:eu-west-1:123456789012:stateMachine:prod-sluice-BackfillStateMachine",
  SST_Secret_value_API_TOKEN: "bound-secret-token-0123456789",
};

describe("apiDepsFromSst: the API's ports from the function's bindings", () => {
  const taskRoot = mkdtempSync(join(tmpdir(), "sluice-lambda-"));
  const previousRoot = process.env.LAMBDA_TASK_ROOT;
  afterAll(() => {
    rmSync(taskRoot, { recursive: true, force: true });
    if (previousRoot === undefined) delete process.env.LAMBDA_TASK_ROOT;
    else process.env.LAMBDA_TASK_ROOT = previousRoot;
  });

  it("takes the token from the API_TOKEN secret, starts runs on RUN_STATE_MACHINE, back-fills on BACKFILL_STATE_MACHINE and serves the dashboard copied into the bundle", async () => {
    // Prepare: the bundle layout stacks/Api.ts's copyFiles makes
    Object.assign(process.env, { SST_APP: "sluice", SST_STAGE: "prod", AWS_REGION: "eu-west-1", LAMBDA_TASK_ROOT: taskRoot, ...BOUND });
    cpSync(join(process.cwd(), "packages", "web"), join(taskRoot, "web"), { recursive: true });
    const { apiDepsFromSst, LAMBDA_WEB_DIR } = await import("../../packages/core/src/runtime/aws");
    // Act
    const deps = await apiDepsFromSst(createLogger("silent"));
    // Assess
    expect(LAMBDA_WEB_DIR).toBe("web");
    expect(deps.token).toBe("bound-secret-token-0123456789");
    expect(deps.launcher).toBeInstanceOf(StepFunctionsRunLauncher);
    expect(deps.backfills.launcher).toBeInstanceOf(StepFunctionsBackfillLauncher);
    expect(deps.pipeline.buckets.processed).toBe("sluice-prod-processed");
    expect(deps.pipeline.glueDatabase).toBe("prod_sluice");
    expect([...deps.assets!.keys()].sort()).toEqual([...WEB_FILES, "uPlot.iife.min.js", "uPlot.min.css"].sort());
    expect(deps.redact!("s3://sluice-prod-prod/weather_prod/v0001/ in prod_sluice")).toBe("s3://<prod>/weather_prod/v0001/ in sluice");
  });

  it("still answers without the dashboard's files, logging where it looked", async () => {
    // Prepare: a bundle without web/
    const lines: string[] = [];
    process.env.LAMBDA_TASK_ROOT = join(taskRoot, "elsewhere");
    const { apiDepsFromSst } = await import("../../packages/core/src/runtime/aws");
    // Act
    const deps = await apiDepsFromSst(createLogger("error", (line) => lines.push(line)));
    // Assess
    expect(deps.assets).toBeUndefined();
    expect(lines.map((l) => JSON.parse(l) as { message: string; webDir: string })).toEqual([
      expect.objectContaining({ message: "dashboard files not found: / and /ui/* will answer 404", webDir: join(taskRoot, "elsewhere", "web") }),
    ]);
  });
});
