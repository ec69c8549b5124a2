import { UnsupportedSqlError, AthenaSqlSyntaxError } from "./errors";
import { isAggregateOrWindow, lookupFunction, sqlString } from "./functions";
import type { Token } from "./tokenizer";
import {
  isGroup,
  isSignificantNode,
  isWord,
  positionOf,
  rawText,
  significant,
  splitArguments,
  splitOnCommas,
  type Group,
  type SqlNode,
} from "./tree";
import { castTarget } from "./types";
import { TYPED_MACRO_CALL } from "./macros";
import type { SqlPosition } from "./errors";

/** A relation named after FROM/JOIN that is not a CTE: what an allow-list of tables checks. */
export interface TableReference {
  /** The object name, lower-case. */
  readonly name: string;
  /** The qualifier parts before it (`[catalog, database]`), lower-case, as written. */
  readonly qualifier: readonly string[];
  readonly at: SqlPosition;
}

/** What a translation collects while it walks: CTE names in scope (not tables), referenced tables, functions used. */
export interface TranslationContext {
  readonly cteNames: Set<string>;
  readonly tables: string[];
  readonly references: TableReference[];
  readonly functions: string[];
  /** How many TRY(…) calls enclose the current node (divisions then give NULL instead of failing). */
  tryDepth: number;
}

/** A fresh context for one statement. */
export function newContext(): TranslationContext {
  return { cteNames: new Set(), tables: [], references: [], functions: [], tryDepth: 0 };
}

// A parenthesised query may start only as a Trino query does; DuckDB also runs `(SUMMARIZE t)`,
// `(SHOW TABLES)`, `(FROM t)`, `(PRAGMA …)` there, which would read past the catalog.
const SUBQUERY_STARTS = new Set(["SELECT", "WITH", "VALUES"]);
const STATEMENT_KEYWORDS = new Set(["SUMMARIZE", "DESCRIBE", "DESC", "SHOW", "PRAGMA", "EXPLAIN", "CALL", "FROM", "PIVOT", "UNPIVOT", "TABLE", "ATTACH", "COPY", "EXPORT", "IMPORT", "INSTALL", "LOAD", "SET", "RESET"]);

// Words that may precede "(" without being a function call.
const NON_CALL_KEYWORDS = new Set([
  "ALL", "AND", "ANY", "ARRAY", "AS", "BETWEEN", "BY", "CASE", "CROSS", "CUBE", "DISTINCT", "ELSE", "END", "EXCEPT",
  "EXISTS", "FILTER", "FROM", "FULL", "GROUP", "GROUPING", "HAVING", "IN", "INNER", "INTERSECT", "IS", "JOIN",
  "LATERAL", "LEFT", "LIKE", "LIMIT", "NATURAL", "NOT", "ON", "OR", "ORDER", "OUTER", "OVER", "PARTITION", "RIGHT",
  "ROLLUP", "SELECT", "SETS", "SOME", "THEN", "UNION", "USING", "VALUES", "WHEN", "WHERE", "WITH", "WINDOW",
]);

// Words that are never a table name, alias or column when they follow FROM/JOIN.
const RESERVED = new Set([
  ...NON_CALL_KEYWORDS, "ASC", "DESC", "NULLS", "FIRST", "LAST", "ROWS", "RANGE", "PRECEDING", "FOLLOWING",
  "UNBOUNDED", "CURRENT", "ROW", "OFFSET", "FETCH", "NULL", "TRUE", "FALSE", "INTERVAL", "CAST", "TRY_CAST",
  "EXTRACT", "RECURSIVE", "ESCAPE", "UNNEST",
]);

