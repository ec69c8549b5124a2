import { compileDateTimePattern } from "./datetime-pattern";

/**
 * The suffix Firehose gives every object: `<stream>-<version>-yyyy-MM-dd-HH-mm-ss-<uuid><ext>`;
 * the version starts at 1 and the extension is `.gz` with GZIP compression.
 * https://docs.aws.amazon.com/firehose/latest/dev/s3-object-name.html
 */
const stamp = compileDateTimePattern("yyyy-MM-dd-HH-mm-ss");

/** The object name (without prefix) of one delivered object. */
export function objectName(
  stream: string,
  version: number,
  epochMs: number,
  uuid: string,
  compression: "GZIP" | "UNCOMPRESSED",
): string {
  return `${stream}-${version}-${stamp(epochMs)}-${uuid}${compression === "GZIP" ? ".gz" : ""}`;
}
