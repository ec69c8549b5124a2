/** 32-bit FNV-1a hash of a string: stable seeds per city. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * A uniform number in [0, 1) that depends only on its inputs (a counter-based generator, so the
 * value for one city and hour is the same whatever range is requested around it).
 */
export function uniformAt(seed: number, stream: number, index: number): number {
  let z = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(stream + 0x632be5ab, 0xc2b2ae35) ^ Math.imul(index + 0x27d4eb2f, 0x165667b1)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  z = (z ^ (z >>> 16)) >>> 0;
  return z / 4294967296;
}

/** A standard normal draw from two uniforms (Box–Muller). */
export function normalAt(seed: number, stream: number, index: number): number {
  const u1 = Math.max(uniformAt(seed, stream, 2 * index), 1e-12);
  const u2 = uniformAt(seed, stream, 2 * index + 1);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
