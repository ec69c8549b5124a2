import { AthenaSqlSyntaxError } from "./errors";
import type { Token } from "./tokenizer";

/** A bracketed run of tokens: `( … )` or `[ … ]`, children nested the same way. */
export interface Group {
  readonly kind: "group";
  readonly open: Token;
  readonly close: Token;
  readonly children: readonly SqlNode[];
}

/** A token or a bracketed group: the translator walks this tree so commas and keywords are seen per level. */
export type SqlNode = Token | Group;

const CLOSER: Record<string, string> = { "(": ")", "[": "]" };

/** Nests tokens by their brackets; a stray or missing bracket is a syntax error. */
export function buildTree(tokens: readonly Token[]): SqlNode[] {
  const stack: { open: Token | null; children: SqlNode[] }[] = [{ open: null, children: [] }];
  for (const token of tokens) {
    const top = stack[stack.length - 1]!;
    if (token.kind === "punct" && (token.text === "(" || token.text === "[")) {
      stack.push({ open: token, children: [] });
    } else if (token.kind === "punct" && (token.text === ")" || token.text === "]")) {
      if (!top.open || CLOSER[top.open.text] !== token.text) {
        throw new AthenaSqlSyntaxError(`unexpected "${token.text}"`, token);
      }
      stack.pop();
      stack[stack.length - 1]!.children.push({ kind: "group", open: top.open, close: token, children: top.children });
    } else {
      top.children.push(token);
    }
  }
  const unclosed = stack[stack.length - 1]!;
  if (unclosed.open) throw new AthenaSqlSyntaxError(`unclosed "${unclosed.open.text}"`, unclosed.open);
  return stack[0]!.children;
}

/** True for a node that carries meaning (groups always do). */
export function isSignificantNode(node: SqlNode): boolean {
  return node.kind === "group" || (node.kind !== "whitespace" && node.kind !== "comment");
}

/** Position of a node: its own, or its opening bracket's. */
export function positionOf(node: SqlNode): { line: number; column: number } {
  return node.kind === "group" ? node.open : node;
}

/** The significant nodes of a run, in order. */
export function significant(nodes: readonly SqlNode[]): SqlNode[] {
  return nodes.filter(isSignificantNode);
}

/** Splits a run at its top-level commas (commas inside nested groups stay put). */
export function splitOnCommas(nodes: readonly SqlNode[]): SqlNode[][] {
  const parts: SqlNode[][] = [[]];
  for (const node of nodes) {
    if (node.kind === "punct" && node.text === ",") parts.push([]);
    else parts[parts.length - 1]!.push(node);
  }
  if (parts.length === 1 && significant(parts[0]!).length === 0) return [];
  return parts;
}

/**
 * A call's arguments: splitOnCommas, except that an aggregate's `ORDER BY a, b` (`array_agg(x ORDER
 * BY a, b)`) stays in the argument it starts in.
 */
export function splitArguments(nodes: readonly SqlNode[]): SqlNode[][] {
  const parts: SqlNode[][] = [[]];
  let ordered = false;
  let previous: SqlNode | undefined;
  for (const node of nodes) {
    if (node.kind === "word" && node.text.toUpperCase() === "BY" && previous?.kind === "word" && previous.text.toUpperCase() === "ORDER") ordered = true;
    if (node.kind === "punct" && node.text === "," && !ordered) parts.push([]);
    else parts[parts.length - 1]!.push(node);
    if (isSignificantNode(node)) previous = node;
  }
  if (parts.length === 1 && significant(parts[0]!).length === 0) return [];
  return parts;
}

/** Source text of a node, comments replaced by a space so rebuilt SQL can be safely embedded. */
export function rawText(node: SqlNode): string {
  if (node.kind === "group") return node.open.text + node.children.map(rawText).join("") + node.close.text;
  return node.kind === "comment" ? " " : node.text;
}

/** True if the node is the word `keyword` (case-insensitive). */
export function isWord(node: SqlNode | undefined, keyword: string): boolean {
  return node !== undefined && node.kind === "word" && node.text.toUpperCase() === keyword;
}

/** True if the node is a group opened by `bracket`. */
export function isGroup(node: SqlNode | undefined, bracket: "(" | "[" = "("): node is Group {
  return node !== undefined && node.kind === "group" && node.open.text === bracket;
}
