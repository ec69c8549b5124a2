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

  it.each([
    ["G GGGG GGGGG", "AD Anno Domini A"],
    ["LLL LLLL L", "Mar March 3"],
    ["QQQQ qqq", "1st quarter Q1"],
    ["e ee eee eeee c cccc", "1 01 Sun Sunday 1 Sunday"],
    ["A", "54367089"],
    ["n N", "89000000 54367089000000"],
    ["X XXX x xxx Z ZZZZ ZZZZZ O", "Z Z +00 +00:00 +0000 GMT Z GMT"],
    ["[yyyy]-[MM]", "2018-03"],
  ])("formats %s as %s (the other letters of Java's table, in UTC and Locale.US)", (pattern, expected) => {
    // https://docs.oracle.com/javase/8/docs/api/java/time/format/DateTimeFormatter.html#patterns
    expect(compileDateTimePattern(pattern)(instant)).toBe(expected);
  });

  // Week fields with Java's Locale.US rules, WeekFields.SUNDAY_START ("starts on Sunday and the first
  // week has a minimum of 1 day … in use in the US"):
  // https://docs.oracle.com/javase/8/docs/api/java/time/temporal/WeekFields.html#SUNDAY_START
  it.each([
    ["2018-03-04T15:06:07Z", "YYYY-'W'ww W", "2018-W10 2"],
    // What Firehose itself did (aws-samples/aws-blog-firehose-custom-prefixes-for-s3-objects issue #1:
    // "firehose dumps events arriving on 2019-12-29 to 31 to YYYY=>2020"); ISO weeks would keep
    // 2019-12-29, a Sunday, in 2019: Firehose's weeks start on Sunday, as Locale.US's do.
    ["2019-12-29T00:00:00Z", "YYYY", "2020"],
    ["2019-12-31T23:59:59Z", "YYYY", "2020"],
    ["2019-12-28T23:59:59Z", "YYYY", "2019"],
    // Sonar's rule S3986 example: DateTimeFormatter "YYYY/MM/dd" of 2015-12-31 yields 2016/12/31
    ["2015-12-31T12:00:00Z", "YYYY/MM/dd", "2016/12/31"],
    ["2015-12-31T12:00:00Z", "YYYY w", "2016 1"],
    ["2015-12-26T12:00:00Z", "YYYY w", "2015 52"],
    // 2021-01-01 is a Friday: US week 1 of 2021 (ISO would say week 53 of 2020)
    ["2021-01-01T00:00:00Z", "YYYY ww", "2021 01"],
    ["2020-12-27T00:00:00Z", "YY ww", "21 01"],
    ["2020-12-26T23:59:59Z", "YYYY ww", "2020 52"],
    ["2024-06-30T00:00:00Z", "Y w W", "2024 27 6"],
  ])("at %s formats %s as %s", (iso, pattern, expected) => {
    expect(compileDateTimePattern(pattern)(at(iso))).toBe(expected);
  });

  it("rejects unknown pattern letters, naming the letter", () => {
    expect(() => compileDateTimePattern("yyyy-bb")).toThrow(DateTimePatternError);
    expect(() => compileDateTimePattern("yyyy-bb")).toThrow(/Unknown pattern letter: b/);
    expect(() => compileDateTimePattern("ddd")).toThrow(/Too many pattern letters: d/);
    expect(() => compileDateTimePattern("www")).toThrow(/Too many pattern letters: w/);
    expect(() => compileDateTimePattern("WW")).toThrow(/Too many pattern letters: W/);
    expect(() => compileDateTimePattern("cc")).toThrow(/Invalid pattern "cc"/);
    expect(() => compileDateTimePattern("OO")).toThrow(/Pattern letter count must be 1 or 4: O/);
    expect(() => compileDateTimePattern("yyyy]")).toThrow(/\] without previous \[/);
    expect(() => compileDateTimePattern("'open")).toThrow(/incomplete string literal/);
  });

  it.each(["z", "VV", "v", "F", "B", "ppH"])("refuses %s by name: its output is not the instant's alone", (pattern) => {
    expect(() => compileDateTimePattern(pattern)).toThrow(new RegExp(`Pattern letter not supported by the sluice twin: ${pattern[0]} \\(`));
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

  it("enforces SizeInMBs ≥ 64 and IntervalInSeconds ≥ 60 with dynamic partitioning, for AWS and for the twin", () => {
    // https://docs.aws.amazon.com/firehose/latest/dev/dynamic-partitioning.html (≥ 64 MiB) and
    // https://docs.aws.amazon.com/firehose/latest/dev/buffering.html ("Zero buffering feature is not
    // available for dynamic partitioning"): the definition's hints are what CreateDeliveryStream gets.
    const small = weatherSpec({ buffering: { sizeInMBs: 16, intervalInSeconds: 60 } });
    const quick = weatherSpec({ buffering: { sizeInMBs: 64, intervalInSeconds: 59 } });
    const zero = weatherSpec({ buffering: { sizeInMBs: 64, intervalInSeconds: 0 } });
    for (const mode of ["aws", "twin"] as const) {
      expect(messages(small, mode)).toEqual(["BufferingHints.SizeInMBs must be at least 64 when Dynamic Partitioning is enabled."]);
      expect(messages(quick, mode)).toEqual(["BufferingHints.IntervalInSeconds must be at least 60 when Dynamic Partitioning is enabled."]);
      expect(messages(zero, mode)).toEqual([FIREHOSE_MESSAGES.intervalAtLeast60]);
    }
    // Without dynamic partitioning the API's ranges alone apply (zero buffering is allowed).
    const plain = weatherSpec({ partitionKeyQuery: undefined, prefix: "weather/", errorOutputPrefix: "errors/", buffering: { sizeInMBs: 1, intervalInSeconds: 0 } });
    expect(messages(plain)).toEqual([]);
  });

  it("keeps the twin's own localBuffering free of the dynamic-partitioning minimums (the documented local override)", () => {
    // The conventions' 16 MiB / 60 s, and smaller hints for demos and tests
    expect(weatherSpec().localBuffering).toEqual({ sizeInMBs: 16, intervalInSeconds: 60 });
    expect(messages(weatherSpec({ localBuffering: { sizeInMBs: 1, intervalInSeconds: 5 } }), "twin")).toEqual([]);
    expect(messages(weatherSpec({ localBuffering: { sizeInMBs: 1, intervalInSeconds: 901 } }), "twin")).toEqual([
      "1 validation error detected: Value '901' at 'bufferingHints.intervalInSeconds' failed to satisfy constraint: Member must have value less than or equal to 900",
    ]);
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

  it.each([
    ["{location: .city | ascii_downcase}", []],
    ['.city as $c | {"location": ($c | ascii_downcase)}', []],
    ["def low: ascii_downcase; {location: (.city | low)}", []],
    ['if .city == null then {location: "unknown"} else {location: .city} end', []],
    ["{location: .city | ascii_downcase, region: .region}", [FIREHOSE_MESSAGES.queryKeyNotInPrefix]],
    ["{city: .city | ascii_downcase}", [FIREHOSE_MESSAGES.queryKeyNotInPrefix, FIREHOSE_MESSAGES.prefixKeyNotProduced]],
    ['.city as $location | {$location, "year": "2024"}', [FIREHOSE_MESSAGES.queryKeyNotInPrefix]],
  ])("checks the keys of any query whose output is an object construction: %s", async (query, expected) => {
    // https://docs.aws.amazon.com/firehose/latest/dev/dynamic-partitioning-partitioning-keys.html: the
    // query's keys must match the prefix's !{partitionKeyFromQuery:…}, whatever the jq expression.
    const jq = await loadJq();
    expect(validateFirehoseConfig(weatherSpec({ partitionKeyQuery: query }), "aws", { jq }).map((v) => v.message)).toEqual(expected);
  });

  it.each(["with_entries(select(.key == \"location\"))", "{(.k): .city}", '{"\\(.k)": .city}', "if .a then {location: .a} end", ".meta"])(
    "refuses by name a query whose output keys its syntax does not show: %s",
    async (query) => {
      const jq = await loadJq();
      expect(validateFirehoseConfig(weatherSpec({ partitionKeyQuery: query }), "twin", { jq }).map((v) => v.message)).toEqual([FIREHOSE_MESSAGES.queryKeysUnknown]);
    },
  );

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
