import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { Clock } from "../lake/clock";
import { systemClock } from "../lake/clock";
import type { LockHolder, RunLock } from "../run/run-lock";
import { RunInProgressError } from "../run/run-lock";
import { awsErrorName, httpStatusOf } from "./aws-errors";

/** Default age after which a lock is stale: well past the runner Lambda's 15-minute maximum. */
export const DEFAULT_LOCK_TTL_MS = 2 * 60 * 60 * 1000;

/** Options of `S3RunLock`. */
export interface S3RunLockOptions {
  readonly bucket: string;
  /** Default `_sluice/run.lock`. */
  readonly key?: string;
  /** A lock older than this is taken over (default 2 h). */
  readonly ttlMs?: number;
  readonly clock?: Clock;
}

/**
 * One run at a time per lake, on S3: the lock is an object created with a conditional PutObject
 * (`If-None-Match: *`), which S3 refuses with 412 Precondition Failed while the object exists (409
 * ConditionalRequestConflict when two creates race). A Lambda cannot check whether the holder is
 * still alive, so a lock older than the TTL is stale: it is deleted on its ETag (`If-Match`, so a
 * lock renewed meanwhile is not) and taken over. Release deletes the lock on our own ETag. Of
 * several runs racing for one stale lock, only one delete matches its ETag and only one create
 * finds the key absent, so exactly one wins (test/aws/s3.test.ts races four, 30 times).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-deletes.html
 */
export class S3RunLock implements RunLock {
  private readonly key: string;
  private readonly ttlMs: number;
  private readonly clock: Clock;

  constructor(
    private readonly s3: S3Client,
    private readonly options: S3RunLockOptions,
  ) {
    this.key = options.key ?? "_sluice/run.lock";
    this.ttlMs = options.ttlMs ?? DEFAULT_LOCK_TTL_MS;
    this.clock = options.clock ?? systemClock;
  }

  async acquire(runId: string): Promise<{ release(): Promise<void>; stale?: LockHolder }> {
    let stale: LockHolder | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      const holder: LockHolder = { runId, since: new Date(this.clock.now()).toISOString() };
      try {
        const put = await this.s3.send(
          new PutObjectCommand({
            Bucket: this.options.bucket,
            Key: this.key,
            Body: JSON.stringify(holder),
            ContentType: "application/json",
            IfNoneMatch: "*",
          }),
        );
        return { release: () => this.release(put.ETag), ...(stale ? { stale } : {}) };
      } catch (error) {
        if (!isConflict(error)) throw error;
      }
      const current = await this.read();
      if (!current) continue; // released between our put and our read: try again
      if (this.clock.now() - current.sinceMs < this.ttlMs) throw new RunInProgressError(current.holder.runId, current.holder.since);
      stale = current.holder;
      try {
        await this.s3.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.key, IfMatch: current.etag }));
      } catch (error) {
        // Someone else took the stale lock over first: the next round sees their fresh lock.
        if (!isConflict(error) && !isMissing(error)) throw error;
      }
    }
    const current = await this.read();
    throw new RunInProgressError(current?.holder.runId ?? "unknown", current?.holder.since ?? "unknown");
  }

  async holder(): Promise<LockHolder | undefined> {
    return (await this.read())?.holder;
  }

  async releaseHeldBy(runId: string): Promise<void> {
    const current = await this.read();
    // On the lock's own ETag: a lock taken over meanwhile is another run's.
    if (current?.holder.runId === runId) await this.release(current.etag);
  }

  private async release(etag: string | undefined): Promise<void> {
    try {
      await this.s3.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.key, ...(etag ? { IfMatch: etag } : {}) }));
    } catch (error) {
      // 412: our lock went stale and another run took it over; it is theirs now.
      if (!isConflict(error) && !isMissing(error)) throw error;
    }
  }

  private async read(): Promise<{ holder: LockHolder; etag?: string; sinceMs: number } | undefined> {
    try {
      const output = await this.s3.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.key }));
      const text = output.Body ? await output.Body.transformToString() : "";
      let holder: LockHolder;
      try {
        holder = JSON.parse(text) as LockHolder;
      } catch {
        holder = { runId: "unknown", since: (output.LastModified ?? new Date(0)).toISOString() };
      }
      // S3's own LastModified is the trustworthy age; the holder's clock may be off.
      const sinceMs = output.LastModified?.getTime() ?? Date.parse(holder.since);
      return { holder, ...(output.ETag ? { etag: output.ETag } : {}), sinceMs: Number.isNaN(sinceMs) ? 0 : sinceMs };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }
}

function isConflict(error: unknown): boolean {
  const name = awsErrorName(error);
  const status = httpStatusOf(error);
  return name === "PreconditionFailed" || name === "ConditionalRequestConflict" || status === 412 || status === 409;
}

function isMissing(error: unknown): boolean {
  return awsErrorName(error) === "NoSuchKey" || httpStatusOf(error) === 404;
}
