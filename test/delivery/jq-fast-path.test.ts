import { beforeAll, describe, expect, it } from "vitest";
import {
  compileJqFastPath,
  DEFER,
  JqCompileError,
  loadJq,
  PartitionKeyExtractor,
  runJqBatch,
  outputKeysOf,
} from "../../packages/core/src/delivery";
import type { JqEngine } from "../../packages/core/src/delivery";
import { seeded } from "./helpers";

// Inline parsing uses jq for MetadataExtractionQuery:
// https://docs.aws.amazon.com/firehose/latest/dev/dynamic-partitioning-partitioning-keys.html
// The fast path must agree with real jq (jq-web) on every record it settles.

let jq: JqEngine;
beforeAll(async () => {
  jq = await loadJq();
});

const FAST_QUERIES = [
  "{location: .city}",
  "{location: .city, year: .meta.year}",
  "{city}",
  '{"q k": .["x"], lit: "const"}',
  "{k: .x[0:4]}",
  "{k: .x[:2], l: .x[2:], m: .x[-3:-1]}",
  "{first: .arr[0], last: .arr[-1]}",
  ".meta | {y: .year, c: .city}",
  "{location: .meta | .city}",
  ".a",
  ".a.b",
  '.["x"]',
  '."x"',
  ".arr[1]",
  ".x[1:3]",
  ".",
];

// Raw JSON texts, so that number literals (1.0, 1e2, huge integers) reach jq exactly as sent.
function randomValue(random: () => number, depth: number): string {
  const r = random();
  const strings = ['"Paris"', '"São Paulo"', '"東京"', '"😀astral😀x"', '""', '"a/b"', '"ab"', '"abcdefgh"', '"with \\"quote\\""'];
  const numbers = ["0", "1", "-7", "1.0", "2.50", "1e2", "12345678901234567890", "0.1", "-0"];
  if (r < 0.3) return strings[Math.floor(random() * strings.length)]!;
  if (r < 0.45) return numbers[Math.floor(random() * numbers.length)]!;
  if (r < 0.55) return "null";
  if (r < 0.62) return random() < 0.5 ? "true" : "false";
  if (depth <= 0) return '"leaf"';
  if (r < 0.8) return randomObject(random, depth - 1);
  const items = Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth - 1));
  return `[${items.join(",")}]`;
}

function randomObject(random: () => number, depth: number): string {
  const fields = ["city", "x", "a", "b", "arr", "meta", "year", "q k"];
  const entries = fields.filter(() => random() < 0.6).map((f) => `${JSON.stringify(f)}:${randomValue(random, depth)}`);
  return `{${entries.join(",")}}`;
}

function randomRecords(count: number, seed: number): string[] {
  const random = seeded(seed);
  return Array.from({ length: count }, () => (random() < 0.85 ? randomObject(random, 3) : randomValue(random, 2)));
}

