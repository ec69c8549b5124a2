/**
 * "Full jitter" exponential back-off (AWS Architecture Blog, "Exponential Backoff And Jitter"):
 * a uniform random delay in [0, min(cap, base · 2^(retry-1))), so that many clients retrying
 * after the same failure spread out instead of hitting the server together.
 */
export function fullJitterDelay(retry: number, baseMs: number, capMs: number, random: () => number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}
