/**
 * Train / evaluation split. Every example has a split key; the key alone decides the split, so the same
 * input can never land on both sides whatever seed or n asked for it.
 *   - "<pool>:<name>" keys (person:Mira, country:Velmora) hold out whole subjects: the pool is ranked by a
 *     hash of each name and the first EVAL_FRACTION of it is evaluation. Ranking instead of thresholding
 *     guarantees both sides are non-empty even for a pool of eight countries.
 *   - any other key (the canonical input, "pair:animal:cat|dog") goes by a hash threshold.
 */
import { hashString } from "../random";
import type { World } from "../world/types";
import type { Split, SubjectPool } from "./types";

/** Share of each pool / key space held out for evaluation. Fixed: changing it would move examples between splits. */
export const EVAL_FRACTION = 0.2;

export const SUBJECT_POOLS: Readonly<Record<SubjectPool, (w: World) => string[]>> = {
  country: (w) => w.countries.map((c) => c.name),
  city: (w) => w.cities.map((c) => c.name),
  person: (w) => w.people.map((p) => p.name),
  animal: (w) => w.animals.map((a) => a.name),
  food: (w) => w.foods.map((f) => f.name),
  object: (w) => w.objects.map((o) => o.name),
  word: (w) => w.language.lexicon.map((e) => e.english),
};

const cache = new WeakMap<World, Map<SubjectPool, Record<Split, string[]>>>();

/** The members of a pool on each side of the split, in world order. */
export function poolSplit(world: World, pool: SubjectPool): Record<Split, string[]> {
  let byPool = cache.get(world);
  if (!byPool) cache.set(world, (byPool = new Map()));
  let parts = byPool.get(pool);
  if (!parts) {
    const names = SUBJECT_POOLS[pool](world);
    const ranked = names.slice().sort((a, b) => hashString(`split/${pool}:${a}`) - hashString(`split/${pool}:${b}`) || (a < b ? -1 : 1));
    const m = names.length < 2 ? 0 : Math.min(names.length - 1, Math.max(1, Math.round(EVAL_FRACTION * names.length)));
    const held = new Set(ranked.slice(0, m));
    parts = { train: names.filter((n) => !held.has(n)), eval: names.filter((n) => held.has(n)) };
    byPool.set(pool, parts);
  }
  return parts;
}

function isPool(name: string): name is SubjectPool {
  return Object.prototype.hasOwnProperty.call(SUBJECT_POOLS, name);
}

/** The split a key belongs to in this world. */
export function splitOfKey(world: World, key: string): Split {
  const m = /^([a-z]+):(.+)$/.exec(key);
  if (m && isPool(m[1])) {
    const parts = poolSplit(world, m[1]);
    if (parts.eval.includes(m[2])) return "eval";
    if (parts.train.includes(m[2])) return "train";
  }
  return (hashString(`split|${key}`) % 10_000) / 10_000 < EVAL_FRACTION ? "eval" : "train";
}

/** Split key for an unordered pair of subjects ("pair:animal:cat|dog"), so "A or B" and "B or A" share a side. */
export function pairKey(pool: string, a: string, b: string): string {
  return `pair:${pool}:${[a, b].sort().join("|")}`;
}

/** Inputs as one string in the task's field order: what "the same input" means for dedup and splitting. */
export function canonicalInput(fields: readonly string[], inputs: Record<string, string>): string {
  return JSON.stringify(fields.map((f) => inputs[f] ?? ""));
}

/**
 * One split key for an example that states facts about several held-out subjects: the first key on the
 * evaluation side, else the first key. So an example goes to training only when all its subjects do.
 */
export function combineKeys(world: World, keys: readonly string[]): string {
  if (keys.length === 0) throw new Error("combineKeys: no keys");
  return keys.find((k) => splitOfKey(world, k) === "eval") ?? keys[0];
}
