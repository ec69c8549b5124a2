import { compileDateTimePattern, DateTimePatternError } from "./datetime-pattern";
import type { DateTimeFormat } from "./datetime-pattern";

/**
 * Firehose's S3 prefix expression language: `!{namespace:value}` inside literal text.
 * https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html
 */

/** Which field a prefix came from: rules and AWS's messages differ between the two. */
export type PrefixField = "Prefix" | "ErrorOutputPrefix";

/**
 * Evaluated value of `!{firehose:error-output-type}`: AWS's `processing-failed` and
 * `partitioning-failed`, `activePartitionExceeded` for records beyond the active-partition quota
 * (https://docs.aws.amazon.com/firehose/latest/dev/buffering.html), and sluice's own
 * `sluice-client-failed` (client-side rejects).
 */
export type ErrorOutputType = "processing-failed" | "partitioning-failed" | "activePartitionExceeded" | "sluice-client-failed";

/** A slot filled per record or per object rather than per instant. */
export type PrefixSlot =
  | { readonly kind: "partitionKeyFromQuery" | "partitionKeyFromLambda"; readonly key: string }
  | { readonly kind: "random-string" };

/** One piece of a parsed prefix. */
export type PrefixSegment =
  | { readonly kind: "literal"; readonly text: string }
  | { readonly kind: "timestamp"; readonly pattern: string; readonly format: DateTimeFormat }
  | { readonly kind: "error-output-type" }
  | PrefixSlot;

/** A problem found while parsing, worded as the Firehose API words it. */
export interface PrefixIssue {
  readonly field: PrefixField;
  readonly message: string;
  readonly detail: string;
}

/** A prefix split into segments, plus what it uses. */
export interface ParsedPrefix {
  readonly field: PrefixField;
  readonly source: string;
  readonly segments: readonly PrefixSegment[];
  readonly expressionCount: number;
  readonly hasTimestamp: boolean;
  readonly queryKeys: readonly string[];
  readonly lambdaKeys: readonly string[];
  readonly usesErrorOutputType: boolean;
}

/** A prefix that cannot be parsed; carries every issue found. */
export class PrefixSyntaxError extends Error {
  override readonly name = "PrefixSyntaxError";
  constructor(readonly issues: readonly PrefixIssue[]) {
    super(issues.map((i) => `${i.field}: ${i.message} (${i.detail})`).join("; "));
  }
}

/** Length of `random-string` (the doc's example output `046b6c7f-0b` is 11 characters). */
export const RANDOM_STRING_LENGTH = 11;

const NAMESPACES = new Set(["timestamp", "firehose", "partitionKeyFromQuery", "partitionKeyFromLambda"]);

/** Parses a prefix; returns the parse (undefined when any issue was found) and the issues. */
export function parsePrefix(source: string, field: PrefixField): { prefix?: ParsedPrefix; issues: PrefixIssue[] } {
  const segments: PrefixSegment[] = [];
  const issues: PrefixIssue[] = [];
  const issue = (message: string, detail: string) => issues.push({ field, message, detail });
  let literal = "";
  let expressionCount = 0;
  for (let i = 0; i < source.length; ) {
    const open = source.indexOf("!{", i);
    if (open < 0) {
      literal += source.slice(i);
      break;
    }
    literal += source.slice(i, open);
    const close = source.indexOf("}", open + 2);
    if (close < 0) {
      issue("Invalid expression usage", `"!{" at ${open} is not closed by "}"; the sequence !{ can only appear in !{namespace:value} expressions`);
      break;
    }
    const body = source.slice(open + 2, close);
    i = close + 1;
    expressionCount++;
    const colon = body.indexOf(":");
    if (colon < 0) {
      issue("Invalid expression usage", `!{${body}} is not of the form !{namespace:value}`);
      continue;
    }
    const namespace = body.slice(0, colon);
    const value = body.slice(colon + 1);
    if (!NAMESPACES.has(namespace)) {
      issue(`Namespace to the left of colon (${namespace}) is an invalid keyword!`, `!{${body}}`);
      continue;
    }
    if (literal) segments.push({ kind: "literal", text: literal });
    literal = "";
    const segment = expressionSegment(namespace, value, field, issue);
    if (segment) segments.push(segment);
  }
  if (literal) segments.push({ kind: "literal", text: literal });
  if (issues.length > 0) return { issues };
  return { prefix: describe(source, field, segments, expressionCount), issues };
}