describe("jq fast path", () => {
  it("compiles every query of the documented subset, and nothing outside it", () => {
    for (const query of FAST_QUERIES) expect(compileJqFastPath(query), query).toBeDefined();
    for (const query of [".a?", ".. | .a", "{(.k): 1}", "{a: 1}", ".a, .b", "{a: .x | ascii_downcase}", '{a: "\\(.x)"}', ".a # c", "{if: .x}"]) {
      expect(compileJqFastPath(query), query).toBeUndefined();
    }
    expect(outputKeysOf("{location: .city, year}")).toEqual(["location", "year"]);
  });

  it.each(FAST_QUERIES)("agrees with jq-web on 1500 random records: %s", (query) => {
    // Prepare
    const texts = randomRecords(1500, 7 + query.length);
    const fast = compileJqFastPath(query)!;
    // Act
    const slow = runJqBatch(jq, query, texts);
    let compared = 0;
    // Assess: same value or the same error message, record by record
    texts.forEach((text, i) => {
      let mine: { ok: unknown } | { err: string } | typeof DEFER;
      try {
        const value = fast(JSON.parse(text));
        mine = value === DEFER ? DEFER : { ok: value };
      } catch (error) {
        mine = { err: (error as Error).message };
      }
      if (mine === DEFER) return;
      const theirs = slow[i]!;
      const expected = "error" in theirs ? { err: theirs.error } : { ok: theirs.outputs[0]!.value };
      expect(mine, `${query} on ${text}`).toEqual(expected);
      compared++;
    });
    expect(compared).toBeGreaterThan(1400);
  });

  it("extracts the same partition keys with and without the fast path, settling most records in JS", () => {
    // Prepare
    const query = "{location: .city, year: .meta.year}";
    const texts = randomRecords(3000, 99);
    const values = texts.map((t) => JSON.parse(t) as unknown);
    const withFast = new PartitionKeyExtractor(jq, query, ["location", "year"]);
    const jqOnly = new PartitionKeyExtractor(jq, query, ["location", "year"], { fastPath: false });
    // Act
    const a = withFast.extractAll(values, texts);
    const b = jqOnly.extractAll(values, texts);
    // Assess
    expect(a).toEqual(b);
    expect(jqOnly.counts).toEqual({ fast: 0, jq: 3000 });
    expect(withFast.counts.fast).toBeGreaterThan(2000);
    expect(a.filter((r) => r.ok).length).toBeGreaterThan(0);
  });

  it("renders keys by jq's rules: strings as-is, numbers as jq prints them, null and objects not extracted", () => {
    // Prepare
    const extractor = new PartitionKeyExtractor(jq, "{k: .v}", ["k"]);
    const texts = ['{"v":"Paris"}', '{"v":1.0}', '{"v":7}', '{"v":true}', '{"v":null}', "{}", '{"v":{"a":1}}', '{"v":""}', "[1]"];
    // Act
    const results = extractor.extractAll(texts.map((t) => JSON.parse(t) as unknown), texts);
    // Assess
    expect(results).toEqual([
      { ok: true, keys: { k: "Paris" } },
      { ok: true, keys: { k: "1.0" } }, // jq 1.7 keeps the literal; AWS's jq 1.6 would print 1
      { ok: true, keys: { k: "7" } },
      { ok: true, keys: { k: "true" } },
      { ok: false, message: 'partition key "k" is null or missing' },
      { ok: false, message: 'partition key "k" is null or missing' },
      { ok: false, message: 'partition key "k" is an object, not a scalar' },
      { ok: false, message: 'partition key "k" is an empty string' },
      { ok: false, message: 'Cannot index array with string "v"' },
    ]);
  });

  it("runs queries outside the subset on jq-web in one batch, with jq's semantics", () => {
    const extractor = new PartitionKeyExtractor(jq, "{location: .city | ascii_downcase}, {location: \"dup\"} | select(.location != \"x\")", ["location"]);
    const texts = ['{"city":"PARIS"}', '{"city":5}'];
    const results = extractor.extractAll(texts.map((t) => JSON.parse(t) as unknown), texts);
    expect(extractor.usesFastPath).toBe(false);
    expect(results[0]).toEqual({ ok: false, message: "MetadataExtractionQuery produced more than one result" });
    expect(results[1]!.ok).toBe(false);
    const single = new PartitionKeyExtractor(jq, "{location: .city | ascii_downcase}", ["location"]);
    expect(single.extractAll([{ city: "PARIS" }], ['{"city":"PARIS"}'])).toEqual([{ ok: true, keys: { location: "paris" } }]);
  });

  it("refuses a query jq cannot compile, with jq's message", () => {
    expect(() => new PartitionKeyExtractor(jq, "{location: .city", ["location"])).toThrow(JqCompileError);
    expect(() => new PartitionKeyExtractor(jq, "{location: .city", ["location"])).toThrow(/syntax error/);
  });
});
