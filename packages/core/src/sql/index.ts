/** Athena (Trino) SQL on the local twin's DuckDB: translation, session macros, typed refusals. */
export * from "./athena/index";