/** Parses a prefix or throws `PrefixSyntaxError`. */
export function parsePrefixOrThrow(source: string, field: PrefixField): ParsedPrefix {
  const { prefix, issues } = parsePrefix(source, field);
  if (!prefix) throw new PrefixSyntaxError(issues);
  return prefix;
}

function expressionSegment(
  namespace: string,
  value: string,
  field: PrefixField,
  issue: (message: string, detail: string) => void,
): PrefixSegment | undefined {
  const invalidValue = `Invalid conversion character used in the value of the expression in ${field}`;
  if (namespace === "timestamp") {
    try {
      return { kind: "timestamp", pattern: value, format: compileDateTimePattern(value) };
    } catch (error) {
      if (!(error instanceof DateTimePatternError)) throw error;
      issue(invalidValue, `!{timestamp:${value}}: ${error.reason}`);
      return undefined;
    }
  }
  if (namespace === "firehose") {
    if (value === "random-string") return { kind: "random-string" };
    if (value === "error-output-type") return { kind: "error-output-type" };
    issue(invalidValue, `!{firehose:${value}}: the firehose namespace takes error-output-type or random-string`);
    return undefined;
  }
  if (value.length === 0) {
    issue("Invalid expression usage", `!{${namespace}:} names no key`);
    return undefined;
  }
  return { kind: namespace as "partitionKeyFromQuery" | "partitionKeyFromLambda", key: value };
}

function describe(source: string, field: PrefixField, segments: PrefixSegment[], expressionCount: number): ParsedPrefix {
  const keysOf = (kind: string) => [
    ...new Set(segments.flatMap((s) => (s.kind === kind ? [(s as { key: string }).key] : []))),
  ];
  return {
    field,
    source,
    segments,
    expressionCount,
    hasTimestamp: segments.some((s) => s.kind === "timestamp"),
    queryKeys: keysOf("partitionKeyFromQuery"),
    lambdaKeys: keysOf("partitionKeyFromLambda"),
    usesErrorOutputType: segments.some((s) => s.kind === "error-output-type"),
  };
}

/** What an evaluation needs besides the prefix. */
export interface PrefixContext {
  /** The approximate arrival time of the oldest record in the object (epoch ms). */
  readonly arrivalMs: number;
  /** Partition keys by name (query and Lambda keys share the map). */
  readonly keys?: Readonly<Record<string, string>>;
  readonly errorOutputType?: ErrorOutputType;
  /** A new 11-character random string per call (`random-string` is fresh at every use). */
  readonly randomString?: () => string;
}

/** A missing key or error type: the caller routes the record to the error output. */
export class PrefixEvaluationError extends Error {
  override readonly name = "PrefixEvaluationError";
}

/**
 * Evaluates a parsed prefix. Every timestamp uses the same instant (the doc: "every instance
 * evaluates to the same instant in time"), in UTC.
 */
export function evaluatePrefix(prefix: ParsedPrefix, context: PrefixContext): string {
  let out = "";
  for (const segment of prefix.segments) {
    switch (segment.kind) {
      case "literal":
        out += segment.text;
        break;
      case "timestamp":
        out += segment.format(context.arrivalMs);
        break;
      case "error-output-type":
        if (!context.errorOutputType) throw new PrefixEvaluationError(`${prefix.field} needs an error output type`);
        out += context.errorOutputType;
        break;
      case "random-string":
        out += (context.randomString ?? defaultRandomString)();
        break;
      default: {
        const value = context.keys?.[segment.key];
        if (value === undefined) throw new PrefixEvaluationError(`no value for !{${segment.kind}:${segment.key}}`);
        out += value;
      }
    }
  }
  return out;
}

/** 11 random hex-and-dash characters, shaped like the doc's example `046b6c7f-0b`. */
export function defaultRandomString(): string {
  return crypto.randomUUID().slice(0, RANDOM_STRING_LENGTH);
}

