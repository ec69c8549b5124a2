import type { BufferingHints, FirehoseSpec } from "../../pipeline/types";
import { checkJqQuery, JqCompileError } from "./jq-engine";
import type { JqEngine } from "./jq-engine";
import { outputKeysOf } from "./jq-output-keys";
import { MAX_EVALUATED_PREFIX_LENGTH, minimumEvaluatedLength, parsePrefix } from "./prefix";
import type { ParsedPrefix, PrefixField } from "./prefix";

/**
 * The Firehose configuration rules sluice checks before deploying (mode "aws") or before starting
 * the twin (mode "twin"), with the wording the Firehose API uses when it rejects a stream.
 * Rules: https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html#prefix-rules and
 * https://docs.aws.amazon.com/firehose/latest/dev/dynamic-partitioning.html. Messages: the doc's
 * example table ("ErrorOutputPrefix can't be null when Prefix contains expressions") and the
 * service's CreateDeliveryStream errors as quoted in aws-cdk and Terraform issues (e.g.
 * "BufferingHints.SizeInMBs must be at least 64 when Dynamic Partitioning is enabled.").
 */

/** Where a config is going: AWS's limits, or the twin's (smaller buffers are fine for demos). */
export type FirehoseConfigMode = "aws" | "twin";

/** One broken rule: the field, AWS's message and the detail that locates it. */
export interface FirehoseConfigViolation {
  readonly field: string;
  readonly message: string;
  readonly detail?: string;
}

/** A config that Firehose (or the twin) would refuse; lists every violation. */
export class FirehoseConfigError extends Error {
  override readonly name = "FirehoseConfigError";
  constructor(
    readonly streamName: string,
    readonly mode: FirehoseConfigMode,
    readonly violations: readonly FirehoseConfigViolation[],
  ) {
    super(
      `Firehose stream "${streamName}" is invalid for ${mode}:\n` +
        violations.map((v) => `  - ${v.field}: ${v.message}${v.detail ? ` (${v.detail})` : ""}`).join("\n"),
    );
  }
}

/** AWS messages, kept in one place so tests can assert them. */
export const FIREHOSE_MESSAGES = {
  errorPrefixRequired: "ErrorOutputPrefix can't be null when Prefix contains expressions",
  errorPrefixNeedsType: "ErrorOutputPrefix must contain at least one occurrence of !{firehose:error-output-type}",
  prefixHasErrorType: "Prefix must not contain any occurrence of !{firehose:error-output-type}",
  errorPrefixHasPartitionKeys: "Dynamic Partitioning Namespaces can't be part of an error prefix expression",
  partitionKeysNeedDynamicPartitioning:
    "Dynamic Partitioning Namespaces can only be part of a prefix expression when Dynamic Partitioning is enabled.",
  prefixNeedsPartitionKeys: "S3 Prefix should contain Dynamic Partitioning namespaces when Dynamic Partitioning is enabled",
  sizeAtLeast64: "BufferingHints.SizeInMBs must be at least 64 when Dynamic Partitioning is enabled.",
  // AWS publishes the rule (no zero buffering, an interval of 60 to 900 s with dynamic
  // partitioning) but not this refusal's text: it is said in the form of the size message above.
  intervalAtLeast60: "BufferingHints.IntervalInSeconds must be at least 60 when Dynamic Partitioning is enabled.",
  queryKeyNotInPrefix: "MetaDataExtraction JQ Query can't contain keys that are not present in the S3 Prefix expression",
  // sluice's own wording for the two checks below (AWS's text for them is not published).
  prefixKeyNotProduced: "!{partitionKeyFromQuery:…} names keys the MetadataExtractionQuery never produces",
  queryKeysUnknown:
    "sluice cannot read which keys this MetadataExtractionQuery outputs, so it cannot check them against the prefix: make its output an object construction such as {key: .field}",
  evaluatedLength: (field: PrefixField) => `Length of evaluated ${field === "Prefix" ? "prefix" : "ErrorOutputPrefix"} cannot be greater than 512`,
} as const;

