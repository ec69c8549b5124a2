import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandInput,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import type { ListOptions, ObjectInfo, ObjectStore } from "../lake/object-store";
import { ObjectNotFoundError } from "../lake/object-store";
import { awsErrorName, chunks, httpStatusOf } from "./aws-errors";

/** DeleteObjects takes at most 1,000 keys per request (S3 API reference). */
export const DELETE_OBJECTS_MAX_KEYS = 1000;

/** Some keys of a DeleteObjects call were not deleted (the call itself returned 200). */
export class S3DeleteError extends Error {
  override readonly name = "S3DeleteError";
  constructor(
    readonly bucket: string,
    readonly failures: readonly { key: string; code: string; message: string }[],
  ) {
    super(
      `could not delete ${failures.length} object(s) in s3://${bucket}: ` +
        failures.slice(0, 5).map((f) => `${f.key} (${f.code}: ${f.message})`).join("; ") +
        (failures.length > 5 ? "; …" : ""),
    );
  }
}

/**
 * The lake's storage port on Amazon S3. `list` pages ListObjectsV2 with its ContinuationToken
 * (and `StartAfter`), `listPrefixes` asks for `CommonPrefixes` with `Delimiter: "/"`;
 * `deletePrefix` deletes in DeleteObjects batches of ≤ 1,000 keys and surfaces per-key errors,
 * which S3 reports inside a 200 response.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html
 */
export class S3ObjectStore implements ObjectStore {
  constructor(private readonly s3: S3Client) {}

  locationOf(bucket: string, key: string): string {
    return `s3://${bucket}/${key}`;
  }

  async put(bucket: string, key: string, body: Uint8Array | string): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  }

  async get(bucket: string, key: string): Promise<Uint8Array> {
    try {
      const output = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!output.Body) return new Uint8Array();
      return await output.Body.transformToByteArray();
    } catch (error) {
      if (isMissing(error)) throw new ObjectNotFoundError(bucket, key);
      throw error;
    }
  }

  async exists(bucket: string, key: string): Promise<boolean> {
    try {
      await this.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch (error) {
      // HeadObject has no body, so a missing key is only a bare 404 ("NotFound").
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async list(bucket: string, prefix: string, options: ListOptions = {}): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    for await (const page of this.pages({ Bucket: bucket, Prefix: prefix, StartAfter: options.startAfter })) {
      for (const object of page.Contents ?? []) {
        if (object.Key !== undefined) out.push({ key: object.Key, size: object.Size ?? 0 });
      }
    }
    // S3 lists in UTF-8 byte order; sort as the twin does so both adapters agree on order.
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async listPrefixes(bucket: string, prefix: string): Promise<string[]> {
    const out: string[] = [];
    for await (const page of this.pages({ Bucket: bucket, Prefix: prefix, Delimiter: "/" })) {
      for (const common of page.CommonPrefixes ?? []) if (common.Prefix !== undefined) out.push(common.Prefix);
    }
    return out.sort();
  }

  /** ListObjectsV2 pages, following `NextContinuationToken` while the response is truncated. */
  private async *pages(input: ListObjectsV2CommandInput): AsyncGenerator<ListObjectsV2CommandOutput> {
    let token: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ ...input, ContinuationToken: token }));
      yield page;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async copy(fromBucket: string, fromKey: string, toBucket: string, toKey: string): Promise<void> {
    try {
      await this.s3.send(new CopyObjectCommand({ Bucket: toBucket, Key: toKey, CopySource: copySourceOf(fromBucket, fromKey) }));
    } catch (error) {
      if (isMissing(error)) throw new ObjectNotFoundError(fromBucket, fromKey);
      throw error;
    }
  }

  async delete(bucket: string, key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  }

  async deletePrefix(bucket: string, prefix: string): Promise<number> {
    const keys = (await this.list(bucket, prefix)).map((o) => o.key);
    const failures: { key: string; code: string; message: string }[] = [];
    for (const batch of chunks(keys, DELETE_OBJECTS_MAX_KEYS)) {
      const output = await this.s3.send(
        new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
      );
      for (const error of output.Errors ?? []) {
        failures.push({ key: error.Key ?? "?", code: error.Code ?? "Unknown", message: error.Message ?? "" });
      }
    }
    if (failures.length > 0) throw new S3DeleteError(bucket, failures);
    return keys.length;
  }
}

/** CopyObject's `CopySource`: `bucket/key` with the key URL-encoded, its slashes kept. */
export function copySourceOf(bucket: string, key: string): string {
  return `${bucket}/${key.split("/").map(encodeURIComponent).join("/")}`;
}

function isMissing(error: unknown): boolean {
  const name = awsErrorName(error);
  return name === "NoSuchKey" || name === "NotFound" || httpStatusOf(error) === 404;
}
