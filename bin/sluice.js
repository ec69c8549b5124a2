#!/usr/bin/env node
// Runs the compiled CLI in lib/ (built by npm's `prepare` on `npm install`/`npm ci`, or by
// `npx projen build:cli`) when it matches the sources. Otherwise — sources edited since, no lib/ yet,
// or SLUICE_DEV=1 — it runs the TypeScript sources through tsx, which compiles at start (~1 s more).
import { fileURLToPath } from "node:url";
import { libIsCurrent } from "./lib-is-current.js";

// `sluice query … | head` closes the pipe early: stop quietly, as other Unix tools do.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});
const root = fileURLToPath(new URL("..", import.meta.url));
let main;
if (!process.env.SLUICE_DEV && libIsCurrent(root)) {
  ({ main } = await import("../lib/main.js"));
} else {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import("../packages/cli/src/main.ts"));
}
process.exitCode = await main(process.argv);
