import { describe, expect, it } from "vitest";
import {
  assertValidFirehoseConfig,
  compileDateTimePattern,
  DateTimePatternError,
  effectivePrefixes,
  evaluatePrefix,
  FIREHOSE_MESSAGES,
  FirehoseConfigError,
  loadJq,
  parsePrefix,
  parsePrefixOrThrow,
  validateFirehoseConfig,
} from "../../packages/core/src/delivery";
import { weatherSpec } from "./helpers";

// Custom Prefixes for Amazon S3 Objects:
// https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html
// (also awsdocs/amazon-kinesis-data-firehose-developer-guide, doc_source/s3-prefixes.md)

const at = (iso: string) => Date.parse(iso);

describe("Firehose prefix evaluation (AWS's documented examples)", () => {
  it("evaluates the hive-style example of the doc's table, timestamp by timestamp and in one quoted pattern", () => {
    // Prepare: the table's 4th row evaluates to 2018-07-06, hour 23 (the table's header instant
    // "10:30 AM UTC on Aug 27, 2018" does not match its own rows, so each row is checked at the
    // instant its output implies).
    const prefix = parsePrefixOrThrow("myPrefix/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/", "Prefix");
    const error = parsePrefixOrThrow("myErrorPrefix/!{timestamp:'year='yyyy'/month='MM'/day='dd'/hour='HH}/!{firehose:error-output-type}", "ErrorOutputPrefix");
    const arrivalMs = at("2018-07-06T23:12:45Z");
    // Act
    const main = evaluatePrefix(prefix, { arrivalMs });
    const failed = evaluatePrefix(error, { arrivalMs, errorOutputType: "processing-failed" });
    // Assess
    expect(main).toBe("myPrefix/year=2018/month=07/day=06/hour=23/");
    expect(failed).toBe("myErrorPrefix/year=2018/month=07/day=06/hour=23/processing-failed");
  });

  it("evaluates the random-string example of the table with an 11-character random string", () => {
    // Prepare: 3rd row; its outputs imply 2018-08-10
    const prefix = parsePrefixOrThrow("myFirehose/DeliveredYear=!{timestamp:yyyy}/anyMonth/rand=!{firehose:random-string}", "Prefix");
    const error = parsePrefixOrThrow("myFirehoseFailures/!{firehose:error-output-type}/!{timestamp:yyyy}/anyMonth/!{timestamp:dd}", "ErrorOutputPrefix");
    const arrivalMs = at("2018-08-10T10:30:00Z");
    // Act
    const main = evaluatePrefix(prefix, { arrivalMs, randomString: () => "5abf82daaa5" });
    const real = evaluatePrefix(prefix, { arrivalMs });
    const failed = evaluatePrefix(error, { arrivalMs, errorOutputType: "processing-failed" });
    // Assess
    expect(main).toBe("myFirehose/DeliveredYear=2018/anyMonth/rand=5abf82daaa5");
    expect(real).toMatch(/^myFirehose\/DeliveredYear=2018\/anyMonth\/rand=.{11}$/);
    expect(failed).toBe("myFirehoseFailures/processing-failed/2018/anyMonth/10");
  });

  it("evaluates the firehose-namespace table's error-output-type example", () => {
    const prefix = parsePrefixOrThrow("myPrefix/result=!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}", "ErrorOutputPrefix");
    expect(evaluatePrefix(prefix, { arrivalMs: at("2018-08-03T05:00:00Z"), errorOutputType: "processing-failed" })).toBe(
      "myPrefix/result=processing-failed/2018/08/03",
    );
  });

  it("gives a fresh random string at every use, and the same instant to every timestamp", () => {
    // Prepare
    const prefix = parsePrefixOrThrow("!{firehose:random-string}/!{firehose:random-string}/!{timestamp:HH}-!{timestamp:mm}-!{timestamp:ss}", "Prefix");
    // Act
    const [a, b, time] = evaluatePrefix(prefix, { arrivalMs: at("2024-01-02T03:04:05.678Z") }).split("/");
    // Assess
    expect(a).toHaveLength(11);
    expect(b).toHaveLength(11);
    expect(a).not.toBe(b);
    expect(time).toBe("03-04-05");
  });

  it("applies the default prefix rules: yyyy/MM/dd/HH/ appended, and an error prefix from the error type", () => {
    // Semantic rules: "If you specify a prefix that doesn't contain a timestamp namespace expression,
    // Kinesis Data Firehose appends the expression !{timestamp:yyyy/MM/dd/HH/}"; the doc's first
    // table row (Prefix unspecified) shows the error prefix evaluated without a timestamp.
    const arrivalMs = at("2018-08-27T10:30:00Z");
    const unspecified = effectivePrefixes("", "myFirehoseFailures/!{firehose:error-output-type}/", false);
    const noError = effectivePrefixes("myFirehosePrefix/", "", false);
    expect(evaluatePrefix(unspecified.prefix, { arrivalMs })).toBe("2018/08/27/10/");
    expect(evaluatePrefix(unspecified.errorOutputPrefix, { arrivalMs, errorOutputType: "processing-failed" })).toBe("myFirehoseFailures/processing-failed/");
    expect(evaluatePrefix(noError.prefix, { arrivalMs })).toBe("myFirehosePrefix/2018/08/27/10/");
    expect(evaluatePrefix(noError.errorOutputPrefix, { arrivalMs, errorOutputType: "processing-failed" })).toBe(
      "myFirehosePrefix/processing-failed/2018/08/27/10/",
    );
  });

  it("evaluates the weather prefix with the partition key and the UTC hour of arrival", () => {
    const { prefix } = effectivePrefixes(weatherSpec().prefix, weatherSpec().errorOutputPrefix, true);
    expect(evaluatePrefix(prefix, { arrivalMs: at("2024-11-25T23:59:59.999Z"), keys: { location: "Paris" } })).toBe(
      "weather/location=Paris/year=2024/month=11/day=25/hour=23/",
    );
  });
});

