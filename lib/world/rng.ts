/**
 * Seeded pseudo-random numbers for everything in nanoinstruct that must be reproducible: the synthetic
 * world, its corpus, task sampling, data shuffling, weight initialisation.
 *
 * The generator is sfc32 (a "small fast counter" generator, 128 bits of state, 32-bit output), seeded
 * through splitmix32 so that neighbouring seeds (1, 2, 3...) give unrelated streams. It is fast, has no
 * short cycles in practice, and is not cryptographic — do not use it for secrets.
 *
 * `fork(label)` derives an independent child stream from the parent's *seed* and a label, without
 * consuming parent draws. Give each consumer its own fork ("countries", "people", "corpus/train"...) so that
 * adding a draw in one place never shifts the random choices made somewhere else.
 */

/** Anything usable as a seed: a number (any finite number; integers are the norm) or a string. */
export type Seed = number | string;

/** The four 32-bit words of an Rng's state, for saving and resuming a stream (e.g. in checkpoints). */
export type RngState = readonly [number, number, number, number];

const GOLDEN = 0x9e3779b9;

/** One splitmix32 step: returns [output, nextState]. Used only to spread seeds into full states. */
function splitmix32(state: number): [number, number] {
  const next = (state + GOLDEN) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  z ^= z >>> 15;
  return [z >>> 0, next];
}

/** 32-bit avalanche of two words into one (order matters). Used to combine seeds and labels. */
function mix2(a: number, b: number): number {
  let h = Math.imul((a ^ 0x85ebca6b) >>> 0, 0xcc9e2d51) ^ b;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Stable 32-bit hash of a string (FNV-1a over UTF-16 code units, then an avalanche step). */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix2(h >>> 0, text.length);
}

/** Reduces any seed to 32 bits. Integers beyond 32 bits keep their high bits (2^32 and 0 differ). */
export function seedToUint32(seed: Seed): number {
  if (typeof seed === "string") return hashString(seed);
  if (!Number.isFinite(seed)) throw new RangeError(`Rng: seed must be finite, got ${seed}`);
  if (Number.isInteger(seed) && Math.abs(seed) < 2 ** 53) {
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 2 ** 32) >>> 0;
    return hi === 0 ? lo : mix2(lo, hi);
  }
  // Non-integers: hash their shortest round-trip text, so 0.5 and "0.5" agree by design.
  return hashString(String(seed));
}

export class Rng {
  /** 32-bit key this stream was seeded from; forks derive from it, not from the current state. */
  readonly key: number;
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  constructor(seed: Seed = 0) {
    this.key = seedToUint32(seed);
    let s = this.key;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [out, next] = splitmix32(s);
      words.push(out);
      s = next;
    }
    [this.a, this.b, this.c, this.d] = words;
    // Discard a few outputs: the first draws of a freshly seeded sfc32 are less well mixed.
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** Resumes a stream saved with `getState()`. */
  static fromState(state: RngState, key = 0): Rng {
    const r = new Rng(0);
    (r as { key: number }).key = key >>> 0;
    r.setState(state);
    return r;
  }

  getState(): RngState {
    return [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0];
  }

  setState(state: RngState): void {
    [this.a, this.b, this.c, this.d] = state.map((x) => x | 0);
  }

  /** Independent copy that continues exactly where this one is. */
  clone(): Rng {
    return Rng.fromState(this.getState(), this.key);
  }

  /** Child stream determined by this stream's seed and `label` only (parent state is not touched). */
  fork(label: Seed): Rng {
    return new Rng(mix2(this.key, seedToUint32(label)));
  }

  /** Uniform integer in [0, 2^32). */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1) with 32 bits of resolution. */
  float(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  below(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`Rng.below: n must be a positive integer, got ${n}`);
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [min, max], both ends included. */
  int(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new RangeError(`Rng.int: need integers min <= max, got ${min}, ${max}`);
    }
    return min + this.below(max - min + 1);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** Normally distributed float (Box–Muller; one of the pair is discarded to keep the state simple). */
  normal(mean = 0, std = 1): number {
    const u = 1 - this.float(); // (0, 1]: log(u) is finite
    const v = this.float();
    return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** One element, uniformly. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("Rng.pick: empty list");
    return items[this.below(items.length)];
  }

  /** One element with probability proportional to its weight (weights >= 0, not all zero). */
  pickWeighted<T>(items: readonly T[], weights: readonly number[]): T {
    return items[this.weightedIndex(weights)];
  }

  /** Picks the key of a {key: weight} table, e.g. `rng.weighted({ story: 2, lesson: 1 })`. */
  weighted<K extends string>(table: Readonly<Record<K, number>>): K {
    const keys = Object.keys(table) as K[];
    return keys[this.weightedIndex(keys.map((k) => table[k]))];
  }

  /** Index i with probability weights[i] / sum(weights). */
  weightedIndex(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) {
      if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`Rng: weights must be finite and >= 0, got ${w}`);
      total += w;
    }
    if (total <= 0) throw new RangeError("Rng: weights sum to zero");
    let x = this.float() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) return i;
    }
    // Rounding can leave x at ~0 after the loop: return the last index with weight.
    for (let i = weights.length - 1; i >= 0; i--) if (weights[i] > 0) return i;
    return weights.length - 1;
  }

  /** Shuffled copy (Fisher–Yates); the input is left alone. */
  shuffle<T>(items: readonly T[]): T[] {
    return this.shuffleInPlace(items.slice());
  }

  /** Shuffles `items` in place and returns it. */
  shuffleInPlace<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }

  /** k distinct elements in random order (k <= length). */
  sample<T>(items: readonly T[], k: number): T[] {
    if (!Number.isInteger(k) || k < 0 || k > items.length) {
      throw new RangeError(`Rng.sample: k must be an integer in [0, ${items.length}], got ${k}`);
    }
    // Partial Fisher–Yates on a copy: O(length) memory, O(k) swaps.
    const copy = items.slice();
    for (let i = 0; i < k; i++) {
      const j = i + this.below(copy.length - i);
      const t = copy[i];
      copy[i] = copy[j];
      copy[j] = t;
    }
    return copy.slice(0, k);
  }
}

/** Shorthand for `new Rng(seed)`. */
export function rng(seed: Seed = 0): Rng {
  return new Rng(seed);
}
