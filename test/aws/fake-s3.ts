import { createHash } from "node:crypto";
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { mockClient, type AwsStub } from "aws-sdk-client-mock";

interface StoredObject {
  body: Uint8Array;
  etag: string;
  lastModified: Date;
}

/**
 * An in-memory S3 built on aws-sdk-client-mock's `callsFake`, answering with the documented shapes:
 * ListObjectsV2 pages (`MaxKeys`, `IsTruncated`, `NextContinuationToken`, `StartAfter`, `Delimiter` with
 * `CommonPrefixes`), GetObject on a missing
 * key rejects with NoSuchKey, HeadObject with a bare 404 NotFound, conditional PutObject
 * (`IfNoneMatch: "*"`) and DeleteObject (`IfMatch`) reject with 412 PreconditionFailed, and
 * DeleteObjects reports per-key `Errors` inside a 200.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
 */
export class FakeS3 {
  readonly client = new S3Client({ region: "eu-west-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  // client-s3 is pinned to an older @smithy/types than aws-sdk-client-mock's, so the stub is typed loosely.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly mock: AwsStub<any, any, any> = mockClient(this.client as never);
  readonly buckets = new Map<string, Map<string, StoredObject>>();
  /** Keys per ListObjectsV2 page (S3's default and maximum is 1,000). */
  pageSize = 1000;
  /** Keys DeleteObjects reports as failed (AccessDenied), to test partial failures. */
  readonly undeletable = new Set<string>();
  now: () => number = () => Date.now();
  /** Milliseconds each request waits before S3 acts on it (0: none), to interleave concurrent callers. */
  latencyMs: () => number = () => 0;

  constructor() {
    this.mock.on(PutObjectCommand as never).callsFake(async (input) => {
      await this.pause();
      const objects = this.bucket(input.Bucket);
      if (input.IfNoneMatch === "*" && objects.has(input.Key)) throw preconditionFailed();
      const body = typeof input.Body === "string" ? Buffer.from(input.Body, "utf8") : Buffer.from(input.Body as Uint8Array);
      return { ETag: this.store(input.Bucket, input.Key, body).etag };
    });
    this.mock.on(GetObjectCommand as never).callsFake(async (input) => {
      await this.pause();
      const object = this.bucket(input.Bucket).get(input.Key);
      if (!object) throw new NoSuchKey({ message: "The specified key does not exist.", $metadata: { httpStatusCode: 404 } });
      const bytes = object.body;
      return {
        Body: { transformToByteArray: async () => new Uint8Array(bytes), transformToString: async () => Buffer.from(bytes).toString("utf8") },
        ETag: object.etag,
        LastModified: object.lastModified,
        ContentLength: bytes.byteLength,
      };
    });
    this.mock.on(HeadObjectCommand as never).callsFake(async (input) => {
      await this.pause();
      const object = this.bucket(input.Bucket).get(input.Key);
      if (!object) throw new NotFound({ message: "Not Found", $metadata: { httpStatusCode: 404 } });
      return { ETag: object.etag, ContentLength: object.body.byteLength, LastModified: object.lastModified };
    });
    this.mock.on(ListObjectsV2Command as never).callsFake(async (input) => {
      await this.pause();
      const prefix = input.Prefix ?? "";
      const objects = this.bucket(input.Bucket);
      const keys = [...objects.keys()].filter((k) => k.startsWith(prefix) && (input.StartAfter === undefined || byteOrder(k, input.StartAfter) > 0)).sort(byteOrder);
      // With a Delimiter, keys with it after the prefix roll up into one CommonPrefixes entry each,
      // and a page counts contents and common prefixes together (MaxKeys).
      const entries: { key?: string; common?: string }[] = [];
      for (const key of keys) {
        const cut = input.Delimiter ? key.indexOf(input.Delimiter, prefix.length) : -1;
        if (cut < 0) entries.push({ key });
        else {
          const common = key.slice(0, cut + input.Delimiter.length);
          if (entries.at(-1)?.common !== common) entries.push({ common });
        }
      }
      const start = input.ContinuationToken ? Number(Buffer.from(input.ContinuationToken, "base64").toString()) : 0;
      const size = Math.min(input.MaxKeys ?? 1000, this.pageSize);
      const page = entries.slice(start, start + size);
      const truncated = start + size < entries.length;
      const contents = page.filter((e) => e.key !== undefined).map((e) => ({ Key: e.key, Size: objects.get(e.key!)!.body.byteLength }));
      const commons = page.filter((e) => e.common !== undefined).map((e) => ({ Prefix: e.common }));
      return {
        Contents: contents.length ? contents : undefined,
        CommonPrefixes: commons.length ? commons : undefined,
        KeyCount: page.length,
        IsTruncated: truncated,
        ...(truncated ? { NextContinuationToken: Buffer.from(String(start + size)).toString("base64") } : {}),
      };
    });
    this.mock.on(CopyObjectCommand as never).callsFake(async (input) => {
      await this.pause();
      const source = String(input.CopySource);
      const slash = source.indexOf("/");
      const fromBucket = source.slice(0, slash);
      const fromKey = decodeURIComponent(source.slice(slash + 1));
      const object = this.bucket(fromBucket).get(fromKey);
      if (!object) throw new NoSuchKey({ message: "The specified key does not exist.", $metadata: { httpStatusCode: 404 } });
      const copy = this.store(input.Bucket, input.Key, object.body);
      return { CopyObjectResult: { ETag: copy.etag, LastModified: copy.lastModified } };
    });
    this.mock.on(DeleteObjectCommand as never).callsFake(async (input) => {
      await this.pause();
      const objects = this.bucket(input.Bucket);
      const object = objects.get(input.Key);
      if (input.IfMatch !== undefined) {
        // Conditional deletes: a missing key is 404, a different ETag 412.
        if (!object) throw new NoSuchKey({ message: "The specified key does not exist.", $metadata: { httpStatusCode: 404 } });
        if (input.IfMatch !== "*" && input.IfMatch !== object.etag) throw preconditionFailed();
      }
      objects.delete(input.Key);
      return {};
    });
    this.mock.on(DeleteObjectsCommand as never).callsFake(async (input) => {
      await this.pause();
      const requested = input.Delete?.Objects ?? [];
      if (requested.length > 1000) throw new S3ServiceException({ name: "MalformedXML", $fault: "client", $metadata: { httpStatusCode: 400 }, message: "more than 1000 keys" });
      const objects = this.bucket(input.Bucket);
      const errors = [];
      const deleted = [];
      for (const { Key } of requested) {
        if (this.undeletable.has(Key!)) errors.push({ Key, Code: "AccessDenied", Message: "Access Denied" });
        else {
          objects.delete(Key!);
          deleted.push({ Key });
        }
      }
      return { ...(input.Delete?.Quiet ? {} : { Deleted: deleted }), ...(errors.length ? { Errors: errors } : {}) };
    });
  }

  /** Stores an object directly (as another writer would), e.g. an old lock. */
  store(bucket: string, key: string, body: Uint8Array, lastModified = new Date(this.now())): StoredObject {
    const object = { body: new Uint8Array(body), etag: `"${createHash("md5").update(body).digest("hex")}-${Math.random().toString(16).slice(2, 8)}"`, lastModified };
    this.bucket(bucket).set(key, object);
    return object;
  }

  private async pause(): Promise<void> {
    const ms = this.latencyMs();
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  }

  keys(bucket: string): string[] {
    return [...this.bucket(bucket).keys()].sort(byteOrder);
  }

  private bucket(name: string | undefined): Map<string, StoredObject> {
    if (!name) throw new Error("no Bucket in the request");
    let bucket = this.buckets.get(name);
    if (!bucket) this.buckets.set(name, (bucket = new Map()));
    return bucket;
  }
}

function preconditionFailed(): S3ServiceException {
  return new S3ServiceException({
    name: "PreconditionFailed",
    $fault: "client",
    $metadata: { httpStatusCode: 412 },
    message: "At least one of the pre-conditions you specified did not hold",
  });
}

/** S3 lists keys in UTF-8 binary order. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}
