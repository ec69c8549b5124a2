/** The error code an AWS SDK v3 call failed with (`error.name`, e.g. "NoSuchKey"), or undefined. */
export function awsErrorName(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { name, Code } = error as { name?: unknown; Code?: unknown };
  // S3 REST errors without a modeled class sometimes carry the XML `Code` and a generic name.
  if (typeof Code === "string" && (name === "Error" || name === "UnknownError" || name === undefined)) return Code;
  return typeof name === "string" ? name : undefined;
}

/** The HTTP status of a failed AWS call, from the SDK's `$metadata`. */
export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

/** The message of any thrown value. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Splits a list into chunks of at most `size` (AWS batch APIs cap their item counts). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Waits `ms` milliseconds (injected as a fake in tests so polling never really sleeps). */
export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
