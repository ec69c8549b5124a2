import type { App } from "sst/constructs";
import { Analytics } from "./Analytics";
import { Api } from "./Api";
import { Catalog } from "./Catalog";
import { Ingest } from "./Ingest";
import { Operations } from "./Operations";
import { BUNDLED_CONFIG_FILE, bundledConfigFile, FUNCTION_CONFIG_ENV } from "./project";
import { checkCompliance } from "./nag";
import { applyLogRetention } from "./log-retention";
import { applyStagePolicy, retainsData } from "./stage";
import { Storage } from "./Storage";

/** Every stack of the app, in dependency order (shared by sst.config.ts, scripts/synth.ts and the infra tests). */
export function stacks(app: App): void {
  // nodejs24.x is in SST 2.49.8's runtime list (Function.d.ts) and is the runtime cdk-nag's L1 accepts.
  // Access logs are delivered through a bucket policy, not ACLs (ACLs stay disabled on every bucket):
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
  app.node.setContext("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", true);
  // Minified bundles: less to load at a cold start.
  // Every function reads the project config the stacks were built from (its datasets, subjects, rules).
  app.setDefaultFunctionProps({
    runtime: "nodejs24.x",
    architecture: "arm_64",
    nodejs: { minify: true },
    copyFiles: [{ from: bundledConfigFile(), to: BUNDLED_CONFIG_FILE }],
    environment: { ...FUNCTION_CONFIG_ENV },
  });
  applyStagePolicy(app);
  applyLogRetention(app, retainsData(app));
  app.stack(Storage).stack(Catalog).stack(Analytics).stack(Ingest).stack(Api).stack(Operations);
  checkCompliance(app);
}
