/**
 * The macros of Grafana's Athena data source (grafana/athena-datasource, pkg/athena/macros.go),
 * expanded as the plugin's backend expands them, so a dashboard's SQL can run on the twin exactly
 * as Grafana would send it to Athena. Times are rendered in UTC, as Athena sessions run.
 */

/** The dashboard time range (and optionally Grafana's computed interval) a query is expanded for. */
export interface GrafanaTimeRange {
  readonly from: Date;
  readonly to: Date;
  /** Grafana's `$__interval_ms`; also enables `$__interval`. */
  readonly intervalMs?: number;
}

/** A macro the plugin does not define, or one called with the wrong arguments. */
export class GrafanaMacroError extends Error {
  override readonly name = "GrafanaMacroError";
  constructor(
    readonly macro: string,
    reason: string,
  ) {
    super(`Grafana macro $__${macro}: ${reason}`);
  }
}

/** The plugin's default `$__parseTime` / `$__timeGroup` format (a Trino TIMESTAMP literal). */
const TIMESTAMP_FORMAT = "'yyyy-MM-dd HH:mm:ss'";

type Macro = (args: readonly string[], range: GrafanaTimeRange) => string;

const pad = (n: number, width = 2) => String(n).padStart(width, "0");
const sqlTimestamp = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
const sqlDate = (d: Date) => sqlTimestamp(d).slice(0, 10);
const unix = (d: Date) => Math.floor(d.getTime() / 1000);

/** `parseTime` of macros.go: no format → the column, the default → `TIMESTAMP col`, else `parse_datetime`. */
function parseTime(target: string, format: string | undefined): string {
  if (!format) return target;
  return format === TIMESTAMP_FORMAT ? `TIMESTAMP ${target}` : `parse_datetime(${target},${format})`;
}

const UNIT_SECONDS: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** Seconds of a Grafana interval (`'1h'`, `5m`, `30s`), as gtime.ParseInterval reads it. */
function intervalSeconds(macro: string, text: string): number {
  const match = /^(\d+)(ms|s|m|h|d|w)$/.exec(text.replace(/^'|'$/g, ""));
  if (!match) throw new GrafanaMacroError(macro, `cannot parse interval ${text} (expected e.g. '1h', '5m', '30s')`);
  return Number(match[1]) * UNIT_SECONDS[match[2]!]!;
}

function arity(macro: string, args: readonly string[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const expected = min === max ? `${min}` : `${min} to ${max}`;
    throw new GrafanaMacroError(macro, `expected ${expected} argument(s), received ${args.length}`);
  }
}

/** Java date pattern → text, as toolbox.DateFormatToLayout does for `$__rawTimeFrom('…')` (quotes stay literal). */
function formatRaw(date: Date, format: string): string {
  const fields: Record<string, string> = {
    yyyy: String(date.getUTCFullYear()),
    MM: pad(date.getUTCMonth() + 1),
    dd: pad(date.getUTCDate()),
    HH: pad(date.getUTCHours()),
    mm: pad(date.getUTCMinutes()),
    ss: pad(date.getUTCSeconds()),
  };
  return format.replace(/yyyy|MM|dd|HH|mm|ss/g, (token) => fields[token]!);
}

