import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// The Node the project asks for is written in four places (package.json engines, @types/node,
// .nvmrc, README): they must agree. CI runs on the machine's Node, so this checks the files.
const ROOT = join(__dirname, "..", "..");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
  devEngines: { packageManager: { name: string; version?: string; onFail?: string } };
};

/** The major of a `>= 22.0.0` / `^22` / `22` range: the lowest Node it admits. */
function minimumMajor(range: string): number {
  const match = /^\s*(?:>=|\^|~)?\s*v?(\d+)(?:\.\d+){0,2}\s*$/.exec(range);
  if (!match) throw new Error(`not a plain minimum: ${JSON.stringify(range)}`);
  return Number(match[1]);
}

describe("the Node and npm the project asks for", () => {
  const engineMajor = minimumMajor(pkg.engines.node);
  const nvmrc = readFileSync(join(ROOT, ".nvmrc"), "utf8").trim();

  it("requires Node 22 or newer (20 is end-of-life)", () => {
    expect(engineMajor).toBeGreaterThanOrEqual(22);
  });

  it("names in .nvmrc an even (LTS) major that package.json's engines admit", () => {
    expect(nvmrc).toMatch(/^\d+$/);
    expect(Number(nvmrc) % 2).toBe(0);
    expect(Number(nvmrc)).toBeGreaterThanOrEqual(engineMajor);
  });

  it("types the code against the oldest Node it supports, so no newer API slips in", () => {
    expect(minimumMajor(pkg.devDependencies["@types/node"]!)).toBe(engineMajor);
  });

  it("says the same minimum in README", () => {
    expect(readFileSync(join(ROOT, "README.md"), "utf8")).toContain(`Node ${engineMajor} or newer`);
  });

  it("lets only npm 11 install, since npm 10 writes a lockfile without other platforms' packages", () => {
    const { name, version, onFail } = pkg.devEngines.packageManager;
    expect({ name, onFail }).toEqual({ name: "npm", onFail: "error" });
    expect(minimumMajor(version ?? "*")).toBe(11);
  });

  it("reads the ranges it compares (the check is not vacuous)", () => {
    expect(minimumMajor(">= 22.0.0")).toBe(22);
    expect(minimumMajor("^11.16.0")).toBe(11);
    expect(() => minimumMajor("*")).toThrow(/not a plain minimum/);
  });
});