/** Options of `validateFirehoseConfig`. */
export interface ValidateFirehoseConfigOptions {
  /** When given, the query is compiled by jq itself and jq's message reported. */
  readonly jq?: JqEngine;
}

const STREAM_NAME = /^[a-zA-Z0-9_.-]{1,64}$/;

/** Every rule `spec` breaks in `mode`; empty when the config is valid. */
export function validateFirehoseConfig(
  spec: FirehoseSpec,
  mode: FirehoseConfigMode,
  options: ValidateFirehoseConfigOptions = {},
): FirehoseConfigViolation[] {
  const violations: FirehoseConfigViolation[] = [];
  const add = (field: string, message: string, detail?: string) => violations.push({ field, message, detail });
  const dynamicPartitioning = spec.partitionKeyQuery !== undefined;

  if (!STREAM_NAME.test(spec.streamName)) {
    add("DeliveryStreamName", "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+ and have length between 1 and 64", spec.streamName);
  }

  const main = parseField(spec.prefix, "Prefix", add);
  const error = spec.errorOutputPrefix.length > 0 ? parseField(spec.errorOutputPrefix, "ErrorOutputPrefix", add) : undefined;

  if (main) {
    if (main.expressionCount > 0 && spec.errorOutputPrefix.length === 0) add("ErrorOutputPrefix", FIREHOSE_MESSAGES.errorPrefixRequired);
    if (main.usesErrorOutputType) add("Prefix", FIREHOSE_MESSAGES.prefixHasErrorType, spec.prefix);
    const partitionKeys = main.queryKeys.length + main.lambdaKeys.length;
    if (!dynamicPartitioning && partitionKeys > 0) add("Prefix", FIREHOSE_MESSAGES.partitionKeysNeedDynamicPartitioning, spec.prefix);
    if (dynamicPartitioning && partitionKeys === 0) add("Prefix", FIREHOSE_MESSAGES.prefixNeedsPartitionKeys, spec.prefix);
    if (main.lambdaKeys.length > 0) {
      add(
        "Prefix",
        mode === "twin"
          ? "partitionKeyFromLambda is not supported by the sluice twin"
          : "partitionKeyFromLambda needs a Lambda processor, and FirehoseSpec defines none",
        main.lambdaKeys.map((k) => `!{partitionKeyFromLambda:${k}}`).join(", "),
      );
    }
    checkLength(main, add);
  }
  if (error) {
    if (error.expressionCount > 0 && !error.usesErrorOutputType) add("ErrorOutputPrefix", FIREHOSE_MESSAGES.errorPrefixNeedsType, spec.errorOutputPrefix);
    if (error.queryKeys.length + error.lambdaKeys.length > 0) {
      add("ErrorOutputPrefix", FIREHOSE_MESSAGES.errorPrefixHasPartitionKeys, spec.errorOutputPrefix);
    }
    checkLength(error, add);
  }

  if (dynamicPartitioning) checkQuery(spec.partitionKeyQuery!, main, options.jq, add);

  // The definition's hints are what CreateDeliveryStream gets, whichever engine runs it: the twin
  // refuses a definition AWS would refuse. Only `localBuffering`, the twin's own documented
  // override (16 MiB in the conventions), is free of the dynamic-partitioning minimums.
  checkBuffering("BufferingHints", spec.buffering, dynamicPartitioning, add);
  if (mode === "twin") checkBuffering("localBuffering", spec.localBuffering, false, add);
  return violations;
}

/** Throws `FirehoseConfigError` listing every violation, or returns quietly. */
export function assertValidFirehoseConfig(
  spec: FirehoseSpec,
  mode: FirehoseConfigMode,
  options: ValidateFirehoseConfigOptions = {},
): void {
  const violations = validateFirehoseConfig(spec, mode, options);
  if (violations.length > 0) throw new FirehoseConfigError(spec.streamName, mode, violations);
}

