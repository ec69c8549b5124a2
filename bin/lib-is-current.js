import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/**
 * Whether lib/ was built from the sources as they are now: every file the build read is no newer
 * than the build's start (lib/build.json, written by scripts/build-cli.ts). A missing or unreadable
 * manifest, or a source that is gone, means no. About a hundred stat calls: a millisecond or two.
 */
export function libIsCurrent(root, lib = join(root, "lib")) {
  try {
    const { builtAt, inputs } = JSON.parse(readFileSync(join(lib, "build.json"), "utf8"));
    return inputs.length > 0 && inputs.every((input) => statSync(join(root, input)).mtimeMs <= builtAt);
  } catch {
    return false;
  }
}