const MACROS: Readonly<Record<string, Macro>> = {
  timeFilter: (args, r) => {
    arity("timeFilter", args, 1, 2);
    return `${parseTime(args[0]!, args[1])} BETWEEN TIMESTAMP '${sqlTimestamp(r.from)}' AND TIMESTAMP '${sqlTimestamp(r.to)}'`;
  },
  dateFilter: (args, r) => {
    arity("dateFilter", args, 1);
    return `${args[0]} BETWEEN date '${sqlDate(r.from)}' AND date '${sqlDate(r.to)}'`;
  },
  unixEpochFilter: (args, r) => {
    arity("unixEpochFilter", args, 1);
    return `${args[0]} BETWEEN ${unix(r.from)} AND ${unix(r.to)}`;
  },
  timeFrom: (_args, r) => `TIMESTAMP '${sqlTimestamp(r.from)}'`,
  timeTo: (_args, r) => `TIMESTAMP '${sqlTimestamp(r.to)}'`,
  rawTimeFrom: (args, r) => formatRaw(r.from, args[0] || TIMESTAMP_FORMAT),
  rawTimeTo: (args, r) => formatRaw(r.to, args[0] || TIMESTAMP_FORMAT),
  parseTime: (args) => {
    arity("parseTime", args, 1, 2);
    return parseTime(args[0]!, args[1] ?? TIMESTAMP_FORMAT);
  },
  timeGroup: (args) => {
    arity("timeGroup", args, 2, 3);
    const s = intervalSeconds("timeGroup", args[1]!);
    return `FROM_UNIXTIME(FLOOR(TO_UNIXTIME(${parseTime(args[0]!, args[2])})/${s})*${s})`;
  },
  unixEpochGroup: (args) => {
    arity("unixEpochGroup", args, 2, 3);
    const s = intervalSeconds("unixEpochGroup", args[1]!);
    return `FROM_UNIXTIME(FLOOR(${parseTime(args[0]!, args[2])}/${s})*${s})`;
  },
};

/** The macro names the plugin defines. */
export const GRAFANA_ATHENA_MACROS: readonly string[] = Object.keys(MACROS);

/** Grafana's interval text for `$__interval` (`1h`, `5m`, `30s`, `500ms`). */
function intervalText(ms: number): string {
  for (const [unit, seconds] of [["d", 86_400], ["h", 3600], ["m", 60], ["s", 1]] as const) {
    if (ms >= seconds * 1000 && ms % (seconds * 1000) === 0) return `${ms / (seconds * 1000)}${unit}`;
  }
  return `${ms}ms`;
}

/** The closing parenthesis matching the one at `open`, skipping quoted text. */
function closingParen(sql: string, open: number): number {
  let depth = 0;
  for (let i = open; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'") {
      i = sql.indexOf("'", i + 1);
      if (i < 0) return -1;
    } else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i;
  }
  return -1;
}

/** Top-level comma-separated arguments, trimmed (commas inside quotes or parentheses stay). */
function splitArgs(text: string): string[] {
  if (text.trim() === "") return [];
  const args: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") i = Math.max(i, text.indexOf("'", i + 1));
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "," && depth === 0) {
      args.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  args.push(text.slice(start).trim());
  return args;
}

/**
 * Expands every `$__macro(...)` of Grafana's Athena data source in `sql` for a time range, plus
 * Grafana's `$__interval`/`$__interval_ms` when `intervalMs` is given. Throws GrafanaMacroError on a
 * macro the plugin does not know (Athena would fail on the `$` anyway, later and less clearly).
 */
export function expandGrafanaMacros(sql: string, range: GrafanaTimeRange): string {
  let out = "";
  let at = 0;
  // Quoted literals are copied untouched: a `$__` inside a string is data, not a macro call.
  const pattern = /'(?:[^']|'')*'|\$__([A-Za-z_]+)/g;
  for (let m = pattern.exec(sql); m; m = pattern.exec(sql)) {
    const name = m[1];
    if (name === undefined) continue;
    out += sql.slice(at, m.index);
    at = m.index + m[0].length;
    if (name === "interval" || name === "interval_ms") {
      if (range.intervalMs === undefined) throw new GrafanaMacroError(name, "needs intervalMs (Grafana computes it from the panel width)");
      out += name === "interval" ? intervalText(range.intervalMs) : String(range.intervalMs);
      continue;
    }
    const macro = MACROS[name];
    if (!macro) throw new GrafanaMacroError(name, `unknown macro; the Athena data source defines ${GRAFANA_ATHENA_MACROS.map((n) => `$__${n}`).join(", ")}`);
    let args: string[] = [];
    if (sql[at] === "(") {
      const close = closingParen(sql, at);
      if (close < 0) throw new GrafanaMacroError(name, "missing closing parenthesis");
      args = splitArgs(expandGrafanaMacros(sql.slice(at + 1, close), range));
      at = close + 1;
    }
    out += macro(args, range);
    pattern.lastIndex = at;
  }
  return out + sql.slice(at);
}
