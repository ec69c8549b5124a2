import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { S3RunLock } from "../../packages/core/src/aws/s3-run-lock";
import { ManualClock } from "../../packages/core/src/lake/clock";
import { FsRunLock } from "../../packages/core/src/twin/fs-run-lock";
import { FakeS3 } from "../aws/fake-s3";
import { describeRunLockContract } from "./run-lock.contract";

describeRunLockContract("FsRunLock on a temp dir (the twin: stale = holder process gone)", async () => {
  const root = await mkdtemp(join(tmpdir(), "sluice-contract-lock-"));
  const path = join(root, "_sluice", "run.lock");
  return {
    lock: new FsRunLock(path),
    plantStale: async (runId) => {
      // The pid of a process that has exited: the lock's holder is certainly dead.
      const pid = spawnSync(process.execPath, ["-e", ""]).pid;
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, JSON.stringify({ runId, since: "2024-11-24T09:00:00.000Z", pid }));
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});

describeRunLockContract("S3RunLock on an in-memory S3 (stale = older than the 2 h TTL)", async () => {
  const s3 = new FakeS3();
  const clock = new ManualClock(Date.parse("2024-11-25T10:00:00Z"));
  s3.now = () => clock.now();
  return {
    lock: new S3RunLock(s3.client, { bucket: "processed", clock }),
    plantStale: async (runId) => {
      const threeHoursAgo = new Date(clock.now() - 3 * 3600_000);
      s3.store("processed", "_sluice/run.lock", Buffer.from(JSON.stringify({ runId, since: threeHoursAgo.toISOString() })), threeHoursAgo);
    },
    cleanup: async () => s3.mock.restore(),
  };
});
