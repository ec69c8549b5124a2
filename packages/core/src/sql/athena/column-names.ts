import type { Token } from "./tokenizer";
import { isGroup, isSignificantNode, isWord, type SqlNode } from "./tree";

// Words after which a following identifier is still part of the expression, not an alias.
const EXPRESSION_WORDS = new Set([
  "AND", "OR", "NOT", "IS", "NULL", "TRUE", "FALSE", "END", "OVER", "THEN", "ELSE", "WHEN", "CASE", "IN", "LIKE", "BETWEEN",
  "DISTINCT", "ALL", "AS", "SELECT", "FROM", "INTERVAL", "ESCAPE",
]);
const ITEM_ENDS = new Set(["FROM", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "FETCH", "UNION", "INTERSECT", "EXCEPT", "WINDOW"]);

function synthetic(kind: Token["kind"], text: string, value = text): Token {
  return { kind, text, value, line: 0, column: 0 };
}

function isIdentifier(node: SqlNode | undefined): boolean {
  return node !== undefined && (node.kind === "quoted" || (node.kind === "word" && !EXPRESSION_WORDS.has(node.text.toUpperCase())));
}

function previousSignificant(nodes: readonly SqlNode[], index: number): SqlNode | undefined {
  for (let i = index - 1; i >= 0; i--) if (isSignificantNode(nodes[i]!)) return nodes[i];
  return undefined;
}

/** True when a select item already has a name: a column reference, `*`, or an explicit/implicit alias. */
function isNamed(item: readonly SqlNode[]): boolean {
  const sig = item.filter(isSignificantNode);
  const last = sig[sig.length - 1];
  if (last === undefined) return true;
  if (last.kind === "operator" && last.text === "*") return true; // * and t.*
  // A column reference: name, or qualified names joined by dots.
  if (sig.every((n, i) => (i % 2 === 0 ? n.kind === "word" || n.kind === "quoted" : n.kind === "punct" && n.text === "."))) return sig.length % 2 === 1;
  if (!isIdentifier(last)) return false;
  const before = sig[sig.length - 2];
  if (isWord(before, "AS")) return true;
  // INTERVAL '1' DAY: the unit, not an alias.
  if (before?.kind === "string" && isWord(sig[sig.length - 3], "INTERVAL")) return false;
  // `expr alias`: the alias follows a complete operand.
  return before !== undefined && (isGroup(before) || before.kind === "string" || before.kind === "number" || isIdentifier(before));
}

/**
 * Names the unnamed columns of a query's select list `_col0`, `_col1`… by position, as Athena
 * (Trino) does, so results carry the same column names on the twin. Only the outermost SELECT of the
 * statement (after any WITH) is named: it decides the result's columns.
 */
export function nameUnnamedColumns(nodes: readonly SqlNode[]): SqlNode[] {
  const out = [...nodes];
  const start = out.findIndex((n) => isWord(n, "SELECT"));
  if (start < 0) return out;
  let i = start + 1;
  // SELECT DISTINCT / ALL
  while (i < out.length && (!isSignificantNode(out[i]!) || isWord(out[i], "DISTINCT") || isWord(out[i], "ALL"))) i++;
  const items: { from: number; to: number }[] = [];
  let from = i;
  for (; i < out.length; i++) {
    const node = out[i]!;
    // `a IS [NOT] DISTINCT FROM b`: this FROM is part of the item.
    if (isWord(node, "FROM") && isWord(previousSignificant(out, i), "DISTINCT")) continue;
    // `listagg(…) WITHIN GROUP (ORDER BY …)`: this GROUP is part of the item.
    if (isWord(node, "GROUP") && isWord(previousSignificant(out, i), "WITHIN")) continue;
    if (node.kind === "word" && ITEM_ENDS.has(node.text.toUpperCase())) break;
    if (node.kind === "punct" && (node.text === "," || node.text === ";")) {
      items.push({ from, to: i });
      from = i + 1;
      if (node.text === ";") break;
    }
  }
  items.push({ from, to: i });
  // Insert from the last item back so earlier indexes stay valid.
  for (let k = items.length - 1; k >= 0; k--) {
    const { from: a, to: b } = items[k]!;
    const item = out.slice(a, b);
    if (isNamed(item)) continue;
    let lastSig = b - 1;
    while (lastSig >= a && !isSignificantNode(out[lastSig]!)) lastSig--;
    if (lastSig < a) continue;
    out.splice(lastSig + 1, 0, synthetic("whitespace", " "), synthetic("word", "AS"), synthetic("whitespace", " "), synthetic("quoted", `"_col${k}"`, `_col${k}`));
  }
  return out;
}
