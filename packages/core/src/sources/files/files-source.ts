import { readdir, readFile, stat } from "node:fs/promises";
import { basename, join, relative, resolve, sep } from "node:path";
import { gunzipSync } from "node:zlib";
import type { RejectedRecord } from "../../delivery/error-sink";
import type { Clock } from "../../lake/clock";
import { systemClock } from "../../lake/clock";
import type { ObjectStore } from "../../lake/object-store";
import type { ColumnSpec, Location } from "../../pipeline/types";
import { subjectNameProblem } from "../gazetteer";
import { lookup, parseJsonPath, type JsonPath } from "../rest/json-path";
import { RecordMapper, type RestRecord } from "../rest/records";
import { SourceError, type FetchRequest, type LocationOutcome, type Source } from "../source";
import type { FilesSourceConfig } from "./config";
import { CsvError, parseCsv } from "./csv";

/** Where the files are read from: a local folder or glob, or (on AWS) the objects under an S3 prefix. */
export interface FileReader {
  /** The files the pattern names, sorted. */
  list(): Promise<string[]>;
  read(name: string): Promise<Uint8Array>;
}

/** Options of a {@link FilesSource}. */
export interface FilesSourceOptions {
  readonly config: FilesSourceConfig;
  readonly schema?: readonly ColumnSpec[];
  /** Relative local paths are read from here (the config file's folder; default the working directory). */
  readonly baseDir?: string;
  /** Reads `s3://` paths (the AWS runtime's object store). */
  readonly objectStore?: ObjectStore;
  readonly clock?: Clock;
  readonly name?: string;
}

/** One row that is not a record: the file and line, and why (it goes to the error output). */
const ROW_INVALID = "Sluice.FileRowInvalid";

/**
 * Records from files instead of an API: every file the path names, each row mapped through
 * `fields` (CSV values converted to the schema's types), its subject from `subject` or the file's
 * name, kept when its time falls in the run's days. One outcome per subject; a row that cannot be
 * a record is rejected with its file and line, the others go on.
 */
export class FilesSource implements Source<RestRecord> {
  readonly name: string;
  private readonly mapper: RecordMapper;
  private readonly subject: JsonPath | undefined;
  private readonly reader: FileReader;
  private readonly clock: Clock;
  private readonly types: Map<string, ColumnSpec["type"]>;

  constructor(private readonly options: FilesSourceOptions) {
    const { config } = options;
    this.name = options.name ?? "files";
    this.mapper = new RecordMapper({ fields: config.fields, time: config.time, endpoint: { data_selector: config.data_selector } }, options.schema);
    this.subject = config.subject === undefined ? undefined : (parseJsonPath(config.subject) as JsonPath);
    this.reader = readerFor(config.path, options);
    this.clock = options.clock ?? systemClock;
    this.types = new Map(options.schema?.map((c) => [c.name, c.type]));
  }

  /** Every subject the files hold (what a run without named subjects ingests). */
  async subjects(): Promise<string[]> {
    const { bySubject } = await this.readAll(undefined);
    return [...bySubject.keys()].sort();
  }

  async *fetch(request: FetchRequest): AsyncIterable<LocationOutcome<RestRecord>> {
    const range = { from: Date.parse(`${request.from}T00:00:00Z`), to: Date.parse(`${request.to}T00:00:00Z`) + 86_400_000 };
    const { bySubject, rejected } = await this.readAll(range);
    const asked = request.locations.length > 0 ? request.locations : [...bySubject.keys()].sort().map((name): Location => ({ name, latitude: 0, longitude: 0 }));
    let unassigned: RejectedRecord[] = rejected;
    for (const location of asked) {
      const records = bySubject.get(location.name);
      if (!records) {
        yield { location, error: new SourceError(`no rows for subject "${location.name}" in ${this.options.config.path} between ${request.from} and ${request.to}`, location) };
        continue;
      }
      yield { location, records, ...(unassigned.length > 0 ? { rejected: unassigned } : {}) };
      unassigned = [];
    }
    if (unassigned.length > 0 && asked.length === 0) throw new SourceError(`every row of ${this.options.config.path} was refused; first: ${unassigned[0]!.errorMessage}`);
  }

  private async readAll(range: { from: number; to: number } | undefined): Promise<{ bySubject: Map<string, RestRecord[]>; rejected: RejectedRecord[] }> {
    const files = await this.reader.list();
    if (files.length === 0) throw new SourceError(`no files match ${this.options.config.path}`);
    const bySubject = new Map<string, RestRecord[]>();
    const rejected: RejectedRecord[] = [];
    const collected = new Date(this.clock.now()).toISOString().replace(".000Z", "Z");
    for (const file of files) {
      for (const row of await this.rowsOf(file)) {
        const reject = (message: string) => rejected.push({ data: row.text, errorCode: ROW_INVALID, errorMessage: `${message}; ${file}:${row.line}`, attemptsMade: 0, arrivalTimestamp: this.clock.now() });
        if (row.problem) {
          reject(row.problem);
          continue;
        }
        const mapped = this.mapper.map(row.item, row.item);
        if (mapped.problem) {
          reject(mapped.problem.message);
          continue;
        }
        const problem = this.coerce(mapped.record);
        if (problem) {
          reject(problem);
          continue;
        }
        const subject = this.subjectOf(row.item, file);
        if (typeof subject !== "string") {
          reject(subject.problem);
          continue;
        }
        const time = this.options.config.time;
        if (range && time && typeof mapped.record[time.column] === "string") {
          const at = Date.parse(mapped.record[time.column] as string);
          if (at < range.from || at >= range.to) continue; // not asked for: another run's days
        }
        const records = bySubject.get(subject) ?? [];
        records.push({ subject, ...mapped.record, collection_time: collected });
        bySubject.set(subject, records);
      }
    }
    return { bySubject, rejected };
  }