// Clause keywords that end a FROM list.
const ENDS_FROM = new Set(["WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "FETCH", "UNION", "INTERSECT", "EXCEPT", "WINDOW", "SELECT"]);

// Operators DuckDB accepts but Trino rejects (or reads differently): refusing them keeps the twin honest.
const REJECTED_OPERATORS: Readonly<Record<string, string>> = {
  "::": "use CAST(x AS type)",
  "->": "a lambda is an argument of transform, filter, reduce, zip_with, array_sort, any_match, all_match or none_match; JSON arrows are not Trino SQL",
  "=>": "named arguments are not supported",
  "==": "use =",
  "//": "Trino has no // operator; integer / integer already divides as integers",
  "**": "use power(x, y)",
  "^": "use power(x, y)",
  "<<": "use bitwise_left_shift",
  ">>": "use bitwise_right_shift",
  "&": "use bitwise_and",
  "|": "use bitwise_or",
  "~": "use bitwise_not",
  "@": "not a Trino operator",
  "!": "use NOT",
  "{": "DuckDB struct/map literals are not Trino SQL",
  "}": "DuckDB struct/map literals are not Trino SQL",
  ":": "not a Trino operator",
};

// EXTRACT fields: Trino name → DuckDB date part. DAY_OF_WEEK is ISO in Trino; DuckDB's dow starts at Sunday = 0.
const EXTRACT_FIELDS: Readonly<Record<string, string>> = {
  YEAR: "year",
  QUARTER: "quarter",
  MONTH: "month",
  WEEK: "week",
  DAY: "day",
  DAY_OF_MONTH: "day",
  DAY_OF_WEEK: "isodow",
  DOW: "isodow",
  DAY_OF_YEAR: "doy",
  DOY: "doy",
  YEAR_OF_WEEK: "isoyear",
  YOW: "isoyear",
  HOUR: "hour",
  MINUTE: "minute",
  SECOND: "second",
  TIMEZONE_HOUR: "timezone_hour",
  TIMEZONE_MINUTE: "timezone_minute",
};

// EXTRACT fields that also apply to intervals (see athena_extract_* in athenaMacrosSql).
const INTERVAL_FIELDS = new Set(["year", "month", "day", "hour", "minute", "second"]);

const INTERVAL_UNITS = new Set(["YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"]);

// Comparison operators (see checkNumericComparison).
const COMPARISONS = new Set(["=", "<>", "!=", "<", ">", "<=", ">="]);

/** Trino's type of a numeric literal: integer (bigint past 2^31), decimal(p,s) with a point, double with an exponent. */
function numberLiteralType(text: string): string {
  if (/[eE]/.test(text)) return "double";
  const point = text.indexOf(".");
  if (point === -1) return Math.abs(Number(text)) > 2147483647 ? "bigint" : "integer";
  const digits = text.replace(".", "").replace(/^0+/, "");
  return `decimal(${Math.max(1, digits.length)},${text.length - point - 1})`;
}

// Keywords that cannot end or start an arithmetic operand.
const OPERAND_KEYWORDS = new Set(["SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "THEN", "ELSE", "WHEN", "ON", "BY", "AS", "IS", "IN", "LIKE", "BETWEEN", "HAVING", "ORDER", "GROUP", "LIMIT", "DISTINCT"]);

function isOperator(node: SqlNode | undefined, ...texts: string[]): boolean {
  return node !== undefined && node.kind === "operator" && texts.includes(node.text);
}

// `INTEGER '37'`, `DECIMAL '1.0'`…: Trino's typed literals, as casts of the text.
const TYPED_LITERALS: Readonly<Record<string, string>> = {
  TINYINT: "TINYINT",
  SMALLINT: "SMALLINT",
  INTEGER: "INTEGER",
  BIGINT: "BIGINT",
  DOUBLE: "DOUBLE",
  REAL: "FLOAT",
  DECIMAL: "DECIMAL",
};

/** DuckDB type of a typed literal; `DECIMAL '1.20'` is DECIMAL(3,2) as in Trino (digits and scale as written). */
function typedLiteralType(keyword: string, literal: Token): string {
  if (keyword !== "DECIMAL") return TYPED_LITERALS[keyword]!;
  const match = /^\s*[+-]?(\d*)(?:\.(\d*))?\s*$/.exec(literal.value);
  if (!match || (match[1] === "" && (match[2] ?? "") === "")) throw new AthenaSqlSyntaxError(`invalid DECIMAL literal ${literal.text}`, literal);
  const scale = (match[2] ?? "").length;
  const precision = Math.max(1, match[1]!.replace(/^0+/, "").length + scale);
  if (precision > 38) throw new UnsupportedSqlError("type", `DECIMAL ${literal.text}`, literal, "more than 38 digits");
  return `DECIMAL(${precision},${scale})`;
}

function addOnce(list: string[], value: string): void {
  if (!list.includes(value)) list.push(value);
}

/** A Trino lambda argument (`x -> …`, `(x, y) -> …`): its parameters and translated body. */
export interface TranslatedLambda {
  readonly params: readonly string[];
  readonly body: string;
}

/** Reads `x -> body` or `(x, y) -> body` from an argument's nodes; undefined if it is not a lambda. */
function lambdaOf(nodes: readonly SqlNode[], ctx: TranslationContext): TranslatedLambda | undefined {
  const sig = significant(nodes);
  const arrow = sig[1];
  if (arrow === undefined || arrow.kind !== "operator" || arrow.text !== "->") return undefined;
  const head = sig[0]!;
  const names = isGroup(head) ? splitOnCommas(head.children).map((part) => significant(part)) : [[head]];
  const params = names.map((part) => {
    const only = part[0];
    if (part.length !== 1 || only === undefined || (only.kind !== "word" && only.kind !== "quoted")) {
      throw new AthenaSqlSyntaxError("a lambda parameter is a name", positionOf(head));
    }
    return quoteIdentifier(only.value);
  });
  const body = translateRun(nodes.slice(nodes.indexOf(arrow) + 1), ctx).trim();
  return { params, body };
}

// A window function in a translated argument (`f(x) OVER (…)`, `f(x) OVER w`), and any call.
const WINDOW_CALL = /\bover\s*(?:\(|"|[A-Za-z_])/i;
const ANY_CALL = /[A-Za-z_]\w*\s*\(/;

/** An argument's text without its string literals (a literal may hold "over (" or "f("). */
function withoutStrings(arg: string): string {
  return arg.replace(/'(?:[^']|'')*'/g, "''");
}

/**
 * Builds a call to one of the twin's macros from translated arguments, passing an argument through
 * a lambda parameter when DuckDB could not bind it otherwise: DuckDB binds a macro's typed
 * overloads before it knows the type of a window function or an aggregate among its arguments (it
 * calls the overloads ambiguous or picks the wrong one), but a lambda parameter has its type. Only
 * when `typed` (the text calls a macro with typed overloads) and only arguments holding a call
 * (plain columns and literals bind); macros without typed overloads take window functions and
 * aggregates as they are. `build` gets the arguments to use (the bound ones as `athena_w.aK`).
 */
export function withArgumentsBound(
  args: readonly string[],
  build: (args: readonly string[]) => string,
  options: { readonly typed?: boolean; readonly keep?: (index: number) => boolean } = {},
): string {
  const fields: string[] = [];
  const bound = args.map((arg, k) => {
    const bare = withoutStrings(arg);
    if (options.keep?.(k) || !options.typed || !(WINDOW_CALL.test(bare) || ANY_CALL.test(bare))) return arg;
    fields.push(`'a${k}': ${arg}`);
    return `athena_w.a${k}`;
  });
  const text = build(bound);
  return fields.length === 0 ? text : `list_transform([{${fields.join(", ")}}], lambda athena_w: ${text})[1]`;
}

/** withArgumentsBound for a text that may call a macro with typed overloads (TYPED_MACRO_CALL tells). */
export function withWindowsBound(args: readonly string[], build: (args: readonly string[]) => string, keep?: (index: number) => boolean): string {
  return withArgumentsBound(args, build, { typed: TYPED_MACRO_CALL.test(build(args)), keep });
}

/** Quotes an identifier for DuckDB. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Translates one run of nodes (a statement body, a parenthesised group, or a function argument) from
 * Trino to DuckDB. Whitespace is kept; comments become a space so the result embeds safely.
 */
export function translateRun(nodes: readonly SqlNode[], ctx: TranslationContext): string {
  // A WITH names its CTEs for its own query only: names added inside this run leave scope with it.
  const outer = new Set(ctx.cteNames);
  try {
    return new RunTranslator(nodes, ctx).translate();
  } finally {
    ctx.cteNames.clear();
    for (const name of outer) ctx.cteNames.add(name);
  }
}

/** Translated text of one or more nodes; `node` is the first of them (undefined for whitespace and comments). */
interface Piece {
  readonly text: string;
  readonly node?: SqlNode;
  /** A whole operand already (a division rewritten into a call). */
  readonly operand?: boolean;
}

class RunTranslator {
  private readonly out: Piece[] = [];
  private i = 0;
  private prev: SqlNode | undefined;
  private inFrom = false;
  private expectTable = false;

  constructor(
    private readonly nodes: readonly SqlNode[],
    private readonly ctx: TranslationContext,
  ) {}

  translate(): string {
    while (this.i < this.nodes.length) {
      const node = this.nodes[this.i]!;
      if (!isSignificantNode(node)) {
        this.out.push({ text: rawText(node) });
        this.i += 1;
        continue;
      }
      this.step(node);
    }
    return this.out.map((piece) => piece.text).join("");
  }

  private nextIndex(from: number): number {
    let j = from;
    while (j < this.nodes.length && !isSignificantNode(this.nodes[j]!)) j += 1;
    return j;
  }

  private peek(offset = 1): SqlNode | undefined {
    let j = this.i;
    for (let k = 0; k < offset; k += 1) j = this.nextIndex(j + 1);
    return this.nodes[j];
  }

  /** Emits `text` for the current node and the next `extra` significant nodes. */
  private consume(text: string, extra = 0): void {
    let j = this.i;
    for (let k = 0; k < extra; k += 1) j = this.nextIndex(j + 1);
    this.prev = this.nodes[j];
    this.out.push({ text, node: this.nodes[this.i] });
    this.i = j + 1;
  }

  private step(node: SqlNode): void {
    switch (node.kind) {
      case "group": {
        const first = significant(node.children)[0];
        if (first?.kind === "word" && STATEMENT_KEYWORDS.has(first.text.toUpperCase())) {
          throw new UnsupportedSqlError("syntax", `(${first.text} …)`, first, "a subquery is a SELECT, WITH or VALUES query");
        }
        if (this.expectTable && first !== undefined && !isGroup(first) && !(first.kind === "word" && SUBQUERY_STARTS.has(first.text.toUpperCase()))) {
          throw new UnsupportedSqlError("syntax", `(${"text" in first ? first.text : ""} …)`, positionOf(first), "a subquery in FROM is a SELECT, WITH or VALUES query");
        }
        if (this.expectTable) this.expectTable = false;
        if (node.open.text === "[" && this.endsOperand()) return this.subscript(node);
        this.consume(node.open.text + translateRun(node.children, this.ctx) + node.close.text);
        return;
      }
      case "word":
        this.word(node);
        return;
      case "quoted":
        if (this.expectTable) this.tableReference();
        else if (isGroup(this.peek())) this.call(node, node.value);
        else this.consume(node.text);
        return;
      case "backtick":
        throw new UnsupportedSqlError("syntax", node.text, node, "Athena queries quote identifiers with double quotes");
      case "operator": {
        const reason = REJECTED_OPERATORS[node.text];
        if (reason !== undefined) throw new UnsupportedSqlError("operator", node.text, node, reason);
        if (node.text === "/" || node.text === "%") return this.division(node);
        if ((node.text === "+" || node.text === "-") && isWord(this.peek(), "INTERVAL") && this.endsOperand()) return this.intervalArithmetic(node);
        if (node.text === "||") return this.concatenation(node);
        if (COMPARISONS.has(node.text)) this.checkNumericComparison(node.text, this.peek());
        this.consume(node.text);
        return;
      }
      case "punct":
        if (node.text === ";") throw new AthenaSqlSyntaxError('unexpected ";"', node);
        if (node.text === "," && this.inFrom) this.expectTable = true;
        this.consume(node.text);
        return;
      default:
        this.consume(node.text);
    }
  }

  /**
   * `a / b` and `a % b` become athena_divide / athena_modulus calls (see athenaMacrosSql): Trino fails
   * on an exact division by zero, keeps decimals decimal and floats IEEE, where DuckDB returns NULL or
   * a DOUBLE. The left operand is the multiplicative term already emitted, the right one the next
   * operand with its unary signs and postfixes.
   */
  private division(operator: Token): void {
    const left = this.takeLeftTerm(operator);
    const right = this.takeRightOperand(operator);
    const prefix = this.ctx.tryDepth > 0 ? "athena_try_" : "athena_";
    // athena_divide binds its operands once through a lambda, which costs ~400x a plain division
    // per row (15 s against 38 ms for 2 M rows); it is only needed when an operand holds another
    // division, whose text athena_divide_as would copy into each of its uses (exponential growth).
    const nested = /\bathena_(?:try_)?(?:divide|modulus)/.test(`${left} ${right}`);
    const call =
      operator.text === "%"
        ? (a: string, b: string): string => `${prefix}modulus(${a}, ${b})`
        : nested
          ? (a: string, b: string): string => `${prefix}divide(${a}, ${b})`
          : (a: string, b: string): string => `${prefix}divide_as(${a}, ${b}, athena_zero(${a}, ${b}))`;
    this.out.push({ text: withWindowsBound([left, right], ([a, b]) => call(a!, b!)), node: operator, operand: true });
  }

  /**
   * `column = 2025` (and `<>`, `<`, `IN (2024, 2025)`…): Trino refuses to compare a varchar or boolean
   * with a number ("Cannot apply operator: varchar = integer", the classic `year = 2025` on a string
   * partition), and anything but a varchar with a string literal (`measurement_time >= '2025-01-10'`:
   * "Cannot apply operator: timestamp(3) >= varchar(10)"; write TIMESTAMP '…'), where DuckDB casts
   * and answers. The column (a plain or qualified name before the operator) goes through
   * athena_numeric or athena_textual, which fail for those types; other types pass unchanged.
   */
  private checkNumericComparison(operator: string, next: SqlNode | undefined): void {
    if (next?.kind === "string") {
      this.wrapColumnBefore(`Cannot apply operator: %s ${operator} varchar(${[...(next as Token).value].length})`, "athena_textual");
      return;
    }
    let literal = next;
    if (isOperator(literal, "-", "+")) literal = this.peek(2);
    if (literal?.kind !== "number") return;
    this.wrapColumnBefore(`Cannot apply operator: %s ${operator} ${numberLiteralType(literal.text)}`);
  }

  /** Wraps the column name that ends the output in athena_numeric or athena_textual (see checkNumericComparison). */
  private wrapColumnBefore(message: string, macro = "athena_numeric"): void {
    let k = this.previousPiece(this.out.length);
    if (k < 0) return;
    const last = this.out[k]!.node;
    if (last === undefined || this.out[k]!.operand || !(last.kind === "quoted" || (last.kind === "word" && !RESERVED.has(last.text.toUpperCase()) && !OPERAND_KEYWORDS.has(last.text.toUpperCase())))) return;
    // `t.year`: the qualifiers before the name.
    for (;;) {
      const dot = this.previousPiece(k);
      const qualifier = dot >= 0 ? this.previousPiece(dot) : -1;
      if (dot < 0 || qualifier < 0 || !(this.out[dot]!.node?.kind === "punct" && (this.out[dot]!.node as Token).text === ".")) break;
      const part = this.out[qualifier]!.node;
      if (part === undefined || (part.kind !== "word" && part.kind !== "quoted")) break;
      k = qualifier;
    }
    const before = this.out[this.previousPiece(k)]?.node;
    if (before?.kind === "punct" && before.text === ".") return;
    const text = this.out.splice(k).map((piece) => piece.text).join("").trim();
    this.out.push({ text: `${macro}(${text}, ${sqlString(message)})`, node: last, operand: true });
  }

  /**
   * `a || b`: Trino concatenates varchar, varbinary and arrays only (`'Temp: ' || 5.0E0` fails with
   * "Cannot apply operator: || to double" on the twin); DuckDB casts a number, date or boolean to text.
   * Each adjacent operand goes through athena_concat_operand, which fails for those types.
   */
  private concatenation(operator: Token): void {
    const left = this.takeLeftPrimary(operator);
    const right = this.takeRightOperand(operator);
    this.out.push({ text: `athena_concat_operand(${left}) || athena_concat_operand(${right})`, node: operator, operand: true });
  }

  /** Moves past a binary operator and returns the text of its right operand (see operand()). */
  private takeRightOperand(operator: Token): string {
    this.i += 1;
    const from = this.out.length;
    this.operand(operator);
    return this.out.splice(from).map((piece) => piece.text).join("").trim();
  }

  /** True if the last significant output ends an operand (so a following `[` is a subscript, `-` binary). */
  private endsOperand(): boolean {
    let k = this.out.length - 1;
    while (k >= 0 && this.out[k]!.node === undefined) k -= 1;
    if (k < 0) return false;
    const piece = this.out[k]!;
    if (piece.operand) return true;
    const node = piece.node!;
    if (node.kind === "group" || node.kind === "quoted" || node.kind === "string" || node.kind === "number" || node.kind === "parameter") return true;
    if (node.kind !== "word") return false;
    const upper = node.text.toUpperCase();
    return upper === "END" || !(RESERVED.has(upper) || OPERAND_KEYWORDS.has(upper)) || upper === "NULL" || upper === "TRUE" || upper === "FALSE";
  }

  /**
   * `a[i]` becomes athena_subscript(a, i): Trino fails on an index outside the array where DuckDB
   * returns NULL (or counts a negative index from the end).
   */
  private subscript(group: Group): void {
    const left = this.takeLeftPrimary(group.open);
    const index = translateRun(group.children, this.ctx).trim();
    this.prev = group;
    this.i += 1;
    this.out.push({ text: withWindowsBound([left, index], ([a, i]) => `athena_subscript(${a}, ${i})`), node: group, operand: true });
  }

  /**
   * `x ± INTERVAL '…' unit` becomes athena_plus_interval / athena_minus_interval: a DATE stays a DATE
   * (DuckDB turns it into a TIMESTAMP) and a DATE plus hours fails as in Trino. The left operand is
   * the additive chain before the operator (`+ -` associate left).
   */
  private intervalArithmetic(operator: Token): void {
    const left = this.takeLeftAdditive(operator);
    const right = this.takeRightOperand(operator);
    const macro = operator.text === "+" ? "athena_plus_interval" : "athena_minus_interval";
    this.out.push({ text: withWindowsBound([left, right], ([a, b]) => `${macro}(${a}, ${b})`), node: operator, operand: true });
  }

  /** True for `(1, 2, -3)` or `('a', 'b')`: a parenthesised list of number (or string) literals. */
  private isLiteralList(group: Group, kind: "number" | "string"): boolean {
    const parts = splitOnCommas(group.children).map((part) => significant(part));
    const signed = (part: SqlNode[]): boolean => kind === "number" && part.length === 2 && isOperator(part[0], "-", "+") && part[1]!.kind === kind;
    return parts.length > 0 && parts.every((part) => (part.length === 1 && part[0]!.kind === kind) || signed(part));
  }

  /** Index of the previous piece with a node before `before`, or -1. */
  private previousPiece(before: number): number {
    let k = before - 1;
    while (k >= 0 && this.out[k]!.node === undefined) k -= 1;
    return k;
  }

  /** Removes and returns the primary expression (with postfixes) that ends the output. */
  private takeLeftPrimary(operator: Token): string {
    const k = this.previousPiece(this.out.length);
    if (k < 0) throw new AthenaSqlSyntaxError(`"${operator.text}" needs a left operand`, operator);
    return this.out.splice(this.primaryStart(k, operator)).map((piece) => piece.text).join("").trim();
  }

  /** Removes and returns the additive chain (`a * b - c`) that ends the output: the left operand of `+`/`-`. */
  private takeLeftAdditive(operator: Token): string {
    let start = this.out.length;
    for (;;) {
      const k = this.previousPiece(start);
      if (k < 0) throw new AthenaSqlSyntaxError(`"${operator.text}" needs a left operand`, operator);
      start = this.primaryStart(k, operator);
      let op = this.previousPiece(start);
      // Unary signs before the primary (`a * -b`).
      while (op >= 0 && isOperator(this.out[op]!.node, "-", "+")) {
        const before = this.previousPiece(op);
        if (before >= 0 && !isOperator(this.out[before]!.node, "*", "-", "+") && this.endsOperandAt(before)) break;
        start = op;
        op = before;
      }
      if (op >= 0 && isOperator(this.out[op]!.node, "*", "+", "-")) {
        start = op;
        continue;
      }
      break;
    }
    return this.out.splice(start).map((piece) => piece.text).join("").trim();
  }

  /** endsOperand() for the piece at index k. */
  private endsOperandAt(k: number): boolean {
    const saved = this.out.splice(k + 1);
    try {
      return this.endsOperand();
    } finally {
      this.out.push(...saved);
    }
  }

  /** Removes and returns the text of the left operand of a multiplicative operator. */
  private takeLeftTerm(operator: Token): string {
    let start = this.out.length;
    const previousSignificant = (before: number): number => {
      let k = before - 1;
      while (k >= 0 && this.out[k]!.node === undefined) k -= 1;
      return k;
    };
    for (;;) {
      let k = previousSignificant(start);
      if (k < 0) throw new AthenaSqlSyntaxError(`"${operator.text}" needs a left operand`, operator);
      k = this.primaryStart(k, operator);
      start = k;
      // Unary signs bind tighter than `*`: `2 * -3 / 2` is (2 * -3) / 2.
      let sign = previousSignificant(start);
      while (sign >= 0 && isOperator(this.out[sign]!.node, "-", "+") && isOperator(this.out[previousSignificant(sign)]?.node, "*")) {
        start = sign;
        sign = previousSignificant(sign);
      }
      const op = previousSignificant(start);
      if (op >= 0 && isOperator(this.out[op]!.node, "*")) {
        start = op;
        continue;
      }
      break;
    }
    return this.out.splice(start).map((piece) => piece.text).join("").trim();
  }

  /** Index of the first piece of the primary expression (with its `.name` and `[i]` postfixes) ending at piece `end`. */
  private primaryStart(end: number, operator: Token): number {
    let k = end;
    if (this.out[k]!.operand) return k;
    for (;;) {
      const node = this.out[k]!.node!;
      if (isWord(node, "END")) {
        let depth = 0;
        for (; k >= 0; k -= 1) {
          const at = this.out[k]!.node;
          if (isWord(at, "END")) depth += 1;
          else if (isWord(at, "CASE")) depth -= 1;
          if (depth === 0) break;
        }
        if (k < 0) throw new AthenaSqlSyntaxError("END without CASE", operator);
      } else if (node.kind === "operator" || node.kind === "punct" || (node.kind === "word" && OPERAND_KEYWORDS.has(node.text.toUpperCase()))) {
        throw new AthenaSqlSyntaxError(`"${operator.text}" needs a left operand`, operator);
      }
      let before = k - 1;
      while (before >= 0 && this.out[before]!.node === undefined) before -= 1;
      const previous = this.out[before]?.node;
      // `f(x) OVER (…)`, `f(x) OVER w`, `f(x) FILTER (WHERE …)`: the call with its clauses.
      if ((isWord(previous, "OVER") && (isGroup(node) || node.kind === "word" || node.kind === "quoted")) || (isWord(previous, "FILTER") && isGroup(node))) {
        k = this.previousPiece(before);
        if (k < 0) throw new AthenaSqlSyntaxError(`"${operator.text}" needs a left operand`, operator);
        continue;
      }
      if (isGroup(node, "[") && previous !== undefined) {
        k = before;
        continue;
      }
      if (previous?.kind === "punct" && previous.text === ".") {
        k = before - 1;
        while (k >= 0 && this.out[k]!.node === undefined) k -= 1;
        if (k < 0) throw new AthenaSqlSyntaxError(`"${operator.text}" needs a left operand`, operator);
        continue;
      }
      return k;
    }
  }

  /** Translates one operand: unary signs, a primary (CASE … END whole), then `.name` and `[i]` postfixes. */
  private operand(operator: Token): void {
    const skip = (): SqlNode | undefined => {
      while (this.i < this.nodes.length && !isSignificantNode(this.nodes[this.i]!)) {
        this.out.push({ text: rawText(this.nodes[this.i]!) });
        this.i += 1;
      }
      return this.nodes[this.i];
    };
    let node = skip();
    while (isOperator(node, "-", "+")) {
      this.consume((node as Token).text);
      node = skip();
    }
    if (node === undefined || node.kind === "operator" || node.kind === "punct" || (node.kind === "word" && OPERAND_KEYWORDS.has(node.text.toUpperCase()))) {
      throw new AthenaSqlSyntaxError(`"${operator.text}" needs a right operand`, operator);
    }
    if (isWord(node, "CASE")) {
      let depth = 0;
      do {
        const at = skip();
        if (at === undefined) throw new AthenaSqlSyntaxError("CASE without END", positionOf(node));
        if (isWord(at, "CASE")) depth += 1;
        else if (isWord(at, "END")) depth -= 1;
        this.step(at);
      } while (depth > 0);
    } else {
      this.step(node);
    }
    for (;;) {
      const next = this.nodes[this.nextIndex(this.i)];
      const clause = this.nodes[this.nextIndex(this.nextIndex(this.i) + 1)];
      if ((isWord(next, "OVER") && (isGroup(clause) || clause?.kind === "word" || clause?.kind === "quoted")) || (isWord(next, "FILTER") && isGroup(clause))) {
        // A window or FILTER clause belongs to the call before it.
        skip();
        this.step(next!);
        skip();
        this.step(clause!);
      } else if (isGroup(next, "[")) {
        skip();
        this.step(next);
      } else if (next?.kind === "punct" && next.text === ".") {
        skip();
        this.step(next);
        const name = skip();
        if (name === undefined) throw new AthenaSqlSyntaxError('"." needs a name', positionOf(next));
        this.step(name);
      } else {
        return;
      }
    }
  }

  private word(node: Token): void {
    const upper = node.text.toUpperCase();
    const next = this.peek();
    if ((upper === "CAST" || upper === "TRY_CAST") && isGroup(next)) return this.cast(upper, next);
    if (upper === "EXTRACT" && isGroup(next)) return this.extract(node, next);
    if ((upper === "DATE" || upper === "TIMESTAMP" || upper === "TIME") && next?.kind === "string") {
      return this.consume(`${upper} ${next.text}`, 1);
    }
    // JSON '…' is json_parse of the text (Trino canonicalizes it: JSON '[1, 2]' is [1,2]).
    if (upper === "JSON" && next?.kind === "string" && !isWord(this.prev, "AS")) {
      addOnce(this.ctx.functions, "json_parse");
      return this.consume(`athena_json_parse(${next.text})`, 1);
    }
    if (upper in TYPED_LITERALS && next?.kind === "string" && !isWord(this.prev, "AS")) {
      return this.consume(`CAST(${next.text} AS ${typedLiteralType(upper, next)})`, 1);
    }
    if (upper === "INTERVAL") return this.interval(node);
    // `column IN (2024, 2025)` / `column NOT IN (…)`: see checkNumericComparison.
    if (upper === "IN" && isGroup(next) && (this.isLiteralList(next, "number") || this.isLiteralList(next, "string"))) {
      const first = significant(next.children).find((child) => child.kind === "number" || child.kind === "string") as Token;
      const not = isWord(this.prev, "NOT") ? this.out.splice(this.previousPiece(this.out.length)) : [];
      if (first.kind === "number") this.wrapColumnBefore(`Cannot apply operator: %s IN ${numberLiteralType(first.text)}`);
      else this.wrapColumnBefore(`Cannot apply operator: %s IN varchar(${[...first.value].length})`, "athena_textual");
      this.out.push(...not);
    }
    if (upper === "UNNEST" && isGroup(next)) return this.unnest(node, next);
    if (upper === "AT" && isWord(next, "TIME")) {
      throw new UnsupportedSqlError("syntax", "AT TIME ZONE", node, "DuckDB's AT TIME ZONE changes the type where Trino keeps it");
    }
    if (upper === "WITH" && this.prev === undefined) return this.withClause();
    if (upper === "FROM" && !isWord(this.prev, "DISTINCT")) {
      this.inFrom = true;
      this.expectTable = true;
      return this.consume(node.text);
    }
    if (upper === "JOIN" && this.inFrom) {
      this.expectTable = true;
      return this.consume(node.text);
    }
    if (ENDS_FROM.has(upper)) {
      this.inFrom = false;
      this.expectTable = false;
      return this.consume(node.text);
    }
    // filter(array, x -> …) is a function; FILTER (WHERE …) after an aggregate is a clause.
    const filterCall = upper === "FILTER" && isGroup(next) && !isWord(significant(next.children)[0], "WHERE");
    if (isGroup(next) && (!NON_CALL_KEYWORDS.has(upper) || filterCall)) {
      // `AS t (a, b)` names columns; it is not a call.
      if (isWord(this.prev, "AS")) return this.consume(node.text);
      return this.call(node, node.text);
    }
    if (this.expectTable && !RESERVED.has(upper)) return this.tableReference();
    this.consume(node.text);
  }

  private call(nameToken: Token, name: string): void {
    if (this.prev?.kind === "punct" && this.prev.text === ".") {
      // `system.main.read_text(…)`, `'x'.upper()`: DuckDB resolves these outside Athena's functions.
      throw new UnsupportedSqlError("function", `${name}`, nameToken, "a function is called by its bare name; qualified and method-style calls are not Athena SQL");
    }
    const group = this.peek() as Group;
    const rawArgs = splitArguments(group.children);
    const isTry = name.toUpperCase() === "TRY";
    if (isTry) this.ctx.tryDepth += 1;
    const spec = lookupFunction(name, rawArgs.length, nameToken);
    const lambdas: (TranslatedLambda | undefined)[] = [];
    let args: string[];
    try {
      args = rawArgs.map((arg, index) => {
        const lambda = spec.lambdas ? lambdaOf(arg, this.ctx) : undefined;
        lambdas[index] = lambda;
        return lambda === undefined ? translateRun(arg, this.ctx).trim() : `lambda ${lambda.params.join(", ")}: ${lambda.body}`;
      });
    } finally {
      if (isTry) this.ctx.tryDepth -= 1;
    }
    addOnce(this.ctx.functions, name.toLowerCase());
    // TRY's argument stays in place: its check for the twin's failing macros reads it.
    const text =
      !isAggregateOrWindow(name) && !isTry
        ? withWindowsBound(args, (bound) => spec.translate({ name, args: bound, rawArgs, at: nameToken, inTry: this.ctx.tryDepth > 0, lambdas }), (k) => lambdas[k] !== undefined)
        : spec.translate({ name, args, rawArgs, at: nameToken, inTry: this.ctx.tryDepth > 0, lambdas });
    const afterCall = this.peek(2);
    if (isWord(afterCall, "WITHIN") && !spec.withinGroup) {
      throw new UnsupportedSqlError("syntax", `${name}(…) WITHIN GROUP`, nameToken, "WITHIN GROUP is listagg's clause");
    }
    if (spec.wrap === undefined) return this.consume(text, 1);
    this.consume("", 1);
    let clauses = "";
    let withinGroup: string | undefined;
    // `WITHIN GROUP (ORDER BY …)` (listagg).
    if (isWord(this.ahead(0), "WITHIN") && isWord(this.ahead(1), "GROUP") && isGroup(this.ahead(2))) {
      withinGroup = translateRun((this.ahead(2) as Group).children, this.ctx).trim();
      this.skipSignificant(3);
    }
    // `FILTER (WHERE …)` then `OVER (…)` or `OVER window_name`.
    if (isWord(this.ahead(0), "FILTER") && isGroup(this.ahead(1))) {
      clauses += ` FILTER (${translateRun((this.ahead(1) as Group).children, this.ctx)})`;
      this.skipSignificant(2);
    }
    if (isWord(this.ahead(0), "OVER")) {
      const window = this.ahead(1);
      if (isGroup(window)) clauses += ` OVER (${translateRun(window.children, this.ctx)})`;
      else if (window?.kind === "word" || window?.kind === "quoted") clauses += ` OVER ${window.text}`;
      else throw new AthenaSqlSyntaxError("OVER needs a window", nameToken);
      this.skipSignificant(2);
    }
    this.out.pop();
    this.out.push({ text: spec.wrap(text, clauses, { name, args, rawArgs, at: nameToken, withinGroup }), node: nameToken });
  }

  /** The `n`-th (0-based) significant node at or after the current position. */
  private ahead(n: number): SqlNode | undefined {
    let j = this.nextIndex(this.i);
    for (let k = 0; k < n; k += 1) j = this.nextIndex(j + 1);
    return this.nodes[j];
  }

  /** Moves past the next `count` significant nodes (and the whitespace before them) without output. */
  private skipSignificant(count: number): void {
    for (let k = 0; k < count; k += 1) this.i = this.nextIndex(this.i) + 1;
    this.prev = this.nodes[this.i - 1];
  }

  private cast(keyword: string, group: Group): void {
    const children = group.children;
    let asIndex = -1;
    children.forEach((child, index) => {
      if (isWord(child, "AS")) asIndex = index;
    });
    if (asIndex === -1) throw new AthenaSqlSyntaxError(`${keyword} without AS`, group.open);
    const expr = translateRun(children.slice(0, asIndex), this.ctx).trim();
    const target = castTarget(children.slice(asIndex + 1), positionOf(children[asIndex]!));
    // A TIMESTAMP literal is timestamp(p), p its fraction digits: Trino prints it with exactly
    // those (TIMESTAMP '… 10:00:00' → '… 10:00:00'); the value's checks stay DuckDB's.
    const operand = significant(children.slice(0, asIndex));
    const literalText = target.duckdb === "VARCHAR" && target.maxLength === undefined && operand.length === 2 && isWord(operand[0], "TIMESTAMP") && operand[1]!.kind === "string" ? timestampLiteralText((operand[1] as Token).value) : undefined;
    if (literalText !== undefined) return this.consume(`(CASE WHEN ${expr} IS NOT NULL THEN ${sqlString(literalText)} END)`, 1);
    if (target.maxLength !== undefined) {
      // TRY_CAST gives NULL where CAST fails (a number too long for the type).
      const macro = keyword === "TRY_CAST" ? "athena_try_varchar_n" : "athena_varchar_n";
      return this.consume(withWindowsBound([expr], ([x]) => `${macro}(${x}, ${target.maxLength})`), 1);
    }
    // Trino names INTEGER "INT" in its cast errors ("Cannot cast 'abc' to INT").
    const trinoName = target.duckdb === "INTEGER" ? "INT" : target.duckdb;
    // Inside TRY(…) as in TRY_CAST, bad text gives NULL (DuckDB's TRY refuses error()).
    const integral = keyword === "TRY_CAST" || this.ctx.tryDepth > 0 ? "athena_try_integral" : "athena_integral";
    const varchar = this.ctx.tryDepth > 0 ? "athena_try_varchar" : "athena_varchar";
    const boolean = keyword === "TRY_CAST" || this.ctx.tryDepth > 0 ? "athena_try_boolean" : "athena_boolean";
    const value = (x: string): string =>
      target.integral
        ? `${integral}(${x}, '${trinoName}')`
        : target.duckdb === "VARCHAR"
          ? `${varchar}(${x})`
          : target.duckdb.startsWith("DECIMAL")
            ? `athena_decimal_source(${x})`
            : target.duckdb === "BOOLEAN"
              ? `${boolean}(${x})`
              : x;
    this.consume(withWindowsBound([expr], ([x]) => `${keyword}(${value(x!)} AS ${target.duckdb})`), 1);
  }

  private extract(node: Token, group: Group): void {
    const parts = significant(group.children);
    const field = parts[0];
    const fromIndex = group.children.findIndex((child) => isWord(child, "FROM"));
    if (field === undefined || field.kind !== "word" || fromIndex === -1) {
      throw new AthenaSqlSyntaxError("EXTRACT needs (field FROM value)", group.open);
    }
    const part = EXTRACT_FIELDS[field.text.toUpperCase()];
    if (part === undefined) throw new UnsupportedSqlError("syntax", `EXTRACT(${field.text} FROM …)`, field, "unknown field");
    addOnce(this.ctx.functions, "extract");
    const value = translateRun(group.children.slice(fromIndex + 1), this.ctx).trim();
    // athena_extract_* read an interval as Trino does.
    if (INTERVAL_FIELDS.has(part)) return this.consume(withWindowsBound([value], ([v]) => `athena_extract_${part}(${v})`), 1);
    this.consume(`${node.text}(${part} FROM ${value})`, 1);
  }

  private interval(node: Token): void {
    const literal = this.peek(1);
    const unit = this.peek(2);
    if (literal?.kind !== "string" || unit?.kind !== "word") {
      throw new UnsupportedSqlError("syntax", "INTERVAL", node, "write INTERVAL '<n>' <unit>, e.g. INTERVAL '3' HOUR");
    }
    const unitName = unit.text.toUpperCase();
    if (isWord(this.peek(3), "TO")) {
      throw new UnsupportedSqlError("syntax", `INTERVAL … ${unitName} TO …`, node, "DuckDB has no interval qualifier ranges; add two single-unit intervals");
    }
    if (!INTERVAL_UNITS.has(unitName)) {
      throw new UnsupportedSqlError("unit", unit.text, unit, `INTERVAL units are ${[...INTERVAL_UNITS].join(", ")}`);
    }
    const after = this.peek(3);
    if (isOperator(after, "+") && !isWord(this.peek(4), "INTERVAL")) {
      throw new UnsupportedSqlError("syntax", "INTERVAL … + x", node, "write x + INTERVAL …, which keeps Trino's DATE type on the twin");
    }
    this.consume(`INTERVAL ${literal.text} ${unitName}`, 2);
  }

  /**
   * `UNNEST(a, …) [WITH ORDINALITY] [AS] t(x, …[, n])` in FROM: a LATERAL subquery over the
   * positions 1…max(len) (shorter arrays padded with NULLs, as in Trino; a NULL array has no rows).
   * The columns must be named. Arrays of rows and maps (which Trino spreads into columns) fail on
   * the alias count.
   */
  private unnest(node: Token, group: Group): void {
    const arrays = splitOnCommas(group.children).map((arg) => translateRun(arg, this.ctx).trim());
    if (arrays.length === 0) throw new AthenaSqlSyntaxError("UNNEST needs an array", node);
    let extra = 1;
    let ordinality = false;
    if (isWord(this.peek(extra + 1), "WITH") && isWord(this.peek(extra + 2), "ORDINALITY")) {
      ordinality = true;
      extra += 2;
    }
    if (isWord(this.peek(extra + 1), "AS")) extra += 1;
    const alias = this.peek(extra + 1);
    const columns = this.peek(extra + 2);
    if (alias === undefined || (alias.kind !== "word" && alias.kind !== "quoted") || RESERVED.has(alias.text.toUpperCase()) || !isGroup(columns)) {
      throw new UnsupportedSqlError("syntax", "UNNEST", node, "name the table and its columns: UNNEST(a) AS t(x)");
    }
    const names = splitOnCommas(columns.children).map((part) => {
      const only = significant(part)[0];
      if (significant(part).length !== 1 || only === undefined || (only.kind !== "word" && only.kind !== "quoted")) {
        throw new AthenaSqlSyntaxError("a column name", positionOf(columns));
      }
      return quoteIdentifier(only.value);
    });
    if (names.length !== arrays.length + (ordinality ? 1 : 0)) {
      throw new UnsupportedSqlError("syntax", "UNNEST", node, `${arrays.length} array(s)${ordinality ? " and the ordinality" : ""} need ${arrays.length + (ordinality ? 1 : 0)} column name(s); arrays of rows and maps are not unnested into several columns on the twin`);
    }
    extra += 2;
    const index = "athena_unnest_i";
    const items = arrays.map((array, k) => `(${array})[${index}] AS ${names[k]}`);
    if (ordinality) items.push(`${index} AS ${names[arrays.length]}`);
    const lengths = arrays.map((array) => `len(${array})`).join(", ");
    const lateral = isWord(this.prev, "JOIN") || (this.prev?.kind === "punct" && this.prev.text === ",") ? "LATERAL " : "";
    this.expectTable = false;
    addOnce(this.ctx.functions, "unnest");
    this.consume(
      `${lateral}(SELECT ${items.join(", ")} FROM generate_series(1, greatest(${lengths})) AS athena_unnest(${index})) AS ${quoteIdentifier((alias as Token).value)}`,
      extra,
    );
  }

  /** `WITH [RECURSIVE] name [(cols)] AS (query), …` at the start of a query. */
  private withClause(): void {
    let text = this.nodes[this.i]!.kind === "word" ? (this.nodes[this.i] as Token).text : "WITH";
    let extra = 0;
    const take = (): SqlNode | undefined => {
      extra += 1;
      return this.peek(extra);
    };
    let node = take();
    if (isWord(node, "RECURSIVE")) {
      text += " RECURSIVE";
      node = take();
    }
    for (;;) {
      if (node === undefined || (node.kind !== "word" && node.kind !== "quoted")) {
        throw new AthenaSqlSyntaxError("WITH needs a name", positionOf(node ?? this.nodes[this.i]!));
      }
      const cteName = node.value.toLowerCase();
      text += ` ${node.text}`;
      node = take();
      if (isGroup(node)) {
        text += ` ${rawText(node)}`;
        node = take();
      }
      if (!isWord(node, "AS") || !isGroup(take())) {
        throw new AthenaSqlSyntaxError("WITH name needs AS (query)", positionOf(node ?? this.nodes[this.i]!));
      }
      const body = this.peek(extra) as Group;
      // Only a recursive CTE (a UNION over itself) sees its own name; otherwise DuckDB reads the
      // name in its body as an outer relation, which must then pass the table allow-list.
      const selfReferencing = text.includes("RECURSIVE") && body.children.some((child) => isWord(child, "UNION"));
      if (selfReferencing) this.ctx.cteNames.add(cteName);
      text += ` AS (${translateRun(body.children, this.ctx)})`;
      this.ctx.cteNames.add(cteName);
      const after = this.peek(extra + 1);
      if (after?.kind === "punct" && after.text === ",") {
        text += ",";
        extra += 1;
        node = take();
        continue;
      }
      break;
    }
    this.consume(text, extra);
  }

  /** `[catalog.][database.]table` after FROM/JOIN: the catalog prefix is dropped, the table name recorded. */
  private tableReference(): void {
    let extra = 0;
    let last = this.nodes[this.i] as Token;
    for (;;) {
      const dot = this.peek(extra + 1);
      const part = this.peek(extra + 2);
      if (dot?.kind === "punct" && dot.text === "." && (part?.kind === "word" || part?.kind === "quoted")) {
        last = part;
        extra += 2;
      } else {
        break;
      }
    }
    const name = last.value.toLowerCase();
    this.expectTable = false;
    if (isGroup(this.peek(extra + 1))) {
      throw new UnsupportedSqlError("syntax", `table function ${name}(…)`, last, "FROM reads catalog tables and views, not table functions");
    }
    const qualifier: string[] = [];
    for (let k = 0; k < extra; k += 2) {
      const part = this.peek(k) as Token;
      qualifier.push(part.value.toLowerCase());
    }
    if (this.ctx.cteNames.has(name) && qualifier.length === 0) {
      this.consume(last.text, extra);
      return;
    }
    this.ctx.references.push({ name, qualifier, at: { line: last.line, column: last.column } });
    addOnce(this.ctx.tables, name);
    this.consume(quoteIdentifier(name), extra);
  }
}

/** Trino's text of a zone-less TIMESTAMP literal (`YYYY-MM-DD[ HH:MM[:SS[.f…]]]`), seconds filled, its fraction kept; undefined for anything else. */
function timestampLiteralText(literal: string): string | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,12}))?)?)?$/.exec(literal.trim());
  if (!match) return undefined;
  const [, date, hour, minute, second, fraction] = match;
  return `${date} ${(hour ?? "0").padStart(2, "0")}:${minute ?? "00"}:${second ?? "00"}${fraction ? `.${fraction}` : ""}`;
}
