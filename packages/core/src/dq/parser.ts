import type { ComparisonOperator, Condition, DurationUnit, LeafRule, Rule, Ruleset, Value } from "./ast";
import { type Token, tokenize } from "./lexer";
import { DqdlParseError } from "./parse-error";
import { isRuleType, RULE_TYPES, type RuleTypeSpec } from "./rule-types";
import { SEVERITY_LABEL, isSeverity } from "./severity";

const COMPARISONS: readonly ComparisonOperator[] = [">", ">=", "<", "<=", "=", "!="];
const UNITS: readonly DurationUnit[] = ["days", "hours", "minutes"];
/** Words that end a rule's parameter list when written without quotes. */
const RESERVED = new Set(["between", "not", "in", "matches", "where", "with", "labels", "and", "or", "AND", "OR"]);

/**
 * Parses a DQDL ruleset: `Rules = [ rule, ... ]`, or a bare list `rule, rule` (with or without
 * brackets). Throws `DqdlParseError` with the line and column of the first problem.
 */
export function parseRuleset(text: string): Ruleset {
  return new Parser(tokenize(text)).ruleset();
}

/** Parses one rule (leaf or composite), e.g. `ColumnValues "temperature" between -90 and 60`. */
export function parseRule(text: string): Rule {
  const parser = new Parser(tokenize(text));
  const rule = parser.topLevelRule();
  parser.end("the end of the rule");
  return rule;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  ruleset(): Ruleset {
    let bracketed = false;
    if (this.peek().kind === "ident" && this.peek().text === "Rules") {
      this.next();
      this.expectPunct("=", 'after "Rules"');
      this.expectPunct("[", 'after "Rules ="');
      bracketed = true;
    } else if (this.isPunct("[")) {
      this.next();
      bracketed = true;
    }
    const rules: Rule[] = [];
    if (!(bracketed && this.isPunct("]"))) {
      rules.push(this.topLevelRule());
      while (this.isPunct(",")) {
        this.next();
        rules.push(this.topLevelRule());
      }
    }
    if (bracketed) this.expectPunct("]", "after the last rule", '"," or "]"');
    this.end(bracketed ? "the end of the ruleset" : '"," or the end of the ruleset');
    return { rules };
  }

  topLevelRule(): Rule {
    const rule = this.ruleExpression();
    if (rule.kind === "composite" && this.isIdent("labels")) return { ...rule, labels: this.labels() };
    return rule;
  }

  end(expected: string): void {
    if (this.peek().kind !== "eof") this.fail(expected);
  }

  /** A leaf rule, or parenthesised rules joined by one operator. */
  private ruleExpression(): Rule {
    if (!this.isPunct("(")) return this.leafRule();
    const first = this.parenthesised();
    if (!this.isIdent("and", "AND", "or", "OR")) return first;
    const operator = this.peek().text.toLowerCase() as "and" | "or";
    const rules = [first];
    while (this.isIdent("and", "AND", "or", "OR")) {
      const token = this.next();
      if (token.text.toLowerCase() !== operator) {
        this.fail(`"${operator}" (to mix "and" and "or", wrap one side in parentheses)`, token);
      }
      if (!this.isPunct("(")) this.fail(`"(" after "${token.text}"`);
      rules.push(this.parenthesised());
    }
    return { kind: "composite", operator, rules };
  }

  private parenthesised(): Rule {
    this.expectPunct("(", "");
    const rule = this.ruleExpression();
    this.expectPunct(")", "after the rule", '")"');
    return rule;
  }

  private leafRule(): LeafRule {
    const typeToken = this.peek();
    if (typeToken.kind !== "ident") this.fail("a rule type (e.g. RowCount, IsComplete, ColumnValues)");
    if (!isRuleType(typeToken.text)) this.fail("a supported rule type (" + Object.keys(RULE_TYPES).join(", ") + ")");
    this.next();
    const ruleType = typeToken.text;
    const spec = RULE_TYPES[ruleType];

    const parameters: string[] = [];
    while (this.peek().kind === "string" || (this.peek().kind === "ident" && !RESERVED.has(this.peek().text))) {
      if (parameters.length === spec.maxParameters) break;
      parameters.push(this.next().value);
    }
    if (parameters.length < spec.minParameters) {
      this.fail(ruleType === "CustomSql" ? `a quoted SQL statement after "CustomSql"` : `a quoted column name after "${ruleType}"`);
    }
    const condition = spec.condition === "none" ? undefined : this.condition(ruleType, spec);
    if (!condition && spec.condition !== "none" && !spec.conditionOptional) {
      this.fail(`a condition (e.g. "> 0" or "between 1 and 10") for ${ruleType}`);
    }

    let where: string | undefined;
    let threshold: Condition | undefined;
    let labels: Record<string, string> | undefined;
    for (;;) {
      if (this.isIdent("where") && where === undefined) {
        if (!spec.where) this.fail(`the end of the rule (${ruleType} takes no "where" clause)`);
        this.next();
        const token = this.peek();
        if (token.kind !== "string" || token.value.trim() === "") this.fail('a non-empty quoted SQL predicate after "where"');
        where = this.next().value;
      } else if (this.isIdent("with")) {
        this.next();
        const tag = this.peek();
        if (tag.kind === "ident" && tag.text === "threshold" && threshold === undefined) {
          if (!spec.threshold) this.fail(`the end of the rule (${ruleType} takes no "with threshold")`, tag);
          if (ruleType === "CustomSql" && condition) {
            this.fail('the end of the rule (CustomSql takes either a condition or "with threshold", not both)', tag);
          }
          this.next();
          threshold = this.numberCondition("threshold");
        } else if (tag.kind === "ident" && tag.text === SEVERITY_LABEL && labels?.[SEVERITY_LABEL] === undefined) {
          // sluice's shorthand for labels=["severity"="..."]: `with severity "warning"` or `with severity = "warning"`.
          this.next();
          if (this.isPunct("=")) this.next();
          labels = { ...labels, [SEVERITY_LABEL]: this.severityValue() };
        } else {
          this.fail('"threshold" or "severity" after "with"');
        }
      } else if (this.isIdent("labels") && labels === undefined) {
        labels = this.labels();
      } else {
        break;
      }
    }
    return {
      kind: "rule",
      ruleType,
      parameters,
      ...(condition ? { condition } : {}),
      ...(where !== undefined ? { where } : {}),
      ...(threshold ? { threshold } : {}),
      ...(labels ? { labels } : {}),
    };
  }

  private condition(ruleType: string, spec: RuleTypeSpec): Condition | undefined {
    if (spec.condition === "number") return this.isConditionStart() ? this.numberCondition(ruleType) : undefined;
    if (!this.isConditionStart()) return undefined;
    if (spec.condition === "duration") return this.operandCondition(() => this.duration(), "a duration (e.g. 24 hours)");
    if (this.isIdent("matches") || (this.isIdent("not") && this.peekAt(1).text === "matches")) {
      const negated = this.isIdent("not") ? (this.next(), true) : false;
      this.next();
      const token = this.peek();
      if (token.kind !== "string") this.fail('a quoted regular expression after "matches"');
      return { op: negated ? "not matches" : "matches", pattern: this.next().value };
    }
    return this.operandCondition(() => this.value(), "a number or string");
  }

  private isConditionStart(): boolean {
    const token = this.peek();
    if (token.kind === "punct") return (COMPARISONS as readonly string[]).includes(token.text);
    return this.isIdent("between", "in", "not", "matches");
  }

  private numberCondition(context: string): Condition {
    if (!this.isConditionStart() || this.isIdent("matches")) this.fail(`a comparison (>, >=, <, <=, =, !=, between, in) after "${context}"`);
    return this.operandCondition(() => this.number(), "a number");
  }

  /** `<op> x`, `[not] between x and y`, `[not] in [x, ...]` with operands read by `operand`. */
  private operandCondition(operand: () => Value | undefined, what: string): Condition {
    const read = (after: Token): Value => operand() ?? this.fail(`${what} after ${JSON.stringify(after.text)}`);
    const negated = this.isIdent("not") ? (this.next(), true) : false;
    const opToken = this.peek();
    if (this.isIdent("between")) {
      this.next();
      const low = read(opToken);
      const and = this.peek();
      if (!this.isIdent("and")) this.fail('"and" between the two bounds of "between"');
      this.next();
      return { op: negated ? "not between" : "between", low, high: read(and) };
    }
    if (this.isIdent("in")) {
      this.next();
      this.expectPunct("[", 'after "in"');
      const values = [read(opToken)];
      while (this.isPunct(",")) values.push(read(this.next()));
      this.expectPunct("]", "after the list", '"," or "]"');
      return { op: negated ? "not in" : "in", values };
    }
    if (negated) this.fail('"between", "in" or "matches" after "not"');
    if (opToken.kind !== "punct" || !(COMPARISONS as readonly string[]).includes(opToken.text)) {
      this.fail("a comparison (>, >=, <, <=, =, !=, between, in)");
    }
    this.next();
    return { op: opToken.text as ComparisonOperator, value: read(opToken) };
  }

  private number(): Value | undefined {
    const negative = this.isPunct("-") && this.peekAt(1).kind === "number";
    if (negative) this.next();
    if (this.peek().kind !== "number") return undefined;
    const value = Number(this.next().text);
    return { kind: "number", value: negative ? -value : value };
  }

  private value(): Value | undefined {
    const token = this.peek();
    if (token.kind === "string") return { kind: "string", value: this.next().value };
    if (this.isIdent("NULL", "EMPTY", "WHITESPACES_ONLY")) return { kind: "keyword", keyword: this.next().text as "NULL" };
    if (this.isIdent("now") || (this.isPunct("(") && this.peekAt(1).text === "now")) return this.now();
    return this.number();
  }

  /** `now()`, `(now() - 3 days)`, and, leniently, `now() - 3 days`. */
  private now(): Value {
    const parenthesised = this.isPunct("(") ? (this.next(), true) : false;
    this.next();
    this.expectPunct("(", 'after "now"');
    this.expectPunct(")", 'after "now("');
    let value: Value = { kind: "now" };
    if (this.isPunct("-") || this.isPunct("+")) {
      const sign = this.next().text as "+" | "-";
      const duration = this.duration() ?? this.fail(`a duration (e.g. 3 days) after "${sign}"`);
      if (duration.kind !== "duration") throw new Error("unreachable");
      value = { kind: "now", offset: { sign, amount: duration.amount, unit: duration.unit } };
    }
    if (parenthesised) this.expectPunct(")", "after the date expression");
    return value;
  }

  private duration(): Value | undefined {
    if (this.peek().kind !== "number") return undefined;
    const amount = this.next();
    if (!/^[0-9]+$/.test(amount.text)) this.fail("a whole number of days, hours or minutes", amount);
    const unit = this.peek();
    if (unit.kind !== "ident" || !(UNITS as readonly string[]).includes(unit.text)) this.fail(`a time unit (days, hours, minutes) after "${amount.text}"`);
    this.next();
    return { kind: "duration", amount: Number(amount.text), unit: unit.text as DurationUnit };
  }

  private labels(): Record<string, string> {
    this.next();
    this.expectPunct("=", 'after "labels"');
    this.expectPunct("[", 'after "labels="');
    const labels: Record<string, string> = {};
    do {
      if (this.isPunct(",")) this.next();
      const keyToken = this.peek();
      if (keyToken.kind !== "string" || keyToken.value === "") this.fail('a quoted, non-empty label key (e.g. "severity")');
      if (Object.prototype.hasOwnProperty.call(labels, keyToken.value)) this.fail(`a label key not used before in this rule`);
      this.next();
      this.expectPunct("=", "after the label key");
      labels[keyToken.value] = keyToken.value === SEVERITY_LABEL ? this.severityValue() : this.labelValue();
    } while (this.isPunct(","));
    this.expectPunct("]", "after the labels", '"," or "]"');
    return labels;
  }

  private labelValue(): string {
    const token = this.peek();
    if (token.kind !== "string" || token.value === "") this.fail("a quoted, non-empty label value");
    return this.next().value;
  }

  private severityValue(): string {
    const token = this.peek();
    if (token.kind !== "string" || !isSeverity(token.value)) this.fail('a severity "error" or "warning"');
    return this.next().value;
  }

  private expectPunct(text: string, context: string, expected = `"${text}"`): Token {
    if (!this.isPunct(text)) this.fail(context ? `${expected} ${context}` : expected);
    return this.next();
  }

  private fail(expected: string, token: Token = this.peek()): never {
    const found = token.kind === "eof" ? "the end of the text" : JSON.stringify(token.text);
    throw new DqdlParseError(token.line, token.column, expected, found);
  }

  private isPunct(text: string): boolean {
    const token = this.peek();
    return token.kind === "punct" && token.text === text;
  }

  private isIdent(...texts: string[]): boolean {
    const token = this.peek();
    return token.kind === "ident" && texts.includes(token.text);
  }

  private peek(): Token {
    return this.tokens[this.pos]!;
  }

  private peekAt(offset: number): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== "eof") this.pos++;
    return token;
  }
}
