/**
 * The one module of seeded randomness and hashing in nanoinstruct. Everything that must be reproducible
 * draws from here: the synthetic world and its corpus, task sampling, data shuffling and mixtures, weight
 * initialisation, evaluation sampling and the studies' bootstrap.
 *
 * - `Rng` (below): the general generator, with labelled forks. The world, the tasks, the rewrite family and
 *   the statistics use it.
 * - `splitmix32(seed)`: a plain [0, 1) stream for parameter initialisation (normalSamples), the trainer's
 *   data order and the evaluation's per-item coins.
 * - `mulberry32(seed)` with `deriveSeed(seed, ...names)`: the mixture pipelines' shuffles and samples.
 * - `fnv1a(text)`: the one string hash (`hashString` adds an avalanche step for seeding).
 * - `shuffleInPlace`, `permutation`: Fisher-Yates over any of the streams.
 * The three streams predate this module (they lived in lib/model/init.ts, lib/data/mixture/random.ts and
 * here); they are kept bit for bit, so every published model and result reproduces.
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

/** One splitmix32 step (its own constants): returns [output, nextState]. Used only to spread seeds into full states. */
function splitmixStep(state: number): [number, number] {
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

/** FNV-1a of a string's UTF-16 code units, as a uint32: stable across runs and machines. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Stable 32-bit hash of a string for seeding (FNV-1a, then an avalanche step with the length). */
export function hashString(text: string): number {
  return mix2(fnv1a(text), text.length);
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
      const [out, next] = splitmixStep(s);
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
    return shuffleInPlace(items, () => this.float());
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

// ---- plain streams (kept bit for bit from where they were first written) ----

/** splitmix32 as a stream: a small, well-mixed 32-bit generator; each call returns a float in [0, 1). */
export function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
}

/** mulberry32: a small, fast, seedable generator of floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed derived from a seed and names (FNV-1a over them), so streams for different purposes never coincide. */
export function deriveSeed(seed: number, ...names: (string | number)[]): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  h = Math.imul(h, 0x01000193);
  for (const name of names) {
    const s = String(name);
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0xff; // separator, so ("ab","c") differs from ("a","bc")
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Fisher-Yates shuffle in place, drawing from any [0, 1) stream. */
export function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
  return items;
}

/** 0..n-1 in a seeded random order. */
export function permutation(n: number, random: () => number): number[] {
  return shuffleInPlace(Array.from({ length: n }, (_, i) => i), random);
}
