import type { ZodError } from "zod";

/** Zod issues as `path: message` lines (`hourly.temperature_2m[3]: Expected number, received string`). */
export function describeZodError(error: ZodError, maxIssues = 5): string {
  const lines = error.issues.slice(0, maxIssues).map((issue) => `${pathText(issue.path)}: ${issue.message}`);
  const more = error.issues.length - maxIssues;
  return lines.join("; ") + (more > 0 ? `; and ${more} more issue(s)` : "");
}

/** A zod issue path as text: `hourly.temperature_2m[3]`, `(root)` when empty. */
export function pathText(path: readonly (string | number)[]): string {
  if (path.length === 0) return "(root)";
  return path.map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? part : `.${part}`)).join("");
}
