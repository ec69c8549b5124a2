import { javaDoubleText } from "./athena-text";

// DuckDB's physical integer names → Trino's type names.
const INTEGER_NAMES: Readonly<Record<string, string>> = { INT8: "tinyint", INT16: "smallint", INT32: "integer", INT64: "bigint" };
// Trino's names in VarcharOperators' cast errors ("Cannot cast 'abc' to INT").
const CAST_NAMES: Readonly<Record<string, string>> = { INT8: "TINYINT", INT16: "SMALLINT", INT32: "INT", INT64: "BIGINT", DOUBLE: "DOUBLE", FLOAT: "REAL", BOOL: "BOOLEAN" };
const OPERATORS: Readonly<Record<string, string>> = { addition: "+", subtraction: "-", multiplication: "*" };

/** A number as DuckDB printed it, in Java's Double.toString (Trino's error messages print doubles so). */
function javaNumber(text: string, source: string): string {
  return source === "DOUBLE" || source === "FLOAT" ? javaDoubleText(Number(text)) : text;
}

/**
 * Trino's error (code and message) for a DuckDB error the twin can read back into Trino's terms, or
 * undefined. The texts follow trinodb/trino's operators: IntegerOperators/BigintOperators/
 * SmallintOperators/TinyintOperators ("integer addition overflow: 2147483647 + 1", "Out of range for
 * tinyint: 128"), DoubleOperators ("Out of range for integer: 3.0E10") and VarcharOperators ("Cannot
 * cast 'abc' to INT"); the twin's own macros raise Trino's cast texts, which are INVALID_CAST_ARGUMENT.
 */
export function trinoErrorText(message: string): string | undefined {
  const overflow = /^Out of Range Error: Overflow in (addition|subtraction|multiplication) of (INT8|INT16|INT32|INT64) \((-?\d+) [-+*] (-?\d+)\)!?$/.exec(message);
  if (overflow) {
    const [, operation, type, left, right] = overflow as unknown as [string, string, string, string, string];
    return `NUMERIC_VALUE_OUT_OF_RANGE: ${INTEGER_NAMES[type]} ${operation} overflow: ${left} ${OPERATORS[operation]} ${right}`;
  }
  // sum() of integers: the twin casts DuckDB's HUGEINT sum to BIGINT (LongSumAggregation adds with
  // BigintOperators.add, whose overflow names both operands; DuckDB's message has only the total).
  const sum = /^Conversion Error: Type INT128 with value (-?\d+) can't be cast because the value is out of range for the destination type INT64 when casting from source column sum\(/.exec(message);
  if (sum) return `NUMERIC_VALUE_OUT_OF_RANGE: bigint addition overflow (the sum is ${sum[1]})`;
  const range = /^Conversion Error: Type (\w+) with value (\S+) can't be cast because the value is out of range for the destination type (INT8|INT16|INT32|INT64)$/.exec(message);
  if (range) {
    const [, source, value, target] = range as unknown as [string, string, string, string];
    return `NUMERIC_VALUE_OUT_OF_RANGE: Out of range for ${INTEGER_NAMES[target]}: ${javaNumber(value, source)}`;
  }
  const text = /^Conversion Error: Could not convert string '(.*)' to (INT8|INT16|INT32|INT64|DOUBLE|FLOAT|BOOL)$/s.exec(message);
  if (text) return `INVALID_CAST_ARGUMENT: Cannot cast '${text[1]}' to ${CAST_NAMES[text[2]!]}`;
  // A varchar or boolean column compared with a number (athena_numeric): an analysis error in Trino.
  const operator = /^Invalid Input Error: (Cannot apply operator: .*)$/.exec(message);
  if (operator) return `TYPE_MISMATCH: ${operator[1]}`;
  // Trino has no cast from an array, row or map to varchar (an analysis error there).
  const nested = /^Invalid Input Error: (Cannot cast (?:array|row|map) to varchar)$/.exec(message);
  if (nested) return `TYPE_MISMATCH: ${nested[1]}`;
  const macroCast = /^Invalid Input Error: ((?:Cannot cast '|Value ).*)$/s.exec(message);
  if (macroCast && (macroCast[1]!.startsWith("Cannot cast '") || / cannot be represented as varchar\(\d+\)$/.test(macroCast[1]!))) {
    return `INVALID_CAST_ARGUMENT: ${macroCast[1]}`;
  }
  return undefined;
}
