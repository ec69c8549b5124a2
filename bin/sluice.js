#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so `npx sluice` works right after `npm install`.
import { register } from "tsx/esm/api";

register();
// `sluice query … | head` closes the pipe early: stop quietly, as other Unix tools do.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});
const { main } = await import("../packages/cli/src/main.ts");
process.exitCode = await main(process.argv);
