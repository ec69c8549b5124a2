import { ManualClock } from "../../../packages/core/src/lake/clock";
import type { ColumnSpec, ColumnType, Location } from "../../../packages/core/src/pipeline/types";
import { parseRestSourceConfig, RestSource } from "../../../packages/core/src/sources/rest/index";
import type { RestOutcome, RestSourceConfigInput, RestSourceOptions } from "../../../packages/core/src/sources/rest/index";

/** Subjects as the run engine passes them (`Location.name` is the subject). */
export const subjects = (...names: string[]): Location[] => names.map((name) => ({ name, latitude: 0, longitude: 0 }));

/** One day, 2024-11-25. */
export const DAY = { from: "2024-11-25", to: "2024-11-25", variables: [] as string[] };
export const NOW = Date.parse("2024-12-01T10:00:00.000Z");

/** A REST source on a manual clock whose sleeps return at once, advance the clock and are recorded. */
export function restSource(config: RestSourceConfigInput, options: Partial<Omit<RestSourceOptions, "config">> = {}) {
  const clock = new ManualClock(NOW);
  const sleeps: number[] = [];
  const sleep = async (ms: number) => {
    sleeps.push(ms);
    clock.advance(ms);
  };
  const source = new RestSource({
    config: parseRestSourceConfig(config, { schema: options.schema }),
    secrets: () => undefined,
    clock,
    sleep,
    http: { maxAttempts: 2, random: () => 0.5 },
    ...options,
  });
  return { source, clock, sleeps };
}

/** Every outcome of a fetch, in order. */
export async function collect(source: RestSource, locations: readonly Location[], range = DAY): Promise<RestOutcome[]> {
  const out: RestOutcome[] = [];
  for await (const outcome of source.fetch({ ...range, locations })) out.push(outcome);
  return out;
}

/** A record schema from `name:type` pairs; a trailing `?` marks the column nullable (`note:string?`). */
export function columns(...specs: string[]): ColumnSpec[] {
  return specs.map((spec) => {
    const [name, type] = spec.replace(/\?$/, "").split(":") as [string, ColumnType];
    return { name, type, nullable: spec.endsWith("?") };
  });
}
