import { createRoute, z } from "@hono/zod-openapi";
import type { ResolvedDeps } from "../app";
import { InvalidInputError, NotFoundError } from "../errors";
import { newRouter } from "../router";
import { ConditionalHeaders, conditionalOk, errorResponses } from "../schemas";
import type { CatalogTable } from "../../catalog/catalog";
import { versionInViewSql } from "../../run/publish";

const TableSummary = z
  .object({
    name: z.string(),
    kind: z.enum(["table", "view"]),
    format: z.string().nullable(),
    partitionKeys: z.array(z.string()),
    location: z.string().nullable(),
    version: z.number().openapi({ description: "Catalog version (Glue VersionId)" }),
    updatedAt: z.string(),
    currentVersion: z.string().nullable().openapi({ description: "For a production view: the version table it reads" }),
  })
  .openapi("TableSummary");

const TableDetail = TableSummary.extend({
  columns: z.array(z.object({ name: z.string(), type: z.string(), comment: z.string().optional() })),
  viewSql: z.string().nullable(),
  partitionCount: z.number(),
  partitions: z.array(z.object({ values: z.array(z.string()), location: z.string() })).openapi({ description: "The first 1000 partitions" }),
}).openapi("TableDetail");

const listTables = createRoute({
  method: "get",
  operationId: "listTables",
  // GET routes need no token (requireBearer): said so, not left to a default.
  security: [],
  path: "/",
  tags: ["tables"],
  summary: "Tables and views of the catalog",
  request: { headers: ConditionalHeaders },
  responses: {
    ...conditionalOk("Tables", { "application/json": { schema: z.object({ tables: z.array(TableSummary) }) } }, { productionVersion: true }),
    ...errorResponses(500),
  },
});

const getTable = createRoute({
  method: "get",
  operationId: "getTable",
  // GET routes need no token (requireBearer): said so, not left to a default.
  security: [],
  path: "/{name}",
  tags: ["tables"],
  summary: "One table: columns, partitions, location, current version",
  request: { params: z.object({ name: z.string().max(255).openapi({ param: { name: "name", in: "path" }, example: "weather_prod" }) }), headers: ConditionalHeaders },
  responses: { ...conditionalOk("The table", { "application/json": { schema: TableDetail } }, { productionVersion: true }), ...errorResponses(400, 404, 500) },
});

const NAME_RE = /^[a-z_][a-z0-9_]{0,254}$/;
const PARTITIONS_SHOWN = 1000;

/** GET /tables, GET /tables/{name}: the catalog, cached with the production version. */
export function tablesRouter(deps: ResolvedDeps) {
  const db = deps.pipeline.glueDatabase;
  const summary = (t: CatalogTable) => ({
    name: t.name,
    kind: t.kind,
    format: t.format ?? null,
    partitionKeys: [...t.partitionKeys],
    location: t.location ?? null,
    version: t.version,
    updatedAt: t.updatedAt,
    currentVersion: currentVersionOf(deps, t),
  });
  const router = newRouter();
  return router
    .openapi(listTables, (c) =>
      deps.cache.respond(c, "tables", async () => ({ tables: (await deps.catalog.listTables(db)).map(summary) })) as never,
    )
    .openapi(getTable, (c) => {
      const { name } = c.req.valid("param");
      if (!NAME_RE.test(name)) throw new InvalidInputError("name", "a table name is lower-case letters, digits and underscores");
      return deps.cache.respond(c, `tables/${name}`, async () => {
        const table = await deps.catalog.getTable(db, name);
        if (!table) throw new NotFoundError("table", name);
        const partitions = table.kind === "table" ? await deps.catalog.getPartitions(db, name) : [];
        return {
          ...summary(table),
          columns: table.columns.map((col) => ({ ...col })),
          viewSql: table.viewSql ?? null,
          partitionCount: partitions.length,
          partitions: partitions.slice(0, PARTITIONS_SHOWN).map((p) => ({ values: [...p.values], location: p.location })),
        };
      }) as never;
    });
}

function currentVersionOf(deps: ResolvedDeps, table: CatalogTable): string | null {
  const dataset = Object.values(deps.pipeline.datasets).find((d) => d.tables.prod === table.name);
  return dataset ? (versionInViewSql(table.viewSql, dataset) ?? null) : null;
}
