/** One CSV record: its fields by header, and the line it starts on (1-based, the header is line 1). */
export interface CsvRow {
  readonly line: number;
  readonly values: Readonly<Record<string, string>>;
  /** The record's text as it was in the file (for the error output). */
  readonly text: string;
}

/** A CSV text that cannot be read as RFC 4180, naming the line. */
export class CsvError extends Error {
  override readonly name = "CsvError";
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/**
 * RFC 4180 (https://www.rfc-editor.org/rfc/rfc4180): the first record is the header; fields may be
 * quoted with `"` (a quote inside doubled, separators and line breaks inside kept); CRLF or LF line
 * ends; a blank line is skipped. A record with a different number of fields than the header is
 * returned with `problem` set, not dropped.
 */
export function parseCsv(text: string, delimiter = ","): { header: readonly string[]; rows: (CsvRow & { problem?: string })[] } {
  const records = splitRecords(text.startsWith("\uFEFF") ? text.slice(1) : text, delimiter);
  const first = records.shift();
  if (!first) return { header: [], rows: [] };
  const header = first.fields.map((h) => h.trim());
  const seen = new Set<string>();
  for (const name of header) {
    if (name === "") throw new CsvError(first.line, "the header has an empty column name");
    if (seen.has(name)) throw new CsvError(first.line, `the header names "${name}" twice`);
    seen.add(name);
  }
  const rows = records.map((record) => {
    const values: Record<string, string> = {};
    header.forEach((name, i) => (values[name] = record.fields[i] ?? ""));
    const problem = record.fields.length === header.length ? undefined : `has ${record.fields.length} fields, the header ${header.length}`;
    return { line: record.line, values, text: record.text, ...(problem ? { problem } : {}) };
  });
  return { header, rows };
}

function splitRecords(text: string, delimiter: string): { line: number; fields: string[]; text: string }[] {
  const out: { line: number; fields: string[]; text: string }[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let start = 0;
  let startLine = 1;
  let fieldStarted = false;
  const endRecord = (end: number) => {
    fields.push(field);
    const blank = fields.length === 1 && fields[0] === "" && !fieldStarted;
    if (!blank) out.push({ line: startLine, fields, text: text.slice(start, end) });
    fields = [];
    field = "";
    fieldStarted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === "\n") line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && field === "") {
      quoted = true;
      fieldStarted = true;
    } else if (c === delimiter) {
      fields.push(field);
      field = "";
      fieldStarted = true;
    } else if (c === "\n" || c === "\r") {
      const end = i;
      if (c === "\r" && text[i + 1] === "\n") i++;
      endRecord(end);
      line++;
      start = i + 1;
      startLine = line;
    } else field += c;
  }
  if (quoted) throw new CsvError(startLine, "a quoted field is not closed");
  if (start < text.length) endRecord(text.length);
  return out;
}
