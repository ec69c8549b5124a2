#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so `npx sluice` works right after `npm install`.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../packages/cli/src/main.ts");
process.exitCode = await main(process.argv);
