import { rmSync } from "node:fs";
import { relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { synthesizeOffline } from "./offline-app";

// `npm run synth [-- --stage prod --out cdk.out]`: the full cloud assembly, offline, then the
// templates written and any cdk-nag finding left (exit 1 when there is one).
const { values } = parseArgs({
  options: {
    stage: { type: "string", default: process.env.SST_STAGE ?? "synth" },
    region: { type: "string", default: process.env.AWS_REGION ?? "eu-west-1" },
    out: { type: "string", default: "cdk.out" },
  },
});
const outdir = resolve(values.out);
rmSync(outdir, { recursive: true, force: true });
const started = Date.now();
const { assembly, findings } = await synthesizeOffline({ stage: values.stage, region: values.region, outdir });

const lines = [`Synthesized stage "${values.stage}" (${values.region}) into ${relative(process.cwd(), outdir) || "."} in ${((Date.now() - started) / 1000).toFixed(1)} s:`];
for (const stack of assembly.stacks) {
  const resources = Object.keys((stack.template as { Resources?: object }).Resources ?? {}).length;
  lines.push(`  ${relative(process.cwd(), resolve(assembly.directory, stack.templateFile))}  ${stack.stackName}  ${resources} resources`);
}
lines.push(findings.length === 0 ? "cdk-nag AwsSolutions: no unsuppressed findings" : `cdk-nag AwsSolutions: ${findings.length} unsuppressed finding(s):`);
for (const f of findings) lines.push(`  ${f.level} ${f.path} ${f.message.split("\n")[0]}`);
process.stdout.write(lines.join("\n") + "\n");
process.exitCode = findings.length === 0 ? 0 : 1;
