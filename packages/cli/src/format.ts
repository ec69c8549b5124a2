/** Renders rows as an aligned text table, JSON (one array) or CSV (RFC 4180 quoting). */
export type OutputFormat = "table" | "json" | "csv";

export function formatRows(columns: readonly string[], rows: readonly Record<string, unknown>[], format: OutputFormat): string {
  switch (format) {
    case "json":
      return JSON.stringify(rows, null, 2);
    case "csv":
      return [columns.map(csvCell).join(","), ...rows.map((row) => columns.map((c) => csvCell(row[c])).join(","))].join("\n");
    case "table":
      return textTable(columns, rows);
  }
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = cellText(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Longest cell of a text table; longer ones (a failure's message) end in "…" — `--json` keeps the full text. */
export const MAX_CELL = 120;

/** An aligned table; numbers right-aligned; cells cut at MAX_CELL characters. */
export function textTable(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const cells = rows.map((row) => columns.map((c) => cut(cellText(row[c]))));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const numeric = columns.map((c) => rows.length > 0 && rows.every((r) => typeof r[c] === "number" || r[c] === null));
  const line = (values: string[]) =>
    values.map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line([...columns]), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)].join("\n");
}

function cut(text: string): string {
  return text.length > MAX_CELL ? text.slice(0, MAX_CELL - 1) + "…" : text;
}

/** Bytes as Athena's console shows them (KB, MB, GB with two decimals). */
export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(2)} ${units[unit]}`;
}
