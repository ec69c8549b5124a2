import type { Catalog } from "../catalog/catalog";
import type { PipelineDefinition } from "../pipeline/types";
import { versionInViewSql } from "../run/publish";

/** What production currently is; changes when a run publishes or a rollback switches the view. */
export interface ProductionVersion {
  current(): Promise<string>;
  /** Forget the last answer (this process just published). */
  invalidate(): void;
}

/**
 * Production's version read from the catalog: for each dataset, the version table its prod view
 * reads plus the view's catalog version (a rollback to the same table still bumps it). One catalog
 * read per dataset (~0.4 ms on the twin, a Glue GetTable on AWS), so the answer is kept `ttlMs`:
 * a publish by another process is seen within that delay; one by this process at once.
 */
export class CatalogProductionVersion implements ProductionVersion {
  private last?: { value: string; at: number };
  private pending?: Promise<string>;

  constructor(
    private readonly catalog: Catalog,
    private readonly pipeline: PipelineDefinition,
    private readonly ttlMs = 250,
    private readonly now: () => number = () => performance.now(),
  ) {}

  current(): Promise<string> {
    if (this.last && this.now() - this.last.at < this.ttlMs) return Promise.resolve(this.last.value);
    this.pending ??= this.read().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  invalidate(): void {
    this.last = undefined;
  }

  private async read(): Promise<string> {
    const started = this.now();
    const parts: string[] = [];
    for (const dataset of Object.values(this.pipeline.datasets)) {
      const view = await this.catalog.getTable(this.pipeline.glueDatabase, dataset.tables.prod);
      parts.push(`${dataset.name}:${versionInViewSql(view?.viewSql, dataset) ?? "none"}:${view?.version ?? 0}`);
    }
    const value = parts.join(",");
    this.last = { value, at: started };
    return value;
  }
}