type Add = (field: string, message: string, detail?: string) => void;

function parseField(source: string, field: PrefixField, add: Add): ParsedPrefix | undefined {
  // The API's own length limit on the unevaluated field.
  if (source.length > 1024) add(field, "Member must have length less than or equal to 1024", `${source.length} characters`);
  const { prefix, issues } = parsePrefix(source, field);
  for (const issue of issues) add(issue.field, issue.message, issue.detail);
  return prefix;
}

function checkLength(prefix: ParsedPrefix, add: Add): void {
  const minimum = minimumEvaluatedLength(prefix);
  if (minimum > MAX_EVALUATED_PREFIX_LENGTH) {
    add(prefix.field, FIREHOSE_MESSAGES.evaluatedLength(prefix.field), `evaluates to at least ${minimum} characters`);
  }
}

function checkQuery(query: string, main: ParsedPrefix | undefined, jq: JqEngine | undefined, add: Add): void {
  if (jq) {
    try {
      checkJqQuery(jq, query);
    } catch (error) {
      if (!(error instanceof JqCompileError)) throw error;
      add("MetadataExtractionQuery", error.jqMessage, query);
      return;
    }
  }
  if (!main) return;
  // AWS checks the query's keys against the prefix when the stream is created, for any query.
  const keys = outputKeysOf(query);
  if (keys === undefined) {
    add("MetadataExtractionQuery", FIREHOSE_MESSAGES.queryKeysUnknown, query);
    return;
  }
  const missing = keys.filter((k) => !main.queryKeys.includes(k));
  if (missing.length > 0) add("MetadataExtractionQuery", FIREHOSE_MESSAGES.queryKeyNotInPrefix, `keys ${missing.join(", ")}`);
  const unproduced = main.queryKeys.filter((k) => !keys.includes(k));
  if (unproduced.length > 0) add("Prefix", FIREHOSE_MESSAGES.prefixKeyNotProduced, unproduced.join(", "));
}

/**
 * The API's ranges (SizeInMBs 1–128, IntervalInSeconds 0–900) and, with dynamic partitioning, its
 * minimums: SizeInMBs ≥ 64 and IntervalInSeconds ≥ 60, since zero buffering is not available for
 * dynamic partitioning (https://docs.aws.amazon.com/firehose/latest/dev/buffering.html,
 * https://docs.aws.amazon.com/firehose/latest/dev/dynamic-partitioning.html).
 */
function checkBuffering(field: string, hints: BufferingHints, dynamicPartitioning: boolean, add: Add): void {
  const constraint = (name: string, value: number, message: string) =>
    add(field, `1 validation error detected: Value '${value}' at 'bufferingHints.${name}' failed to satisfy constraint: ${message}`);
  if (!Number.isInteger(hints.sizeInMBs) || hints.sizeInMBs < 1) constraint("sizeInMBs", hints.sizeInMBs, "Member must have value greater than or equal to 1");
  if (hints.sizeInMBs > 128) constraint("sizeInMBs", hints.sizeInMBs, "Member must have value less than or equal to 128");
  if (!Number.isInteger(hints.intervalInSeconds) || hints.intervalInSeconds < 0) {
    constraint("intervalInSeconds", hints.intervalInSeconds, "Member must have value greater than or equal to 0");
  }
  if (hints.intervalInSeconds > 900) constraint("intervalInSeconds", hints.intervalInSeconds, "Member must have value less than or equal to 900");
  if (dynamicPartitioning && hints.sizeInMBs < 64) add(field, FIREHOSE_MESSAGES.sizeAtLeast64, `SizeInMBs ${hints.sizeInMBs}`);
  if (dynamicPartitioning && hints.intervalInSeconds < 60) add(field, FIREHOSE_MESSAGES.intervalAtLeast60, `IntervalInSeconds ${hints.intervalInSeconds}`);
}
