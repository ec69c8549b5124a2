import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { serve, type ServerType } from "@hono/node-server";
import { Option, type Command } from "commander";
import { createApp } from "../../../core/src/api/app";
import type { ApiDeps, ApiLimits } from "../../../core/src/api/deps";
import { CatalogProductionVersion } from "../../../core/src/api/production-version";
import { InProcessBackfillLauncher } from "../../../core/src/api/backfill-launcher";
import { InProcessRunLauncher } from "../../../core/src/api/run-launcher";
import { backfill, backfillIdFor } from "../../../core/src/backfill/backfill";
import { quotasOf } from "../../../core/src/sources/source-quotas";
import { loadWebAssets } from "../../../core/src/api/web-assets";
import type { RunStore } from "../../../core/src/run/run-store";
import type { LocalRuntime } from "../../../core/src/runtime/local";
import { runtimeFor } from "../context";
import { EXIT, UsageError, exitHelp } from "../exit-codes";
import { project } from "../project";
import type { CliIo } from "../main";
import { addLakeOption } from "../options";
import { stopOnSignals } from "../signals";
import { localRunEngine, sourceSettingsOf } from "./run";
import { DEMO, runDemoIfEmpty } from "./demo";

/** Options of the local API. */
export interface LocalApiOptions {
  readonly token: string;
  /** How long production's version is trusted before the catalog is read again (ms). */
  readonly productionTtlMs?: number;
  readonly limits?: Partial<ApiLimits>;
  /** Seed of the synthetic source for runs started through the API. */
  readonly seed?: number;
}

/** The API's ports bound to the local twin: runs execute in this process, reads go to the twin catalog and DuckDB. */
export async function localApiDeps(runtime: LocalRuntime, options: LocalApiOptions): Promise<{ deps: ApiDeps; launcher: InProcessRunLauncher; backfills: InProcessBackfillLauncher }> {
  const { pipeline } = project();
  const production = new CatalogProductionVersion(runtime.catalog, pipeline, options.productionTtlMs);
  const seed = options.seed ?? 42;
  const launcher = new InProcessRunLauncher({
    engine: () => localRunEngine(runtime, { endpoint: "auto" }, seed),
    clock: runtime.clock,
    logger: runtime.options.logger,
    onFinished: () => production.invalidate(),
  });
  // The source's declared quotas, as `sluice backfill` without --quota: the same request is the same back-fill id.
  const quotasFor = (dataset: string, source: string) => quotasOf(pipeline.datasets[dataset]!, source);
  const backfills = new InProcessBackfillLauncher({
    idOf: (request) => backfillIdFor(request, quotasFor(request.dataset, request.source)),
    drive: async (request, backfillOptions) => {
      const engine = await localRunEngine(runtime, { endpoint: "auto" }, seed);
      return backfill(
        request,
        {
          cursors: runtime.backfillCursors(),
          ingest: runtime.ingestWith({ ...sourceSettingsOf({ endpoint: "auto" }), seed }),
          run: (parameters, signal) => engine.run(parameters, { signal }),
          quotas: quotasFor(request.dataset, request.source),
          clock: runtime.clock,
          logger: runtime.options.logger,
          lock: (id) => runtime.backfillLock(id),
        },
        backfillOptions,
      );
    },
    heldElsewhere: (id) => runtime.backfillHeld(id),
    clock: runtime.clock,
    logger: runtime.options.logger,
    onFinished: () => production.invalidate(),
  });
  const lake = resolve(runtime.options.lake);
  const deps: ApiDeps = {
    pipeline,
    catalog: runtime.catalog,
    runStore: withTornReadRetry(runtime.runStore),
    warehouse: await runtime.warehouse(),
    launcher,
    backfills: { cursors: runtime.backfillCursors(), launcher: backfills },
    production,
    token: options.token,
    logger: runtime.options.logger,
    assets: loadWebAssets(),
    limits: options.limits,
    redact: (message) => message.split(lake).join("<lake>"),
  };
  return { deps, launcher, backfills };
}

/**
 * The twin's FsObjectStore writes an object in place (truncate, then write), so a run record read
 * while the engine saves it can be empty or cut (S3's PUT is atomic: AWS has no such window).
 * Until the store writes then renames, reads that fail to parse are retried.
 */
export function withTornReadRetry(store: RunStore, attempts = 5): RunStore {
  const retry = async <T>(read: () => Promise<T>): Promise<T> => {
    for (let i = 1; ; i++) {
      try {
        return await read();
      } catch (error) {
        if (!(error instanceof SyntaxError) || i >= attempts) throw error;
        await new Promise((done) => setTimeout(done, 5 * i));
      }
    }
  };
  return {
    save: (run) => store.save(run),
    saveReport: (id, report) => store.saveReport(id, report),
    get: (id) => retry(() => store.get(id)),
    list: (options) => retry(() => store.list(options)),
    getReport: (id) => retry(() => store.getReport(id)),
  };
}