/**
 * The prefixes a stream really uses once AWS's defaults are applied (semantic rules of the doc):
 * a Prefix without a timestamp gets `!{timestamp:yyyy/MM/dd/HH/}` appended, and an empty
 * ErrorOutputPrefix (allowed only when Prefix has no expressions) becomes
 * `<Prefix><error-output-type>/yyyy/MM/dd/HH/`. With dynamic partitioning nothing is appended:
 * the doc's dynamic-partitioning example delivers to `…/hour=20/<object>` unchanged.
 */
export function effectivePrefixes(
  prefix: string,
  errorOutputPrefix: string,
  dynamicPartitioning: boolean,
): { prefix: ParsedPrefix; errorOutputPrefix: ParsedPrefix } {
  const main = parsePrefixOrThrow(prefix, "Prefix");
  const effectiveMain =
    main.hasTimestamp || dynamicPartitioning ? main : parsePrefixOrThrow(`${prefix}!{timestamp:yyyy/MM/dd/HH/}`, "Prefix");
  // The doc's rule reads `<specified-prefix><error-output-type>YYYY/MM/DD/HH/`; its example table
  // shows a slash after the error type, which is what we follow.
  const error =
    errorOutputPrefix.length > 0
      ? parsePrefixOrThrow(errorOutputPrefix, "ErrorOutputPrefix")
      : parsePrefixOrThrow(`${prefix}!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH/}`, "ErrorOutputPrefix");
  return { prefix: effectiveMain, errorOutputPrefix: error };
}

/** A lower bound of the evaluated length: literals survive and every expression yields ≥ 1 character. */
export function minimumEvaluatedLength(prefix: ParsedPrefix): number {
  let length = 0;
  for (const segment of prefix.segments) {
    if (segment.kind === "literal") length += segment.text.length;
    else if (segment.kind === "random-string") length += RANDOM_STRING_LENGTH;
    else if (segment.kind === "timestamp") length += segment.format(0).length;
    else length += 1;
  }
  return length;
}

/** Neither prefix may be longer than this once evaluated (doc, semantic rules). */
export const MAX_EVALUATED_PREFIX_LENGTH = 512;

/** A prefix with its timestamps (and error type) fixed for one instant; only per-record slots remain. */
export interface BoundPrefix {
  /** `literals.length === slots.length + 1`; the result is literals[0] + slot0 + literals[1] + … */
  readonly literals: readonly string[];
  readonly slots: readonly PrefixSlot[];
}

/** Fixes the instant (and error type) of a prefix once per PutRecordBatch call. */
export function bindPrefix(prefix: ParsedPrefix, arrivalMs: number, errorOutputType?: ErrorOutputType): BoundPrefix {
  const literals: string[] = [""];
  const slots: PrefixSlot[] = [];
  for (const segment of prefix.segments) {
    if (segment.kind === "literal") literals[literals.length - 1] += segment.text;
    else if (segment.kind === "timestamp") literals[literals.length - 1] += segment.format(arrivalMs);
    else if (segment.kind === "error-output-type") {
      if (!errorOutputType) throw new PrefixEvaluationError(`${prefix.field} needs an error output type`);
      literals[literals.length - 1] += errorOutputType;
    } else {
      slots.push(segment);
      literals.push("");
    }
  }
  return { literals, slots };
}

/** Placeholder for `random-string` in a partition's identity: random strings are chosen per object. */
export const RANDOM_PLACEHOLDER = "\u0000";

/**
 * The identity of a partition: the bound prefix with keys filled in and random strings left as
 * placeholders. Returns undefined when a key the prefix needs has no value.
 */
export function renderPartition(bound: BoundPrefix, keys: Readonly<Record<string, string>> | undefined): string | undefined {
  let out = bound.literals[0]!;
  for (let i = 0; i < bound.slots.length; i++) {
    const slot = bound.slots[i]!;
    if (slot.kind === "random-string") out += RANDOM_PLACEHOLDER;
    else {
      const value = keys?.[slot.key];
      if (value === undefined) return undefined;
      out += value;
    }
    out += bound.literals[i + 1]!;
  }
  return out;
}
