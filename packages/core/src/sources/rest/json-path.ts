/**
 * Dotted paths with `[n]` indexes (`features`, `properties.mag`, `geometry.coordinates[2]`,
 * `[0].results`), the only path language of the REST source: enough for dlt's `data_selector`
 * and for field mapping, and simple enough to check before any request. A leading `$.` anchors a
 * field path at the page's root instead of the record (e.g. `$.latitude` beside a columnar block).
 */

/** One step: an object member or an array index. */
export type PathStep = { readonly key: string } | { readonly index: number };

/** A checked path: its steps, whether it starts at the page root, and its text for messages. */
export interface JsonPath {
  readonly text: string;
  readonly fromRoot: boolean;
  readonly steps: readonly PathStep[];
}

const SEGMENT = /^([^.[\]\s]+)?((?:\[\d+\])*)$/;

/** Parses `text`, or returns why it is not a path (the caller adds the config field). */
export function parseJsonPath(text: string): JsonPath | string {
  if (text.trim() !== text || text === "") return `"${text}" is not a path (expected e.g. "properties.mag" or "geometry.coordinates[2]")`;
  const fromRoot = text.startsWith("$.");
  const body = fromRoot ? text.slice(2) : text;
  const steps: PathStep[] = [];
  for (const segment of body.split(".")) {
    const match = SEGMENT.exec(segment);
    if (match === null || segment === "") {
      return `"${text}" is not a path: segment "${segment}" must be a name optionally followed by [n] indexes (e.g. "coordinates[2]")`;
    }
    if (match[1] !== undefined) steps.push({ key: match[1] });
    for (const index of match[2]!.matchAll(/\[(\d+)\]/g)) steps.push({ index: Number(index[1]) });
  }
  return { text, fromRoot, steps };
}

/** Whether the path exists in `value`, and what it holds (`null` counts as present). */
export type PathLookup = { readonly found: true; readonly value: unknown } | { readonly found: false; readonly missingAt: string };

/** Follows `path` through `value`; a missing member or index says which prefix ended. */
export function lookup(value: unknown, path: JsonPath): PathLookup {
  let current = value;
  let walked = path.fromRoot ? "$" : "";
  for (const step of path.steps) {
    if ("key" in step) {
      walked = walked === "" ? step.key : `${walked}.${step.key}`;
      if (current === null || typeof current !== "object" || Array.isArray(current) || !Object.hasOwn(current, step.key)) {
        return { found: false, missingAt: walked };
      }
      current = (current as Record<string, unknown>)[step.key];
    } else {
      walked = `${walked}[${step.index}]`;
      if (!Array.isArray(current) || step.index >= current.length) return { found: false, missingAt: walked };
      current = current[step.index];
    }
  }
  return { found: true, value: current };
}
