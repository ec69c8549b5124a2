import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { S3ObjectStore } from "../../packages/core/src/aws/s3-object-store";
import { FsObjectStore } from "../../packages/core/src/lake/fs-object-store";
import { ObjectRunStore } from "../../packages/core/src/run/run-store";
import { FakeS3 } from "../aws/fake-s3";
import { describeRunStoreContract } from "./run-store.contract";

describeRunStoreContract("ObjectRunStore over FsObjectStore (the twin, for real)", async () => {
  const root = await mkdtemp(join(tmpdir(), "sluice-contract-runs-"));
  return { runStore: new ObjectRunStore(new FsObjectStore(root), "processed"), cleanup: () => rm(root, { recursive: true, force: true }) };
});

describeRunStoreContract("ObjectRunStore over S3ObjectStore (in-memory S3)", async () => {
  const s3 = new FakeS3();
  s3.pageSize = 2;
  return { runStore: new ObjectRunStore(new S3ObjectStore(s3.client), "processed"), cleanup: async () => s3.mock.restore() };
});
