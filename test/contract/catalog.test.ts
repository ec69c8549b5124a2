import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GlueCatalog } from "../../packages/core/src/aws/glue-catalog";
import { FsCatalog } from "../../packages/core/src/catalog/fs-catalog";
import { FakeGlue } from "../aws/fake-glue";
import { describeCatalogContract } from "./catalog.contract";

describeCatalogContract("FsCatalog on a temp dir (the twin, for real)", async () => {
  const root = await mkdtemp(join(tmpdir(), "sluice-contract-catalog-"));
  return { catalog: new FsCatalog(root), cleanup: () => rm(root, { recursive: true, force: true }) };
});

describeCatalogContract("GlueCatalog on an in-memory Glue (aws-sdk-client-mock, 1-item pages)", async () => {
  const glue = new FakeGlue();
  // One item per page: every listing in the contract also exercises NextToken paging.
  glue.pageSize = 1;
  return { catalog: new GlueCatalog(glue.client), cleanup: async () => glue.mock.restore() };
});
