/** A rule the engine cannot evaluate on this relation (unknown column, type mismatch…): reported as `ERROR`, never as a pass. */
export class UnevaluableRuleError extends Error {
  override readonly name = "UnevaluableRuleError";
}
