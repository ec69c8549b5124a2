import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { FirehoseDeliveryStream } from "../../packages/core/src/aws/firehose-delivery-stream";
import { FirehoseTwin } from "../../packages/core/src/delivery/firehose/firehose-twin";
import { ManualClock } from "../../packages/core/src/lake/clock";
import { FsObjectStore } from "../../packages/core/src/lake/fs-object-store";
import { weatherDataset } from "../../packages/core/src/pipeline/weather";
import { FakeFirehose } from "../aws/fake-firehose";
import { describeDeliveryContract } from "./delivery.contract";

describeDeliveryContract("FirehoseTwin on a temp lake (delivered = objects written after flush)", async () => {
  const root = await mkdtemp(join(tmpdir(), "sluice-contract-delivery-"));
  const store = new FsObjectStore(root);
  const twin = await FirehoseTwin.create({ spec: weatherDataset.firehose, store, bucket: "raw", clock: new ManualClock(Date.parse("2024-11-25T10:00:00Z")), timerMs: false });
  return {
    target: twin,
    delivered: async () => {
      await twin.flush();
      const lines: string[] = [];
      for (const object of await store.list("raw", "weather/")) {
        const body = Buffer.from(await store.get("raw", object.key));
        lines.push(...(object.key.endsWith(".gz") ? gunzipSync(body) : body).toString("utf8").split("\n").filter(Boolean));
      }
      return lines;
    },
    cleanup: async () => {
      await twin.close();
      await rm(root, { recursive: true, force: true });
    },
  };
});

describeDeliveryContract("FirehoseDeliveryStream on a mocked PutRecordBatch (delivered = accepted by Firehose)", async () => {
  const firehose = new FakeFirehose(["sluice-prod-weather"]);
  return {
    target: new FirehoseDeliveryStream(firehose.client, "sluice-prod-weather"),
    delivered: async () => firehose.accepted.get("sluice-prod-weather") ?? [],
    cleanup: async () => firehose.mock.restore(),
  };
});
