import { createRequire } from "node:module";

/**
 * The real jq (jq-web, a WebAssembly build) behind a small port. Firehose's inline parsing runs
 * jq (the doc names jq 1.6; jq-web 0.6.2 is jq 1.7), so anything the fast path cannot prove
 * equivalent runs here, one call per PutRecordBatch rather than per record (~10 µs vs ~1 ms a record).
 * https://docs.aws.amazon.com/firehose/latest/dev/dynamic-partitioning-partitioning-keys.html
 */

/** The part of jq-web sluice uses. */
export interface JqEngine {
  raw(input: string, filter: string, flags?: string[]): string;
}

/** A query jq refuses to compile; the message is jq's own. */
export class JqCompileError extends Error {
  override readonly name = "JqCompileError";
  constructor(
    readonly query: string,
    readonly jqMessage: string,
  ) {
    super(`MetadataExtractionQuery ${JSON.stringify(query)} does not compile: ${jqMessage}`);
  }
}

let loading: Promise<JqEngine> | undefined;

/** Loads jq-web once per process (the WebAssembly module takes a while to instantiate). */
export function loadJq(): Promise<JqEngine> {
  // jq-web is CommonJS exporting a promise; `import()` of it breaks under vitest's interop (the
  // namespace copies the promise's `then`), so it is required directly. No types ship with it.
  loading ??= Promise.resolve(createRequire(import.meta.url)("jq-web") as Promise<JqEngine>);
  return loading;
}

interface JqFailure {
  exitCode?: number;
  stderr?: string;
  message?: string;
}

/** jq's message without jq-web's "Non-zero exit code" line. */
export function jqMessageOf(error: unknown): string {
  const failure = error as JqFailure;
  const text = failure.stderr ?? failure.message ?? String(error);
  return text
    .split("\n")
    .filter((line) => line.length > 0 && !line.startsWith("Non-zero exit code"))
    .join("\n");
}

/**
 * Throws `JqCompileError` when jq cannot compile `query`. The query runs once on `null`; jq exits
 * with 3 on a compile error and 5 on a runtime error, and only the former is a config error.
 */
export function checkJqQuery(jq: JqEngine, query: string): void {
  try {
    jq.raw("null", `${query}\n`, ["-c"]);
  } catch (error) {
    if ((error as JqFailure).exitCode === 3) throw new JqCompileError(query, jqMessageOf(error));
  }
}

/** What jq made of one record: its outputs (with jq's own JSON text of each value) or its error. */
export type JqOutcome =
  | { readonly error: string }
  | { readonly outputs: readonly { readonly value: unknown; readonly valueTexts: Readonly<Record<string, string>> | null }[] };

function batchFilter(query: string): string {
  // One line per record; `limit(2; …)` is enough to tell "exactly one output" from the rest.
  // The newline ends a trailing `#` comment in the query.
  return (
    `.[] | [limit(2; try ((${query}\n) | {ok: ., s: (if type == "object" then map_values(tojson) else null end)})` +
    ` catch {err: (if type == "string" then . else tojson end)})]`
  );
}

/** Runs `query` over many records (their exact JSON texts) in one jq call. */
export function runJqBatch(jq: JqEngine, query: string, texts: readonly string[]): JqOutcome[] {
  if (texts.length === 0) return [];
  let output: string;
  try {
    output = jq.raw(`[${texts.join(",")}]`, batchFilter(query), ["-c"]);
  } catch (error) {
    // Should not happen (errors are caught inside jq); isolate the culprit record by record.
    if (texts.length === 1) return [{ error: jqMessageOf(error) }];
    return texts.flatMap((text) => runJqBatch(jq, query, [text]));
  }
  const lines = output.split("\n").filter((line) => line.length > 0);
  if (lines.length !== texts.length) {
    throw new Error(`jq returned ${lines.length} results for ${texts.length} records`);
  }
  return lines.map((line) => {
    const results = JSON.parse(line) as { ok?: unknown; s?: Record<string, string> | null; err?: string }[];
    const failed = results.find((r) => "err" in r);
    if (failed) return { error: String(failed.err) };
    return { outputs: results.map((r) => ({ value: r.ok, valueTexts: r.s ?? null })) };
  });
}
