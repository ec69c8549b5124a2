import { DependencyType, TextFile, javascript, typescript } from "projen";

/** Exact pins that PLATFORM.md says must not float (a second copy of CDK breaks construct identity). */
const PINS = {
  sst: "2.49.8",
  awsCdkLib: "2.224.0",
  // SST pins 10.3.0, projen 0.103 needs ^10.5: one shared copy of 10.5.1 serves both (see README notes).
  constructs: "10.5.1",
  typescript: "5.9.3",
  cdkNag: "2.37.55",
  duckdb: "1.5.6-r.1",
  // npm 11 writes every platform's optional packages (DuckDB bindings, rollup) into the lockfile; npm 10
  // drops them and both rewrite each other's lock, so only npm 11 may install. 11.16 is the first to
  // read `allowScripts`.
  npm: "^11.16.0",
  // Node 20 is end-of-life; the tests pass on 22, 24 and 26. `.nvmrc` names the LTS we develop on.
  minNode: "22.0.0",
  nvmrc: "24",
  // One generation of the AWS SDK in every Lambda bundle: our clients at one release (their
  // @aws-sdk/core and @smithy/* ranges then dedupe onto one copy), and SST's exact 3.699 pin of the
  // client-ssm its `sst/node/config` imports at runtime overridden onto the same release. SST's other
  // clients (CLI only, never bundled) keep their own pins. test/infra/bundles.test.ts checks it.
  awsSdk: "3.1178.0",
  powertools: "2.36.0",
};

const project = new typescript.TypeScriptProject({
  name: "sluice",
  description: "Turn a public HTTP API into an analytics-ready, quality-checked data lake — on AWS or on a local twin.",
  defaultReleaseBranch: "main",
  projenrcTs: true,
  projenrcTsOptions: { runner: typescript.TypeScriptRunner.tsx() },
  typescriptVersion: PINS.typescript,
  packageManager: javascript.NodePackageManager.NPM,
  minNodeVersion: PINS.minNode,
  devEngines: { packageManager: { name: "npm", version: PINS.npm, onFail: "error" } },
  github: false,
  release: false,
  package: false,
  depsUpgrade: false,
  buildWorkflow: false,
  pullRequestTemplate: false,
  jest: false,
  eslint: false,
  prettier: false,
  sampleCode: false,
  licensed: false,
  npmignoreEnabled: false,
  vscode: false,
  srcdir: "packages",
  testdir: "test",
  entrypoint: "",
  bin: { sluice: "bin/sluice.js" },
  deps: [
    `sst@${PINS.sst}`,
    `aws-cdk-lib@${PINS.awsCdkLib}`,
    `constructs@${PINS.constructs}`,
    `@duckdb/node-api@${PINS.duckdb}`,
    "zod@^3.25",
    "commander@^14",
    "jq-web@0.6.2",
    "tsx@^4.20",
    "hono@^4.13",
    "@hono/node-server@^2.1",
    "@hono/zod-openapi@^0.19.10",
    "uplot@^1.6.32",
    `@aws-sdk/client-s3@${PINS.awsSdk}`,
    `@aws-sdk/client-firehose@${PINS.awsSdk}`,
    `@aws-sdk/client-glue@${PINS.awsSdk}`,
    `@aws-sdk/client-athena@${PINS.awsSdk}`,
    `@aws-sdk/client-sns@${PINS.awsSdk}`,
    `@aws-sdk/client-sfn@${PINS.awsSdk}`,
    `cdk-nag@${PINS.cdkNag}`,
    `@aws-lambda-powertools/logger@${PINS.powertools}`,
    // Not imported by our code: declared so npm hoists our clients' copies to the top (SST's older
    // exact pins move under node_modules/sst) and every bundle carries one copy instead of three.
    "@smithy/signature-v4@^5.7.5",
    "@aws-sdk/signature-v4-multi-region@^3.996.52",
  ],
  devDeps: [
    "vitest@^3.2",
    "@types/node@^22",
    "playwright-core@^1.65",
    "autocannon@^8",
    "@types/autocannon@^7",
    "aws-sdk-client-mock@^4.1",
    "@types/aws-lambda@^8",
    // scripts/build-cli.ts bundles lib/ with it; the same version sst v2 bundles Lambdas with (one copy in the tree)
    "esbuild@^0.18.13",
  ],
  allowScripts: ["esbuild", "aws-crt", "aws-sdk", "@duckdb/node-bindings"],
  gitignore: ["/node_modules", ".sst/", "cdk.out/", ".lake/", "bench/out/", ".ci/out/", ".ci/node/", "*.log"],
  tsconfig: {
    include: ["packages/**/*.ts", "stacks/**/*.ts", "sst.config.ts", "bench/**/*.ts", "test/**/*.ts", "scripts/**/*.ts"],
    compilerOptions: {
      rootDir: ".",
      outDir: "lib",
      noEmit: true,
      module: "ESNext",
      moduleResolution: javascript.TypeScriptModuleResolution.BUNDLER,
      target: "ES2022",
      lib: ["ES2023"],
      esModuleInterop: true,
      skipLibCheck: true,
      declaration: false,
      inlineSourceMap: false,
      inlineSources: false,
      noUnusedLocals: true,
      noUnusedParameters: true,
      resolveJsonModule: true,
      allowImportingTsExtensions: true,
    },
  },
  disableTsconfigDev: true,
});