  /** The file's rows as items with their line (CSV, NDJSON) or position (JSON). */
  private async rowsOf(file: string): Promise<{ item: unknown; line: number; text: string; problem?: string }[]> {
    const bytes = await this.reader.read(file);
    const text = Buffer.from(file.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8");
    const { format, delimiter } = this.options.config;
    if (format === "csv") {
      try {
        return parseCsv(text, delimiter).rows.map((row) => ({ item: row.values, line: row.line, text: row.text, ...(row.problem ? { problem: row.problem } : {}) }));
      } catch (error) {
        if (error instanceof CsvError) throw new SourceError(`${file}: ${error.message}`);
        throw error;
      }
    }
    if (format === "ndjson") {
      return text.split("\n").flatMap((line, index) => {
        if (line.trim() === "") return [];
        try {
          return [{ item: JSON.parse(line) as unknown, line: index + 1, text: line }];
        } catch (error) {
          return [{ item: undefined, line: index + 1, text: line, problem: `not JSON: ${(error as Error).message}` }];
        }
      });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw new SourceError(`${file}: not JSON: ${(error as Error).message}`);
    }
    let items: readonly unknown[];
    try {
      items = this.mapper.select(body);
    } catch (error) {
      throw new SourceError(`${file}: ${(error as Error).message}`);
    }
    return items.map((item, index) => ({ item, line: index + 1, text: JSON.stringify(item) ?? "null" }));
  }

  /** CSV gives text: numbers and booleans of the schema are converted, an empty field is null. */
  private coerce(record: RestRecord): string | undefined {
    if (this.options.config.format !== "csv") return undefined;
    for (const [column, value] of Object.entries(record)) {
      if (typeof value !== "string") continue;
      const type = this.types.get(column);
      if (value === "") {
        record[column] = null;
        continue;
      }
      if (type === "double" || type === "bigint") {
        const number = Number(value);
        if (value.trim() === "" || !Number.isFinite(number) || (type === "bigint" && !Number.isInteger(number))) return `field "${column}": "${value}" is not ${type === "bigint" ? "an integer" : "a number"}`;
        record[column] = number;
      } else if (type === "boolean") {
        if (!/^(true|false)$/i.test(value)) return `field "${column}": "${value}" is not true or false`;
        record[column] = value.toLowerCase() === "true";
      }
    }
    return undefined;
  }

  private subjectOf(item: unknown, file: string): string | { problem: string } {
    if (this.subject === undefined) return basename(file).replace(/\..*$/, "");
    const found = lookup(item, this.subject);
    if (!found.found || found.value === null || found.value === "") return { problem: `no subject at "${this.subject.text}"` };
    if (typeof found.value === "object") return { problem: `the subject at "${this.subject.text}" is not a value` };
    const problem = subjectNameProblem(String(found.value));
    return problem === undefined ? String(found.value) : { problem: `subject at "${this.subject.text}": ${problem}` };
  }
}

/** The reader of a path: `s3://bucket/prefix` through the object store, else the local files a folder or glob names. */
function readerFor(path: string, options: FilesSourceOptions): FileReader {
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/.exec(path);
  if (s3) {
    const store = options.objectStore;
    if (!store) throw new SourceError(`${path}: s3:// paths are read on AWS; on the twin name a folder or a glob of local files`);
    const [, bucket, prefix] = s3 as unknown as [string, string, string];
    return {
      list: async () => (await store.list(bucket, prefix)).map((o) => `s3://${bucket}/${o.key}`).sort(),
      read: (name) => store.get(bucket, name.slice(`s3://${bucket}/`.length)),
    };
  }
  return localReader(resolve(options.baseDir ?? process.cwd(), path));
}

/** Local files: a folder (every file under it) or a glob (`*`, `?`, `**` for any folders). */
export function localReader(pattern: string): FileReader {
  const parts = pattern.split(sep);
  const firstWild = parts.findIndex((p) => /[*?]/.test(p));
  const base = firstWild === -1 ? pattern : parts.slice(0, firstWild).join(sep) || sep;
  const matcher = firstWild === -1 ? undefined : globRegExp(parts.slice(firstWild).join("/"));
  return {
    list: async () => {
      const info = await stat(base).catch(() => undefined);
      if (!info) return [];
      if (info.isFile()) return matcher ? [] : [base];
      const entries = await readdir(base, { recursive: true, withFileTypes: true });
      return entries
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name))
        .filter((file) => !matcher || matcher.test(relative(base, file).split(sep).join("/")))
        .sort();
    },
    read: (name) => readFile(name),
  };
}

function globRegExp(glob: string): RegExp {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*" && glob[i + 1] === "*") {
      out += glob[i + 2] === "/" ? "(?:.*/)?" : ".*";
      i += glob[i + 2] === "/" ? 2 : 1;
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else out += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${out}$`);
}
