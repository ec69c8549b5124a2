export { translateAthenaSql, type AthenaStatement, type AthenaTranslation } from "./translate";
export { athenaMacrosSql } from "./macros";
export { UnsupportedSqlError, AthenaSqlSyntaxError, type SqlPosition, type UnsupportedKind } from "./errors";
export { tokenize, isSignificant, type Token, type TokenKind } from "./tokenizer";
export { ATHENA_FUNCTIONS, type FunctionSpec, type FunctionCall } from "./functions";
export type { CtasProperties, CtasPropertyValue } from "./ctas-properties";
export type { TableReference } from "./translator";
