import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { packageRoot } from "../package-root";

/** One static file of the dashboard. */
export interface WebAsset {
  readonly body: Uint8Array;
  readonly contentType: string;
}

/** The dashboard's files by name (`index.html`, `app.js`, `uPlot.iife.min.js`…): a fixed set, never a path. */
export type WebAssets = ReadonlyMap<string, WebAsset>;

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

/** Bundled files: packages/web/* and uPlot from node_modules (no CDN: the dashboard works offline). */
export const WEB_FILES = ["index.html", "app.js", "app.css", "api.js", "chart.js", "runs.js", "views.js"] as const;

/** Reads the dashboard's files once, at start (packages/web of the checkout, from the sources or lib/). */
export function loadWebAssets(webDir = join(packageRoot(), "packages", "web")): WebAssets {
  const require = createRequire(import.meta.url);
  const uplotDir = dirname(require.resolve("uplot/dist/uPlot.iife.min.js"));
  const files: [string, string][] = [
    ...WEB_FILES.map((name) => [name, join(webDir, name)] as [string, string]),
    ["uPlot.iife.min.js", join(uplotDir, "uPlot.iife.min.js")],
    ["uPlot.min.css", join(uplotDir, "uPlot.min.css")],
  ];
  return new Map(files.map(([name, path]) => [name, { body: readFileSync(path), contentType: TYPES[name.slice(name.lastIndexOf("."))] ?? "application/octet-stream" }]));
}