describe("Java DateTimeFormatter patterns", () => {
  const instant = at("2018-03-04T15:06:07.089Z"); // a Sunday, day 63

  it.each([
    ["yyyy-MM-dd HH:mm:ss", "2018-03-04 15:06:07"],
    ["yy/M/d/H", "18/3/4/15"],
    ["uuuu", "2018"],
    ["hh a", "03 PM"],
    ["h", "3"],
    ["D DDD", "63 063"],
    ["E EEEE MMM MMMM", "Sun Sunday Mar March"],
    ["SSS", "089"],
    ["Q QQQ", "1 Q1"],
    ["'year='yyyy", "year=2018"],
    ["'it''s' yyyy ''", "it's 2018 '"],
  ])("formats %s as %s", (pattern, expected) => {
    expect(compileDateTimePattern(pattern)(instant)).toBe(expected);
  });

  it("rejects unknown pattern letters, naming the letter", () => {
    expect(() => compileDateTimePattern("yyyy-bb")).toThrow(DateTimePatternError);
    expect(() => compileDateTimePattern("yyyy-bb")).toThrow(/Unknown pattern letter: b/);
    expect(() => compileDateTimePattern("ddd")).toThrow(/Too many pattern letters: d/);
    expect(() => compileDateTimePattern("'open")).toThrow(/incomplete string literal/);
  });
});

