import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

// `npx projen build:cli` (also npm's `prepare`, so `npm install`/`npm ci` leave a current lib/):
// the CLI bundled into lib/, one chunk per command (each `import()` in lazy-commands.ts), the
// dependencies left in node_modules. bin/sluice.js runs it while lib/build.json says it is current.
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** What bin/lib-is-current.js reads: when the build started and the sources it read (paths from the root). */
export interface BuildManifest {
  readonly builtAt: number;
  readonly inputs: readonly string[];
}

/** Bundles packages/cli/src/main.ts into `outdir` (replaced whole, so a reader never sees half a build). */
export async function buildCli(outdir = join(ROOT, "lib")): Promise<BuildManifest> {
  const builtAt = Date.now();
  const staging = `${outdir}.building-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(dirname(outdir), { recursive: true });
  try {
    const result = await build({
      absWorkingDir: ROOT,
      entryPoints: ["packages/cli/src/main.ts"],
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "node",
      target: "node22",
      packages: "external",
      outdir: staging,
      metafile: true,
      logLevel: "warning",
    });
    const manifest: BuildManifest = { builtAt, inputs: Object.keys(result.metafile.inputs).sort() };
    writeFileSync(join(staging, "build.json"), JSON.stringify(manifest, null, 2) + "\n");
    rmSync(outdir, { recursive: true, force: true });
    renameSync(staging, outdir);
    return manifest;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outdir = resolve(process.argv[2] ?? join(ROOT, "lib"));
  const manifest = await buildCli(outdir);
  process.stdout.write(`CLI bundled into ${relative(process.cwd(), outdir) || "."} from ${manifest.inputs.length} source files\n`);
}
