/** The HTTP API: `createApp(deps)` and the ports it takes. */
export { createApp, type ResolvedDeps } from "./app";
export { OPENAPI_INFO } from "./openapi-document";
export { DEFAULT_LIMITS, type ApiDeps, type ApiLimits } from "./deps";
export type { AppEnv } from "./env";
export { InvalidInputError, NotFoundError, type ErrorBody } from "./errors";
export { CatalogProductionVersion, type ProductionVersion } from "./production-version";
export { InProcessRunLauncher, type InProcessRunLauncherOptions, type RunLauncher } from "./run-launcher";
export { ResponseCache } from "./response-cache";
export { loadWebAssets, type WebAsset, type WebAssets } from "./web-assets";
export { tokenMatches } from "./auth";
