import { describe, expect, it } from "vitest";
import { outputKeysOf } from "../../packages/core/src/delivery";

// jq 1.6 manual (Object Construction, Pipe, Comma, if-then-else, Variables, Defining Functions):
// https://jqlang.github.io/jq/manual/v1.6/ — the keys an output object gets are written in the query.
describe("outputKeysOf: the keys of a jq query's output objects, from its syntax", () => {
  it.each([
    ["{location: .city}", ["location"]],
    ['{"location": .city | ascii_downcase, year: (.t | .[0:4])}', ["location", "year"]],
    ["{location, $__loc__}", ["location", "__loc__"]],
    ['.a as $x | .b as {c: $y} | {k: $x, "j k": $y}', ["k", "j k"]],
    ["def f(x): x | ascii_downcase; def g: 1; {k: f(.a)}", ["k"]],
    ["{a: 1}, {b: 2}", ["a", "b"]],
    ['if .x then {a: 1} elif .y then {b: (if .z then 1 else 2 end)} else {c: "|,}"} end', ["a", "b", "c"]],
    ['({k: "a|b"}) # a comment with {x: 1}', ["k"]],
    ['{k: "\\(.a | tostring), \\("x")"}', ["k"]],
    ["{}", []],
  ])("%s → %j", (query, keys) => {
    expect(outputKeysOf(query)).toEqual(keys);
  });

  it.each(["{(.k): 1}", '{"\\(.k)": 1}', "if .a then {a: 1} end", "with_entries(.)", ".meta", "{a: 1}?", "try {a: 1} catch {b: 2}", "{@base64: 1}", "{a: 1"])(
    "%s: the syntax does not show the keys",
    (query) => {
      expect(outputKeysOf(query)).toBeUndefined();
    },
  );
});
