import type { ColumnType } from "../pipeline/types";

/** One column of the relation the rules run on. */
export interface RelationColumn {
  readonly name: string;
  readonly type: ColumnType;
}

/** The table the rules check: an SQL table reference, already quoted (`"db"."weather_parquet"`), and its columns. */
export interface DqRelation {
  readonly sql: string;
  readonly columns: readonly RelationColumn[];
}
