/** Small deterministic helpers for seeded choices in evaluation (order flips, bootstrap resamples). */
import { splitmix32 } from "../model/init";

/** FNV-1a hash of a string's UTF-16 code units to a uint32: stable across runs and machines. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** A [0, 1) generator seeded by a number and an optional key (so each item gets its own stream). */
export function seededRandom(seed: number, key = ""): () => number {
  return splitmix32((hash32(key) ^ Math.imul(seed | 0, 0x9e3779b1)) >>> 0);
}

/** A fair coin per (seed, key): the same answer every run, independent across keys. */
export function seededCoin(seed: number, key: string): boolean {
  const next = seededRandom(seed, key);
  next(); // the first draw of a fresh splitmix stream is weakly mixed for nearby seeds
  return next() < 0.5;
}