/** What a stop had to cut short (nothing on a clean drain). */
export interface StopReport {
  /** Requests still running when the drain time ran out: their sockets were closed, their queries interrupted. */
  readonly requestsCut: number;
  /** The background run stopped at the step it was in (recorded failed), if one was running. */
  readonly runStopped?: string;
  /** The background back-fill stopped after its chunk in flight, if one was running. */
  readonly backfillStopped?: string;
}

/** A running local API. */
export interface LocalServer {
  readonly url: string;
  readonly launcher: InProcessRunLauncher;
  readonly backfills: InProcessBackfillLauncher;
  /**
   * Drains and stops: no new connection is accepted, a new request on an open connection answers
   * 503 with Retry-After, the requests in flight get up to `drainMs` to finish, then their sockets
   * are closed (which interrupts a POST /query's DuckDB query); a background run is stopped at the
   * step it is in. `reason` is what the run record names (`SIGTERM`).
   */
  close(reason?: string): Promise<StopReport>;
}

/** How long `sluice serve` lets the requests in flight finish after SIGTERM/SIGINT (SLUICE_DRAIN_MS), ms. */
export const DEFAULT_DRAIN_MS = 5_000;

/** Serves the API and dashboard of a lake on host:port (port 0 picks a free one). */
export async function startServer(runtime: LocalRuntime, options: LocalApiOptions & { host: string; port: number; drainMs?: number }): Promise<LocalServer> {
  const { deps, launcher, backfills } = await localApiDeps(runtime, options);
  const drainMs = options.drainMs ?? DEFAULT_DRAIN_MS;
  let stopping = false;
  // A client told to come back once this server is gone: another instance, or this one restarted.
  const retryAfter = Math.max(1, Math.ceil(drainMs / 1000));
  const app = createApp({ ...deps, stopping: () => (stopping ? retryAfter : undefined) });
  const server: ServerType = await new Promise((resolveServer, reject) => {
    const s = serve({ fetch: app.fetch, hostname: options.host, port: options.port }, () => resolveServer(s));
    s.once("error", reject);
  });
  // Requests whose answer has not gone out yet: the drain waits for them.
  const inFlight = new Set<ServerResponse>();
  let drained: (() => void) | undefined;
  server.on("request", (_request, response: ServerResponse) => {
    inFlight.add(response);
    response.once("close", () => {
      inFlight.delete(response);
      if (inFlight.size === 0) drained?.();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}/`,
    launcher,
    backfills,
    close: async (reason = "the server stopping") => {
      stopping = true;
      const runStopped = launcher.stop(reason);
      // A back-fill stops after the chunk in flight; its cursor stays before the next one.
      const backfillStopped = backfills.stop(reason);
      // No new connection; idle keep-alive sockets are closed (Node closes them on close() too).
      const closed = new Promise<void>((done) => server.close(() => done()));
      if ("closeIdleConnections" in server) server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      if (inFlight.size > 0) {
        await Promise.race([new Promise<void>((done) => (drained = done)), new Promise<void>((done) => (timer = setTimeout(done, drainMs)))]);
      }
      clearTimeout(timer);
      const requestsCut = inFlight.size;
      if (requestsCut > 0 && "closeAllConnections" in server) server.closeAllConnections();
      await closed;
      const [run, backfill] = await Promise.all([runStopped, backfillStopped]);
      return { requestsCut, ...(run ? { runStopped: run } : {}), ...(backfill ? { backfillStopped: backfill } : {}) };
    },
  };
}

/**
 * POST /query's budget, the DuckDB read pool and the drain time from the environment:
 * SLUICE_QUERY_TIMEOUT_MS (default 25000), SLUICE_QUERY_MAX_BYTES (default 10485760),
 * SLUICE_DUCKDB_CONNECTIONS (default 4: UV_THREADPOOL_SIZE), SLUICE_DRAIN_MS (default 5000).
 */
export function queryBudgetFromEnv(env: NodeJS.ProcessEnv = process.env): { limits: Partial<ApiLimits>; connections?: number; drainMs?: number } {
  const positive = (name: string): number | undefined => {
    const text = env[name];
    if (text === undefined || text === "") return undefined;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) throw new UsageError(`${name} must be a positive integer, got "${text}"`);
    return value;
  };
  const queryMs = positive("SLUICE_QUERY_TIMEOUT_MS");
  const answerBytes = positive("SLUICE_QUERY_MAX_BYTES");
  return {
    limits: { ...(queryMs ? { queryMs } : {}), ...(answerBytes ? { answerBytes } : {}) },
    connections: positive("SLUICE_DUCKDB_CONNECTIONS"),
    drainMs: positive("SLUICE_DRAIN_MS"),
  };
}

/** The token from SLUICE_API_TOKEN, or a fresh one (printed once by the caller). */
export function apiTokenOf(env: NodeJS.ProcessEnv = process.env): { token: string; generated: boolean } {
  const given = env.SLUICE_API_TOKEN;
  if (given !== undefined && given !== "") {
    if (given.length < 16 || !/^[\x21-\x7e]+$/.test(given)) throw new UsageError("SLUICE_API_TOKEN must be at least 16 printable characters without spaces");
    return { token: given, generated: false };
  }
  return { token: randomBytes(24).toString("base64url"), generated: true };
}

/** `sluice serve`: the HTTP API and the dashboard on the local twin. */
export function registerServe(program: Command, io: CliIo, setExit: (code: number) => void): void {
  addLakeOption(
    program
      .command("serve")
      .description("Serve the HTTP API and the dashboard of a lake (local twin) until Ctrl-C.")
      .addOption(new Option("--port <n>", "TCP port (0 picks a free one)").default("3000"))
      .addOption(new Option("--host <address>", "address to listen on").default("127.0.0.1"))
      .option("--demo", `if the lake has no production data, first run the offline demo (synthetic ${DEMO.cities.join(", ")}, ${DEMO.from}..${DEMO.to})`)
      .option("--verbose", "log every request and run step as JSON lines on stderr"),
  )
    .addHelpText(
      "after",
      `
POST routes need Authorization: Bearer <token>. The token is $SLUICE_API_TOKEN; when unset, a
random one is generated at start and printed once. The API is described at /openapi.json and in
docs/api.md; the dashboard is at /.
POST /query is cut at $SLUICE_QUERY_TIMEOUT_MS (default 25000; 504) and $SLUICE_QUERY_MAX_BYTES
of answer (default 10485760; 413); reads use $SLUICE_DUCKDB_CONNECTIONS DuckDB connections
(default 4, or $UV_THREADPOOL_SIZE).
SIGTERM or Ctrl-C stops the server: no new connection is accepted, a new request on an open one
answers 503 with Retry-After, the requests in flight get $SLUICE_DRAIN_MS to finish (default
${DEFAULT_DRAIN_MS}), a background run stops at the step it is in; DuckDB is closed. A second
signal stops at once.

${exitHelp([EXIT.ok, EXIT.error, EXIT.usage, EXIT.sigint, EXIT.sigterm], {
  [EXIT.ok]: "stopped by SIGTERM/SIGINT after every request in flight was answered",
  [EXIT.sigint]: "stopped by SIGINT (Ctrl-C) having cut requests past the drain time or a background run (named on stderr)",
  [EXIT.sigterm]: "stopped by SIGTERM having cut requests past the drain time or a background run (named on stderr)",
})}

Examples:
  sluice serve --lake .lake
  sluice serve --demo --port 8080
  SLUICE_API_TOKEN=$(openssl rand -hex 24) sluice serve --host 0.0.0.0`,
    )
    .action(async (values: { lake: string; port: string; host: string; demo?: boolean; verbose?: boolean }) => {
      const port = Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`--port must be an integer 0..65535, got "${values.port}"`);
      const { token, generated } = apiTokenOf();
      const { limits, connections, drainMs } = queryBudgetFromEnv();
      const lake = resolve(values.lake);
      const runtime = runtimeFor(lake, { verbose: values.verbose, connections });
      let server: LocalServer | undefined;
      try {
        const demo = values.demo ? await runDemoIfEmpty(runtime, lake, io) : {};
        if (demo.exitCode !== undefined) {
          setExit(demo.exitCode);
          return;
        }
        server = await startServer(runtime, { token, host: values.host, port, limits, drainMs });
        io.out(`sluice API and dashboard on ${server.url} (lake ${lake})\n`);
        if (generated) io.out(`API token (POST routes; set SLUICE_API_TOKEN to choose one): ${token}\n`);
        io.out("Press Ctrl-C to stop.\n");
        const stop = stopOnSignals(`finishing the requests in flight (at most ${drainMs ?? DEFAULT_DRAIN_MS} ms)`);
        try {
          await new Promise((done) => stop.signal.addEventListener("abort", done, { once: true }));
          io.out("Stopping…\n");
          const report = await server.close(String(stop.signal.reason));
          server = undefined;
          if (report.requestsCut > 0) io.err(`sluice serve: ${report.requestsCut} request(s) still running after the drain time were cut (their queries interrupted)\n`);
          if (report.runStopped) io.err(`sluice serve: run ${report.runStopped} was stopped at the step it was in (recorded failed)\n`);
          setExit(report.requestsCut > 0 || report.runStopped ? stop.exitCode()! : EXIT.ok);
        } finally {
          stop.dispose();
        }
      } catch (error) {
        if ((error as { code?: string }).code === "EADDRINUSE") throw new UsageError(`port ${port} on ${values.host} is in use: choose another with --port`);
        throw error;
      } finally {
        await server?.close();
        await runtime.close();
      }
    });
}
