// `npm run deploy|dev|remove -- --stage NAME [sst options]`: `sst <command>` with the two things it
// needs here and does not check itself. Without --stage, sst v2 takes the stage from $USER or prompts
// (and with no TTY, exits 0 having done nothing); without SST_TELEMETRY_DISABLED=1 it tries to reach
// its telemetry endpoint first, so `sst deploy` exits 0 doing nothing and `sst dev` hangs here.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

const COMMANDS = ["deploy", "dev", "remove", "diff"] as const;
type Command = (typeof COMMANDS)[number];

/** The stage named by `--stage NAME` or `--stage=NAME`, or why there is none. */
export function stageOf(args: readonly string[]): { stage: string } | { problem: string } {
  const index = args.findIndex((a) => a === "--stage" || a.startsWith("--stage="));
  if (index < 0) return { problem: "--stage is required (sst would take it from $USER or prompt for it)" };
  const value = args[index]!.includes("=") ? args[index]!.slice("--stage=".length) : args[index + 1];
  if (!value || value.startsWith("-")) return { problem: "--stage needs a name" };
  // SST v2 prefixes every resource with the stage: CloudFormation stack names allow [A-Za-z0-9-].
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(value)) return { problem: `stage ${JSON.stringify(value)} must start with a letter and hold only letters, digits and -` };
  return { stage: value };
}

/** The command line and environment `sst` runs with (what --dry-run prints). */
export function sstInvocation(command: Command, args: readonly string[], env: NodeJS.ProcessEnv): { argv: string[]; env: NodeJS.ProcessEnv } {
  const bin = join(process.cwd(), "node_modules", ".bin", "sst");
  return { argv: [existsSync(bin) ? bin : "sst", command, ...args.filter((a) => a !== "--dry-run")], env: { ...env, SST_TELEMETRY_DISABLED: "1" } };
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!COMMANDS.includes(command as Command)) {
    process.stderr.write(`usage: tsx scripts/sst.ts ${COMMANDS.join("|")} --stage NAME [sst options]\n`);
    return 2;
  }
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(
      `npm run ${command} -- --stage NAME [sst options]\n\n` +
        `Runs \`sst ${command} --stage NAME\` with SST_TELEMETRY_DISABLED=1. --stage is required: a stage named prod or\n` +
        `production keeps its buckets on remove; any other stage is disposable (docs/deploy.md). --dry-run prints the\n` +
        `command instead of running it.\n`,
    );
    return 0;
  }
  const stage = stageOf(args);
  if ("problem" in stage) {
    process.stderr.write(`npm run ${command}: ${stage.problem}: npm run ${command} -- --stage NAME\n`);
    return 2;
  }
  const invocation = sstInvocation(command as Command, args, process.env);
  if (args.includes("--dry-run")) {
    process.stdout.write(`SST_TELEMETRY_DISABLED=1 ${invocation.argv.map((a) => (/^[\w./=-]+$/.test(a) ? a : JSON.stringify(a))).join(" ")}\n`);
    return 0;
  }
  const child = spawn(invocation.argv[0]!, invocation.argv.slice(1), { stdio: "inherit", env: invocation.env });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  return new Promise((resolve) => child.on("close", (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await main(process.argv.slice(2));
