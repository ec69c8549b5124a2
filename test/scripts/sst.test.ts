import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stageOf } from "../../scripts/sst";

const ROOT = join(__dirname, "..", "..");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");

/** `tsx scripts/sst.ts …` as `npm run deploy|dev|remove -- …` runs it, with telemetry not disabled beforehand. */
function sst(...args: string[]) {
  const env = { ...process.env };
  delete env.SST_TELEMETRY_DISABLED;
  return spawnSync(TSX, [join(ROOT, "scripts", "sst.ts"), ...args], { cwd: ROOT, env, encoding: "utf8" });
}

describe("npm run deploy|dev|remove (scripts/sst.ts)", () => {
  it("reads --stage NAME and --stage=NAME, and refuses a missing, empty or malformed stage", () => {
    expect(stageOf(["--stage", "prod"])).toEqual({ stage: "prod" });
    expect(stageOf(["--region", "eu-west-1", "--stage=dev-anna"])).toEqual({ stage: "dev-anna" });
    expect(stageOf([])).toEqual({ problem: expect.stringContaining("--stage is required") });
    expect(stageOf(["--stage"])).toEqual({ problem: "--stage needs a name" });
    expect(stageOf(["--stage", "--verbose"])).toEqual({ problem: "--stage needs a name" });
    expect(stageOf(["--stage", "my_stage"])).toEqual({ problem: expect.stringContaining("only letters, digits and -") });
  });

  it("exits 2 naming --stage instead of letting sst pick $USER or prompt", () => {
    for (const command of ["deploy", "dev", "remove"]) {
      const result = sst(command);

      expect(result.status).toBe(2);
      expect(result.stderr).toContain(`npm run ${command}: --stage is required`);
    }
  }, 60_000);

  it("runs the project's sst with the stage and SST_TELEMETRY_DISABLED=1 (shown by --dry-run)", () => {
    const result = sst("deploy", "--stage", "prod", "--dry-run");

    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(`SST_TELEMETRY_DISABLED=1 ${join(ROOT, "node_modules", ".bin", "sst")} deploy --stage prod`);
  }, 60_000);
});
