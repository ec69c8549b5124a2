import { describe, expect, it } from "vitest";
import { DqdlParseError, parseRule, parseRuleset, printRule, printRuleset, severityOf } from "../../packages/core/src/dq";

// Canonical forms follow DQDL's own DQRule.toString() round-trip tests (awslabs/dqdl DQRuleTest.java)
// and the rule examples of https://docs.aws.amazon.com/glue/latest/dg/dqdl.html.
const CANONICAL_RULES = [
  "RowCount > 0",
  "RowCount = 100",
  "RowCount != 100",
  "RowCount between 10 and 20",
  "RowCount not between 10 and 20",
  "RowCount = -100",
  'RowCount = 100 where "colA > 100"',
  'IsComplete "city"',
  'IsComplete "city" where "year = \'2024\'"',
  'Completeness "temperature" >= 0.95',
  'Completeness "temperature" between 0.5 and 0.8 where "city = \'Paris\'"',
  'ColumnValues "temperature" between -90 and 60',
  'ColumnValues "temperature" not between -90 and 60',
  'ColumnValues "city" in ["Paris","Lyon"]',
  'ColumnValues "city" not in ["Paris","Lyon"]',
  'ColumnValues "code" in [1,2,3,NULL]',
  'ColumnValues "city" = "Paris"',
  'ColumnValues "city" != "Paris"',
  'ColumnValues "city" = NULL',
  'ColumnValues "city" != EMPTY',
  'ColumnValues "city" != WHITESPACES_ONLY',
  'ColumnValues "temperature" > 0',
  'ColumnValues "temperature" >= -10.5',
  'ColumnValues "temperature" < 45.2',
  'ColumnValues "temperature" <= 3',
  'ColumnValues "city" matches "[A-Z][a-z]+"',
  'ColumnValues "city" not matches "[0-9]+"',
  'ColumnValues "measurement_time" >= "2024-01-07"',
  'ColumnValues "measurement_time" between "2024-01-01" and "2024-01-31"',
  'ColumnValues "measurement_time" > (now() - 3 days)',
  'ColumnValues "measurement_time" <= now()',
  'ColumnValues "measurement_time" between (now() - 3 hours) and (now() + 15 minutes)',
  'ColumnValues "temperature" between -90 and 60 with threshold > 0.98',
  'ColumnValues "city" in ["a","b"] where "year = \'2024\'" with threshold >= 0.9',
  'IsUnique "city"',
  'IsUnique "city" "measurement_time"',
  'IsPrimaryKey "city" "measurement_time"',
  'IsPrimaryKey "city" where "temperature > 0"',
  'Uniqueness "city" > 0.5',
  'Uniqueness "city" "measurement_time" between 0.1 and 0.2',
  'DistinctValuesCount "city" >= 3',
  'DistinctValuesCount "city" > 1 where "temperature IS NOT NULL"',
  'DataFreshness "measurement_time" <= 24 hours',
  'DataFreshness "measurement_time" between 2 days and 5 days',
  'DataFreshness "measurement_time" > 90 minutes with threshold >= 0.9',
  'Mean "temperature" between -10 and 40',
  'StandardDeviation "temperature" < 15',
  'CustomSql "select count(*) from primary" > 0',
  'CustomSql "select count(*) from primary where city = \'Paris\'" between 10 and 20',
  'CustomSql "select city from primary where temperature > -90"',
  'CustomSql "select city from primary where temperature > -90" with threshold > 0.9',
  'CustomSql "select \\"odd col\\" from primary"',
  '(IsComplete "city") and (IsUnique "city")',
  '(RowCount > 0) or (IsComplete "city") or (IsUnique "city")',
  '((RowCount > 0) and (IsComplete "b")) or ((IsComplete "a") and (IsUnique "a"))',
  'ColumnValues "collection_count" <= 3 labels=["severity"="warning"]',
  'IsComplete "city" labels=["severity"="error", "team"="weather"]',
  '(RowCount > 0) and (IsComplete "city") labels=["severity"="warning"]',
];

