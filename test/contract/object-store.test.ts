import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FsObjectStore } from "../../packages/core/src/lake/fs-object-store";
import { S3ObjectStore } from "../../packages/core/src/aws/s3-object-store";
import { FakeS3 } from "../aws/fake-s3";
import { describeObjectStoreContract } from "./object-store.contract";

describeObjectStoreContract("FsObjectStore on a temp dir (the twin, for real)", async () => {
  const root = await mkdtemp(join(tmpdir(), "sluice-contract-store-"));
  return { store: new FsObjectStore(root), cleanup: () => rm(root, { recursive: true, force: true }) };
});

describeObjectStoreContract("S3ObjectStore on an in-memory S3 (aws-sdk-client-mock, 2-key list pages)", async () => {
  const s3 = new FakeS3();
  // Tiny pages so every listing in the contract also exercises ContinuationToken paging.
  s3.pageSize = 2;
  return { store: new S3ObjectStore(s3.client), cleanup: async () => s3.mock.restore() };
});
