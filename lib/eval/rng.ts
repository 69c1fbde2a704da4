/** Small deterministic helpers for seeded choices in evaluation (order flips, bootstrap resamples). */
import { fnv1a, splitmix32 } from "../random";

/** A [0, 1) generator seeded by a number and an optional key (so each item gets its own stream). */
export function seededRandom(seed: number, key = ""): () => number {
  return splitmix32((fnv1a(key) ^ Math.imul(seed | 0, 0x9e3779b1)) >>> 0);
}

/** A fair coin per (seed, key): the same answer every run, independent across keys. */
export function seededCoin(seed: number, key: string): boolean {
  const next = seededRandom(seed, key);
  next(); // the first draw of a fresh splitmix stream is weakly mixed for nearby seeds
  return next() < 0.5;
}