project.package.addField("type", "module");
// projen adds `constructs` as a floating dev dependency; one exact copy is shared by projen, SST and CDK
// (two copies break construct identity), so SST's own exact pin is overridden too.
project.deps.removeDependency("constructs", DependencyType.BUILD);
project.package.addField("overrides", {
  constructs: PINS.constructs,
  "aws-cdk-lib": PINS.awsCdkLib,
  sst: { "@aws-sdk/client-ssm": PINS.awsSdk },
});

// vitest replaces jest: the test task runs the suite once, with no watch.
const test = project.tasks.tryFind("test")!;
test.reset("vitest run");
project.addTask("test:watch", { exec: "vitest" });
project.compileTask.reset("tsc --noEmit");
// The CLI bundled into lib/ (gitignored) so `sluice` starts without tsx; npm runs `prepare` after
// `npm install`/`npm ci`, so a fresh clone has it. bin/sluice.js falls back to the sources when lib/ is stale.
const buildCli = project.addTask("build:cli", { description: "Bundle the CLI into lib/ with esbuild (bin/sluice.js runs it)", exec: "tsx scripts/build-cli.ts" });
project.compileTask.spawn(buildCli);
project.package.setScript("prepare", "projen build:cli");
project.addTask("typecheck", { exec: "tsc --noEmit" });
project.addTask("sluice", { description: "Run the sluice CLI", exec: "node bin/sluice.js", receiveArgs: true });
// The README's main command: the offline demo on the local twin.
project.addTask("start", {
  description: "Offline demo on the local twin, then the API and dashboard (`npm start -- --port 8080`)",
  exec: "node bin/sluice.js serve --demo",
  receiveArgs: true,
});
project.addTask("bench:ingest", { description: "Benchmark: ingest through the Firehose twin vs DuckDB", exec: "tsx bench/ingest.ts", receiveArgs: true });
project.addTask("bench:producer", { description: "Benchmark: the hourly scheduled producer with cursors vs yesterday..today, as the lake ages", exec: "tsx bench/producer.ts", receiveArgs: true });
project.addTask("synth", {
  description: "Write the SST v2 app's CloudFormation templates offline (cdk.out/)",
  exec: "tsx scripts/synth.ts",
  env: { SST_TELEMETRY_DISABLED: "1", NODE_ENV: "test" },
  receiveArgs: true,
});
// sst needs --stage and SST_TELEMETRY_DISABLED=1 here: scripts/sst.ts refuses to run without a stage and sets it.
for (const [name, what] of [
  ["deploy", "Deploy the app to AWS: npm run deploy -- --stage NAME"],
  ["dev", "Live Lambda development on AWS: npm run dev -- --stage NAME"],
  ["remove", "Remove a stage from AWS (production stages keep their buckets): npm run remove -- --stage NAME"],
] as const) {
  project.addTask(name, { description: what, exec: `tsx scripts/sst.ts ${name}`, receiveArgs: true });
}
project.addTask("dashboards", { description: "Regenerate dashboards/<dataset>.json (Grafana) from the dataset definitions", exec: "tsx scripts/dashboards.ts", receiveArgs: true });
project.addTask("bench:startup", { description: "Benchmark: `sluice --help` and `sluice query` start vs node -e 0", exec: "tsx bench/startup.ts", receiveArgs: true });
project.addTask("bench:pipeline", { description: "Benchmark: the run engine vs plain DuckDB", exec: "tsx bench/pipeline.ts", receiveArgs: true });
project.addTask("bench:history", { description: "Benchmark: a one-day run and SELECT 1 on a 730-day lake vs a 7-day lake, and plain DuckDB", exec: "tsx bench/history.ts", receiveArgs: true });

// Tests write their screenshot under .ci/out/; README's picture changes only when asked for.
project.addTask("screenshot", {
  description: "Refresh docs/img/dashboard.png from the dashboard browser test (needs /usr/bin/chromium)",
  exec: "vitest run test/browser/dashboard.test.ts",
  env: { SLUICE_SCREENSHOT: "docs/img/dashboard.png" },
});

new TextFile(project, ".nvmrc", { lines: [PINS.nvmrc] });

project.synth();
