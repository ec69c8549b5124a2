import { checkJqQuery, runJqBatch } from "./jq-engine";
import type { JqEngine, JqOutcome } from "./jq-engine";
import { compileJqFastPath, DEFER, JqRuntimeError, jqType } from "./jq-fast";
import type { FastQuery } from "./jq-fast";

/**
 * Partition keys from a `MetadataExtractionQuery`. AWS sends a record to the error output when it
 * "fails to extract the specified partitioning keys, or to evaluate the expressions included in
 * the S3 prefix value" (https://docs.aws.amazon.com/firehose/latest/dev/dynamic-partitioning-error-handling.html).
 * The doc does not say which values count as extracted; sluice decides (and documents) that a
 * key cannot be extracted when:
 *   - jq raises an error on the record, or yields no output or more than one output;
 *   - the output is not an object;
 *   - a key the prefix uses is missing from the output, null, an empty string, an array or an object.
 * Strings are used as they are; numbers and booleans are rendered as jq prints them (`tojson`).
 */

/** The keys of one record, or why they cannot be extracted. */
export type KeyExtraction =
  | { readonly ok: true; readonly keys: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly message: string };

/** What the fast path could not settle for a record: real jq decides. */
export const NEEDS_JQ: unique symbol = Symbol("needs-jq");

/** Options of a `PartitionKeyExtractor`. */
export interface PartitionKeyExtractorOptions {
  /** Compile the jq subset to JS (default true); false forces every record through jq-web. */
  readonly fastPath?: boolean;
}

/** Extracts the prefix's partition keys from records with jq semantics. */
export class PartitionKeyExtractor {
  private readonly fast: FastQuery | undefined;
  /** Records settled by each path, for tests and the report. */
  readonly counts = { fast: 0, jq: 0 };

  /** Validates the query with jq itself (throws `JqCompileError` with jq's message). */
  constructor(
    private readonly jq: JqEngine,
    readonly query: string,
    readonly keyNames: readonly string[],
    options: PartitionKeyExtractorOptions = {},
  ) {
    checkJqQuery(jq, query);
    this.fast = options.fastPath === false ? undefined : compileJqFastPath(query);
  }

  /** True when the query is inside the fast-path subset. */
  get usesFastPath(): boolean {
    return this.fast !== undefined;
  }

  /** Extracts the keys of one parsed record on the fast path, or says that jq must decide. */
  extractFast(record: unknown): KeyExtraction | typeof NEEDS_JQ {
    if (!this.fast) return NEEDS_JQ;
    let output: unknown;
    try {
      output = this.fast(record);
    } catch (error) {
      if (error instanceof JqRuntimeError) {
        this.counts.fast++;
        return { ok: false, message: error.message };
      }
      throw error;
    }
    if (output === DEFER) return NEEDS_JQ;
    const result = this.resolve(output, null);
    if (result !== NEEDS_JQ) this.counts.fast++;
    return result;
  }

  /** Extracts the keys of many records (their exact JSON texts) with one jq call. */
  extractWithJq(texts: readonly string[]): KeyExtraction[] {
    const outcomes = runJqBatch(this.jq, this.query, texts);
    this.counts.jq += texts.length;
    return outcomes.map((outcome) => this.fromJq(outcome));
  }

  /** Extracts the keys of parsed records and their texts: fast path first, the rest in one jq call. */
  extractAll(records: readonly unknown[], texts: readonly string[]): KeyExtraction[] {
    const results: (KeyExtraction | typeof NEEDS_JQ)[] = records.map((record) => this.extractFast(record));
    const pending: number[] = [];
    results.forEach((result, i) => {
      if (result === NEEDS_JQ) pending.push(i);
    });
    const settled = this.extractWithJq(pending.map((i) => texts[i]!));
    pending.forEach((index, j) => (results[index] = settled[j]!));
    return results as KeyExtraction[];
  }

  private fromJq(outcome: JqOutcome): KeyExtraction {
    if ("error" in outcome) return { ok: false, message: outcome.error };
    if (outcome.outputs.length !== 1) {
      return { ok: false, message: `MetadataExtractionQuery produced ${outcome.outputs.length === 0 ? "no" : "more than one"} result` };
    }
    const only = outcome.outputs[0]!;
    const result = this.resolve(only.value, only.valueTexts);
    // jq rendered every value, so NEEDS_JQ cannot come back from here.
    return result === NEEDS_JQ ? { ok: false, message: "unreachable" } : result;
  }

  // valueTexts: jq's `tojson` of each value (null on the fast path, where numbers defer to jq).
  private resolve(output: unknown, valueTexts: Readonly<Record<string, string>> | null): KeyExtraction | typeof NEEDS_JQ {
    if (output === null || typeof output !== "object" || Array.isArray(output)) {
      return { ok: false, message: `MetadataExtractionQuery returned ${jqType(output)}, not an object` };
    }
    const object = output as Record<string, unknown>;
    const keys: Record<string, string> = {};
    for (const name of this.keyNames) {
      const value = Object.prototype.hasOwnProperty.call(object, name) ? object[name] : undefined;
      if (value === undefined || value === null) return { ok: false, message: `partition key "${name}" is null or missing` };
      if (typeof value === "string") {
        if (value.length === 0) return { ok: false, message: `partition key "${name}" is an empty string` };
        keys[name] = value;
      } else if (typeof value === "boolean") {
        keys[name] = String(value);
      } else if (typeof value === "number") {
        // jq 1.7 keeps number literals as written (1.0 stays "1.0"): only jq can render them.
        if (!valueTexts) return NEEDS_JQ;
        keys[name] = valueTexts[name]!;
      } else {
        return { ok: false, message: `partition key "${name}" is an ${jqType(value)}, not a scalar` };
      }
    }
    return { ok: true, keys };
  }
}
