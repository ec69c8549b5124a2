import type { AnalyticsView } from "../analytics/view";
import type { SeriesDataset } from "../api/series-datasets";
import type { DatasetDefinition, Location } from "../pipeline/types";
import type { SourceSettings } from "../sources/factory";
import type { Source } from "../sources/source";
import type { SubjectRequest } from "../sources/subjects";

/**
 * Everything sluice knows about one built-in dataset, in one place (`datasets/<name>/index.ts`),
 * listed once in `datasets/registry.ts`. The pipeline, the source factory, the CLI's and the API's
 * subjects, the scheduled producers and runs, the analytics views, `/series`, `GET /datasets`, the
 * stacks' secrets and the Grafana dashboards all read the registry: a new built-in dataset is a
 * folder and a registry line (test/datasets/modules.test.ts checks what each module exports).
 */
export interface DatasetModule {
  /** Schema, Firehose layout, tables, transform, dedup, DQ rules, schedule. */
  readonly definition: DatasetDefinition;
  /** Each source by name; `synthetic` must exist and work offline. */
  readonly sources: Readonly<Record<string, (settings: SourceSettings) => Source<object>>>;
  /** The source unattended runs (schedules, the producer) use: the real API. */
  readonly scheduledSource: string;
  readonly subjects: {
    /** What one subject is ("city", "ticker", "station"), for help texts and GET /datasets. */
    readonly noun: string;
    /** The dataset's own subject field, an alias of `subjects` (CLI `--locations`/`--tickers`/`--stations`, the API body, events). */
    readonly field: "cities" | "tickers" | "stations";
    /** What an unattended run asks for when neither its event nor the config names subjects; undefined: it must be told. */
    readonly scheduledDefaults?: readonly string[];
    /** The names of a request as the sources' Locations (defaults filled); throws InvalidSubjectError naming the field. */
    resolve(request: SubjectRequest, source: string): Location[];
  };
  readonly variables: {
    /** The variables a request may name (undefined: the dataset takes none). */
    readonly known?: readonly string[];
    /** What a run asks for when it names none. */
    readonly defaults: readonly string[];
  };
  /** Analytics views over `<dataset>_prod`, created after each publish. */
  readonly views: readonly AnalyticsView[];
  /** How `/series` and `/stats` read it: the subject parameter and column, the metrics. */
  readonly series: SeriesDataset;
  /** SST `Config.Secret` names its real source needs (API keys). */
  readonly secrets: readonly string[];
}
