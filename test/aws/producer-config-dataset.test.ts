import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { BUNDLED_CONFIG_FILE, resetBundledProject } from "../../packages/core/src/config/project";
import { ManualClock } from "../../packages/core/src/lake/clock";
import { silentLogger } from "../../packages/core/src/log/logger";
import { AwsRuntime } from "../../packages/core/src/runtime/aws";
import { NoSubjectsError, produce } from "../../packages/functions/src/producer";
import { bundledProject } from "../../packages/core/src/config/project";
import { runInputSchema, runParametersOf } from "../../packages/functions/src/step";
import { FakeApi } from "../sources/polygon-fake";
import { QUAKES_KEY, quakesReply } from "../sources/rest/rest-helpers";
import { CONFIG } from "../config/deploy-config";
import { AWS_CONFIG } from "./fake-aws";
import { FakeFirehose } from "./fake-firehose";
import { FakeS3 } from "./fake-s3";

// The producer Lambda of a config dataset: it reads the config the stacks bundled beside it
// (SLUICE_CONFIG relative to LAMBDA_TASK_ROOT), fetches the REST API with the bound secret and
// puts the records on the dataset's stream; the unmappable item goes to the error prefix on S3.

const STREAM = "sluice-prod-quakes";

describe("the producer of a config dataset on AWS", () => {
  let root: string;
  let api: FakeApi;
  let restore: () => void = () => undefined;
  const env = { SLUICE_CONFIG: process.env.SLUICE_CONFIG, LAMBDA_TASK_ROOT: process.env.LAMBDA_TASK_ROOT };

  beforeAll(async () => {
    api = await FakeApi.start((url, _i, headers) => quakesReply(url, headers));
    root = mkdtempSync(join(tmpdir(), "sluice-lambda-root-"));
    const config = structuredClone(CONFIG);
    config.datasets.quakes.source.client.base_url = `${api.baseUrl}/v1/`;
    writeFileSync(join(root, BUNDLED_CONFIG_FILE), JSON.stringify(config));
    process.env.LAMBDA_TASK_ROOT = root;
    process.env.SLUICE_CONFIG = BUNDLED_CONFIG_FILE;
    resetBundledProject();
  });
  afterAll(async () => {
    for (const [name, value] of Object.entries(env)) value === undefined ? delete process.env[name] : (process.env[name] = value);
    resetBundledProject();
    await api.close();
    rmSync(root, { recursive: true, force: true });
  });
  afterEach(() => restore());

  function runtime(secrets: Record<string, string>) {
    const firehose = new FakeFirehose([STREAM]);
    const s3 = new FakeS3();
    restore = () => [firehose.mock, s3.mock].forEach((m) => m.restore());
    const aws = new AwsRuntime({
      config: { ...AWS_CONFIG, firehoseStreams: { quakes: STREAM }, restSecrets: secrets },
      logger: silentLogger,
      clients: { firehose: firehose.client, s3: s3.client },
      clock: new ManualClock(Date.parse("2024-11-26T10:00:00Z")),
      sleep: async () => undefined,
    });
    return { aws, firehose, s3 };
  }

  it("fetches the configured subjects yesterday..today on its schedule's event, with the bound secret", async () => {
    // Prepare
    const { aws, firehose, s3 } = runtime({ QUAKES_API_KEY: QUAKES_KEY });

    // Act: what the schedule sends
    const summary = await produce(aws, { dataset: "quakes" });

    // Assess
    expect(summary).toMatchObject({ dataset: "quakes", source: "rest", from: "2024-11-25", to: "2024-11-26", locationsRequested: 2, recordsDelivered: 3 });
    expect(api.requests.every((r) => r.headers["x-api-key"] === QUAKES_KEY)).toBe(true);
    expect(firehose.accepted.get(STREAM)!.map((r) => (JSON.parse(r) as { id: string }).id).sort()).toEqual(["ak1", "us1", "us2"]);
    expect(summary.failures).toEqual([{ location: "ak", error: expect.stringMatching(/error output.*"longitude"|error output.*Sluice\.RestFieldMissing/) }]);
    expect(summary.errorOutput).toEqual({ "sluice-client-failed": 1 });
    expect(s3.keys(AWS_CONFIG.buckets.raw).filter((key) => key.startsWith("errors/quakes/sluice-client-failed/"))).toHaveLength(1);
  });

  it("fails by name without its secret; a scheduled run of it takes the config's subjects and its REST source", async () => {
    // Prepare
    const { aws } = runtime({});

    // Act
    const error = await produce(aws, { dataset: "quakes" }).then(
      () => new Error("the producer ran without its secret"),
      (e: unknown) => e as Error,
    );
    const scheduled = runParametersOf(runInputSchema.parse({ dataset: "quakes" }), "2024-11-26T10:15:00Z", bundledProject().pipeline.datasets.quakes);

    // Assess
    expect(error.message).toMatch(/QUAKES_API_KEY/);
    expect(error.message).not.toContain(QUAKES_KEY);
    expect(scheduled).toMatchObject({ dataset: "quakes", source: "rest", from: "2024-11-25", to: "2024-11-26", locations: [{ name: "us" }, { name: "ak" }], variables: [] });
    expect(error).not.toBeInstanceOf(NoSubjectsError);
  });
});