describe("Firehose config validation (AWS's rules and wording)", () => {
  const messages = (spec: Parameters<typeof validateFirehoseConfig>[0], mode: "aws" | "twin" = "aws") =>
    validateFirehoseConfig(spec, mode).map((v) => v.message);

  it("accepts the weather dataset's stream for AWS and for the twin", async () => {
    const jq = await loadJq();
    expect(validateFirehoseConfig(weatherSpec(), "aws", { jq })).toEqual([]);
    expect(validateFirehoseConfig(weatherSpec(), "twin", { jq })).toEqual([]);
  });

  it("refuses expressions in Prefix without an ErrorOutputPrefix (doc table, row 2)", () => {
    expect(messages({ ...weatherSpec({ partitionKeyQuery: undefined }), prefix: "!{timestamp:yyyy/MM/dd}", errorOutputPrefix: "" })).toEqual([
      "ErrorOutputPrefix can't be null when Prefix contains expressions",
    ]);
  });

  it("requires !{firehose:error-output-type} in an ErrorOutputPrefix with expressions, and forbids it in Prefix", () => {
    const spec = weatherSpec({
      partitionKeyQuery: undefined,
      prefix: "data/!{timestamp:yyyy}/!{firehose:error-output-type}/",
      errorOutputPrefix: "errors/!{timestamp:yyyy}/",
    });
    expect(messages(spec)).toEqual([FIREHOSE_MESSAGES.prefixHasErrorType, FIREHOSE_MESSAGES.errorPrefixNeedsType]);
  });

  it("ties partition namespaces to dynamic partitioning, both ways", () => {
    const withoutDp = weatherSpec({ partitionKeyQuery: undefined });
    const dpWithoutKeys = weatherSpec({ prefix: "weather/year=!{timestamp:yyyy}/" });
    const keysInErrorPrefix = weatherSpec({ errorOutputPrefix: "errors/!{partitionKeyFromQuery:location}/!{firehose:error-output-type}/" });
    expect(messages(withoutDp)).toEqual([
      "Dynamic Partitioning Namespaces can only be part of a prefix expression when Dynamic Partitioning is enabled.",
    ]);
    expect(messages(dpWithoutKeys)).toContain("S3 Prefix should contain Dynamic Partitioning namespaces when Dynamic Partitioning is enabled");
    expect(messages(keysInErrorPrefix)).toContain("Dynamic Partitioning Namespaces can't be part of an error prefix expression");
  });

  it("enforces SizeInMBs ≥ 64 with dynamic partitioning on AWS only; the twin takes small local hints", () => {
    const spec = weatherSpec({ buffering: { sizeInMBs: 16, intervalInSeconds: 60 }, localBuffering: { sizeInMBs: 1, intervalInSeconds: 5 } });
    expect(messages(spec, "aws")).toEqual(["BufferingHints.SizeInMBs must be at least 64 when Dynamic Partitioning is enabled."]);
    expect(messages(spec, "twin")).toEqual([]);
  });

  it("reports the API's range constraints on buffering hints", () => {
    const spec = weatherSpec({ buffering: { sizeInMBs: 129, intervalInSeconds: 901 } });
    expect(messages(spec)).toEqual([
      "1 validation error detected: Value '129' at 'bufferingHints.sizeInMBs' failed to satisfy constraint: Member must have value less than or equal to 128",
      "1 validation error detected: Value '901' at 'bufferingHints.intervalInSeconds' failed to satisfy constraint: Member must have value less than or equal to 900",
    ]);
  });

  it("refuses bad expressions with the service's words", () => {
    const { issues } = parsePrefix("a/!{bogus:x}/!{firehose:nope}/!{timestamp:yyyy-bb}/!{timestamp:yyyy", "Prefix");
    expect(issues.map((i) => i.message)).toEqual([
      "Namespace to the left of colon (bogus) is an invalid keyword!",
      "Invalid conversion character used in the value of the expression in Prefix",
      "Invalid conversion character used in the value of the expression in Prefix",
      "Invalid expression usage",
    ]);
    expect(issues[2]!.detail).toContain("Unknown pattern letter: b");
  });

  it("refuses prefixes that evaluate to more than 512 characters", () => {
    const spec = weatherSpec({ prefix: `${"p".repeat(510)}/!{partitionKeyFromQuery:location}/` });
    expect(messages(spec)).toContain("Length of evaluated prefix cannot be greater than 512");
  });

  it("checks query keys against the prefix, and rejects partitionKeyFromLambda on the twin", () => {
    const extraKey = weatherSpec({ partitionKeyQuery: "{location: .city, region: .region}" });
    const lambda = weatherSpec({ prefix: "w/!{partitionKeyFromQuery:location}/!{partitionKeyFromLambda:x}/" });
    expect(messages(extraKey)).toContain("MetaDataExtraction JQ Query can't contain keys that are not present in the S3 Prefix expression");
    expect(messages(lambda, "twin")).toContain("partitionKeyFromLambda is not supported by the sluice twin");
  });

  it("reports jq's own compile error for a broken query, in a typed error listing every violation", async () => {
    // Prepare
    const jq = await loadJq();
    const spec = weatherSpec({ partitionKeyQuery: "{location: .city", buffering: { sizeInMBs: 8, intervalInSeconds: 60 } });
    // Act
    const thrown = (() => {
      try {
        assertValidFirehoseConfig(spec, "aws", { jq });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    // Assess
    expect(thrown).toBeInstanceOf(FirehoseConfigError);
    const violations = (thrown as FirehoseConfigError).violations;
    expect(violations.map((v) => v.field)).toEqual(["MetadataExtractionQuery", "BufferingHints"]);
    expect(violations[0]!.message).toMatch(/^jq: error: syntax error, unexpected end of file/);
    expect(violations[0]!.message).toContain("jq: 1 compile error");
  });
});
