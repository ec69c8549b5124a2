import { createRoute, z } from "@hono/zod-openapi";
import type { ResolvedDeps } from "../app";
import { AnswerTooLargeError, InvalidInputError, QueryTimeoutError } from "../errors";
import { QueryCancelledError } from "../../query/query-engine";
import { parseRange } from "../range";
import { checkReadOnlyQuery, limitedSql } from "../read-only-sql";
import { newRouter } from "../router";
import { DateOrDateTime, errorResponses } from "../schemas";
import { expandGrafanaMacros } from "../../query/grafana-macros";

const QueryRequest = z
  .object({
    sql: z.string().min(1).max(20_000).openapi({ example: "SELECT city, avg(temperature) AS t FROM weather_prod WHERE $__timeFilter(measurement_time) GROUP BY city" }),
    from: DateOrDateTime.optional().openapi({ description: "Range of the Grafana macros ($__timeFilter…)", example: "2024-11-24T00:00:00Z" }),
    to: DateOrDateTime.optional().openapi({ example: "2024-12-01T00:00:00Z" }),
    intervalMs: z.number().int().min(1).max(31 * 86_400_000).optional().openapi({ description: "Interval of $__interval macros" }),
    maxRows: z.number().int().min(1).max(10_000).default(1000),
  })
  .strict()
  .openapi("QueryRequest");

const query = createRoute({
  method: "post",
  operationId: "runQuery",
  path: "/",
  tags: ["query"],
  summary: "Run read-only Athena SQL (SELECT/WITH) on production data",
  security: [{ bearer: [] }],
  request: { body: { required: true, content: { "application/json": { schema: QueryRequest } } } },
  responses: {
    200: {
      description: "Rows (at most maxRows) and the bytes the query read",
      content: {
        "application/json": {
          schema: z.object({
            columns: z.array(z.object({ name: z.string(), type: z.string() })),
            rows: z.array(z.record(z.unknown())),
            rowCount: z.number(),
            truncated: z.boolean(),
            bytesScanned: z.number(),
            sql: z.string().openapi({ description: "The SQL run, macros expanded" }),
          }),
        },
      },
    },
    ...errorResponses(400, 401, 413, 500, 503, 504),
  },
});

/** POST /query */
export function queryRouter(deps: ResolvedDeps) {
  return newRouter().openapi(query, async (c) => {
    const body = c.req.valid("json");
    if (body.sql.length > deps.limits.sqlChars) throw new InvalidInputError("sql", `longer than ${deps.limits.sqlChars} characters`);
    let sql = body.sql;
    if (/\$__\w+/.test(sql)) {
      if (!body.from || !body.to) throw new InvalidInputError(body.from ? "to" : "from", "the SQL uses Grafana macros ($__…): give from and to");
      const range = parseRange(body.from, body.to, deps.limits.rangeDays);
      sql = expandGrafanaMacros(sql, { from: range.start, to: range.end, intervalMs: body.intervalMs });
    }
    const tables = await deps.catalog.listTables(deps.pipeline.glueDatabase);
    checkReadOnlyQuery(sql, { database: deps.pipeline.glueDatabase, tables: new Set(tables.map((t) => t.name.toLowerCase())) });
    const maxRows = Math.min(body.maxRows, deps.limits.queryRows);
    // The budget of one request: a time limit, and the client's disconnect, both interrupt DuckDB.
    const timeout = AbortSignal.timeout(deps.limits.queryMs);
    let result;
    try {
      result = await deps.warehouse.query(limitedSql(sql, maxRows), undefined, { signal: AbortSignal.any([c.req.raw.signal, timeout]) });
    } catch (error) {
      if (error instanceof QueryCancelledError && timeout.aborted) throw new QueryTimeoutError(deps.limits.queryMs);
      throw error;
    }
    const truncated = result.rows.length > maxRows;
    const rows = truncated ? result.rows.slice(0, maxRows) : result.rows;
    if (answerBytes(rows, deps.limits.answerBytes) > deps.limits.answerBytes) throw new AnswerTooLargeError(deps.limits.answerBytes);
    c.get("log").info("query", { rows: rows.length, bytesScanned: result.bytesScanned });
    return c.json({ columns: [...result.columns], rows: rows as Record<string, unknown>[], rowCount: rows.length, truncated, sql, bytesScanned: result.bytesScanned }, 200);
  });
}

/** Bytes of the rows as JSON, counted row by row so that counting stops once past the limit. */
function answerBytes(rows: readonly unknown[], limit: number): number {
  let total = 0;
  for (const row of rows) {
    total += Buffer.byteLength(JSON.stringify(row)) + 1;
    if (total > limit) break;
  }
  return total;
}
