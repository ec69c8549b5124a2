import type { App } from "sst/constructs";
import { Storage } from "./Storage";

/** Every stack of the app, in dependency order (shared by sst.config.ts and the infra tests). */
export function stacks(app: App): void {
  app.setDefaultFunctionProps({ runtime: "nodejs20.x", architecture: "arm_64" });
  app.stack(Storage);
}