describe("DQDL printer and parser", () => {
  it.each(CANONICAL_RULES)("round-trips %s", (text) => {
    // Prepare / Act
    const rule = parseRule(text);
    const printed = printRule(rule);

    // Assess
    expect(printed).toBe(text);
    expect(parseRule(printed)).toEqual(rule);
  });

  it("round-trips a whole ruleset in canonical layout", () => {
    const text = `Rules = [\n${CANONICAL_RULES.map((r) => `    ${r}`).join(",\n")}\n]`;

    const ruleset = parseRuleset(text);

    expect(ruleset.rules).toHaveLength(CANONICAL_RULES.length);
    expect(printRuleset(ruleset)).toBe(text);
    expect(parseRuleset(printRuleset(ruleset))).toEqual(ruleset);
  });

  it("accepts a bare rule list, brackets alone, comments and the empty ruleset", () => {
    const bare = parseRuleset('RowCount > 0,\nIsComplete "city" # the key must be there\n');
    const bracketed = parseRuleset('[ RowCount > 0, IsComplete "city" ]');

    expect(bare).toEqual(bracketed);
    expect(printRuleset(bare)).toBe('Rules = [\n    RowCount > 0,\n    IsComplete "city"\n]');
    expect(parseRuleset("Rules = [ ]")).toEqual({ rules: [] });
    expect(printRuleset({ rules: [] })).toBe("Rules = []");
  });

  it("reads the severity shorthand `with severity` as the severity label and prints the canonical label form", () => {
    const shorthand = parseRule('ColumnValues "collection_count" <= 3 with severity "warning"');
    const withEquals = parseRule('ColumnValues "collection_count" <= 3 with severity = "warning"');

    expect(shorthand).toEqual(withEquals);
    expect(severityOf(shorthand)).toBe("warning");
    expect(printRule(shorthand)).toBe('ColumnValues "collection_count" <= 3 labels=["severity"="warning"]');
    expect(severityOf(parseRule('IsComplete "city"'))).toBe("error");
  });

  it("accepts lenient spellings: AND/OR, unquoted columns, now() offsets without parentheses", () => {
    expect(printRule(parseRule('(IsComplete "a") AND (IsUnique "a")'))).toBe('(IsComplete "a") and (IsUnique "a")');
    expect(printRule(parseRule("IsComplete city"))).toBe('IsComplete "city"');
    expect(printRule(parseRule('ColumnValues "t" > now() - 3 days'))).toBe('ColumnValues "t" > (now() - 3 days)');
  });

  it.each([
    ['Rules = [\n    RowCount > 0,\n    ColumnValues "temperature" > abc\n]', 3, 34, 'expected a number or string after ">", found "abc"'],
    ["Rules = [ RowCount ]", 1, 20, 'expected a condition (e.g. "> 0" or "between 1 and 10") for RowCount, found "]"'],
    ['Rules = [ RowCount > "many" ]', 1, 22, 'expected a number after ">", found "\\"many\\""'],
    ['Rules = [ Foo "x" ]', 1, 11, "expected a supported rule type"],
    ["Rules = [ RowCount > 0 with threshold > 0.5 ]", 1, 29, 'RowCount takes no "with threshold"'],
    ['Rules = [ IsComplete "x" labels=["severity"="fatal"] ]', 1, 45, 'expected a severity "error" or "warning", found "\\"fatal\\""'],
    ['Rules = [ (RowCount > 0) and (IsComplete "a") or (IsUnique "a") ]', 1, 47, 'expected "and" (to mix "and" and "or"'],
    ['Rules = [ IsComplete "x"', 1, 25, 'expected "," or "]" after the last rule, found the end of the text'],
    ['Rules = [ IsComplete "x ]', 1, 22, 'expected a closing " for the string'],
    ['Rules = [ ColumnValues "t" between 1 or 2 ]', 1, 38, 'expected "and" between the two bounds'],
    ['Rules = [ DataFreshness "t" <= 24 weeks ]', 1, 35, 'expected a time unit (days, hours, minutes) after "24"'],
    ['Rules = [ IsComplete "x" where "" ]', 1, 32, 'expected a non-empty quoted SQL predicate after "where"'],
    ['Rules = [ CustomSql "select 1 from primary" > 0 with threshold > 0.5 ]', 1, 54, "either a condition or"],
    ["Rules = RowCount > 0", 1, 9, 'expected "[" after "Rules ="'],
  ])("rejects %j at line %i, column %i", (text, line, column, message) => {
    let caught: unknown;
    try {
      parseRuleset(text);
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(DqdlParseError);
    const error = caught as DqdlParseError;
    expect({ line: error.line, column: error.column }).toEqual({ line, column });
    expect(error.message).toContain(`line ${line}, column ${column}: `);
    expect(error.message).toContain(message);
  });
});
